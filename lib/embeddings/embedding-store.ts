/**
 * The one module that writes and reads the embedding tables (migration 10): `embedding_sets`,
 * `embedding_chunks` and the per-length vector tables `embedding_vectors_<N>` (content_hash
 * PRIMARY KEY, vec FLOAT[N]), which it creates when a set of a new length first needs one (N is
 * the model's, known only once it answers; FLOAT[N] needs it in the column type). Vectors are
 * keyed by content hash, so a chunk's vector is computed once and shared by every set with the
 * same text, model and settings.
 *
 * Vectors go in as appended rows (DuckDB's appender into a temporary staging table, then one
 * INSERT OR IGNORE): binding them as a LIST(FLOAT[N]) parameter converts value by value and took
 * 5.8 s for 2,000 vectors of 768 dimensions, the appender 0.2 s (measured with @duckdb/node-api
 * 1.5.5). Never as SQL text.
 *
 * Exact vector search runs here too, in core DuckDB (no extension): the queries' vectors are
 * appended to a temporary table the same way, joined with every chunk vector of the set, scored with array_inner_product (the vectors are unit length, so it is the cosine),
 * aggregated per document (max or sum over its chunks) and cut to the top k per query with
 * QUALIFY row_number(): all queries of a run in one statement.
 */
import crypto from 'node:crypto';
import { arrayValue, INTEGER, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { ScoredDocument } from '../evaluation/types';
import type { ChunkingSettings } from './chunking';
import type { EmbeddingProvenance } from './embedding-client';

/** What identifies an embedding set. */
export interface EmbeddingSetSpec {
  dataset: string;
  provider: string;
  model: string;
  /** Requested vector length; undefined: the model's own. */
  dimensions?: number | undefined;
  chunking: ChunkingSettings;
  truncate: boolean;
}

export interface EmbeddingSet {
  setId: string;
  spec: EmbeddingSetSpec;
  /** The vectors' length; null until the first vector is stored. */
  dimensions: number | null;
  provenance: EmbeddingProvenance;
  createdAt: Date;
  completedAt: Date | null;
  chunkCount: number | null;
  failedChunks: number | null;
}

/** A chunk row with its content hash. */
export interface ChunkRow {
  docId: string;
  chunkIndex: number;
  start: number;
  end: number;
  tokens: number;
  contentHash: string;
}

export type ChunkAggregate = 'max' | 'sum';

/**
 * The set's id: its spec and when the dataset was imported. A re-imported dataset gets a new set
 * (documents removed by the import leave nothing behind in it), whose chunks still reuse every
 * stored vector of unchanged text by content hash.
 */
export function setIdOf(spec: EmbeddingSetSpec, datasetImportedAt: string): string {
  const key = JSON.stringify([spec.dataset, datasetImportedAt, spec.provider, spec.model, spec.dimensions ?? null, spec.chunking.maxTokens, spec.chunking.overlapTokens, spec.truncate]);
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** sha256 of the model, its digest and the settings that change a vector, and the chunk text. */
export function contentHash(spec: Pick<EmbeddingSetSpec, 'provider' | 'model' | 'dimensions' | 'truncate'>, modelDigest: string | null, text: string): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([spec.provider, spec.model, modelDigest ?? '', spec.dimensions ?? null, spec.truncate]))
    .update('\n')
    .update(text)
    .digest('hex');
}

const MAX_DIMENSIONS = 65_536;

/** The vector table for length `n` (an integer checked here, the only computed part of the name). */
function vectorTable(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DIMENSIONS) throw new RangeError(`vector length ${n} is not an integer from 1 to ${MAX_DIMENSIONS}`);
  return `embedding_vectors_${n}`;
}

/**
 * A temporary table (this connection only, gone when it closes) of (key, FLOAT[n]) rows, emptied
 * and filled with `rows` through the appender: how vectors enter SQL.
 */
async function stageVectors(store: Store, n: number, rows: { key: string; vector: number[] }[]): Promise<string> {
  const stage = `${vectorTable(n)}_stage`;
  await store.run(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (key VARCHAR NOT NULL, vec FLOAT[${n}] NOT NULL)`);
  await store.run(`DELETE FROM ${stage}`);
  await store.append(stage, rows.map((r) => [r.key, arrayValue(r.vector)]));
  return stage;
}

async function vectorTableExists(store: Store, n: number): Promise<boolean> {
  const row = await store.one(`SELECT 1 AS found FROM duckdb_tables() WHERE table_name = $name`, { name: vectorTable(n) });
  return row !== undefined;
}

interface SetRow {
  set_id: string;
  dataset: string;
  provider: string;
  model: string;
  requested_dimensions: number | null;
  dimensions: number | null;
  chunk_max_tokens: number;
  chunk_overlap_tokens: number;
  truncate: boolean;
  host: string | null;
  server_version: string | null;
  model_digest: string | null;
  created_at: Date;
  completed_at: Date | null;
  chunk_count: bigint | number | null;
  failed_chunks: bigint | number | null;
  [key: string]: unknown;
}

const num = (v: bigint | number | null): number | null => (v === null ? null : Number(v));

function toSet(r: SetRow): EmbeddingSet {
  return {
    setId: r.set_id,
    spec: {
      dataset: r.dataset,
      provider: r.provider,
      model: r.model,
      dimensions: r.requested_dimensions ?? undefined,
      chunking: { maxTokens: r.chunk_max_tokens, overlapTokens: r.chunk_overlap_tokens },
      truncate: r.truncate,
    },
    dimensions: r.dimensions,
    provenance: { provider: r.provider as EmbeddingProvenance['provider'], host: r.host ?? '', serverVersion: r.server_version, modelDigest: r.model_digest },
    createdAt: r.created_at,
    completedAt: r.completed_at,
    chunkCount: num(r.chunk_count),
    failedChunks: num(r.failed_chunks),
  };
}

export async function findSet(store: Store, setId: string): Promise<EmbeddingSet | undefined> {
  const row = await store.one<SetRow>(`SELECT * FROM embedding_sets WHERE set_id = $setId`, { setId });
  return row ? toSet(row) : undefined;
}

/** The set for `spec`, created with its provenance when new; a changed model digest updates the provenance. */
export async function openSet(store: Store, spec: EmbeddingSetSpec, datasetImportedAt: string, provenance: EmbeddingProvenance): Promise<EmbeddingSet> {
  const setId = setIdOf(spec, datasetImportedAt);
  const existing = await findSet(store, setId);
  if (!existing) {
    await store.run(
      `INSERT INTO embedding_sets (set_id, dataset, dataset_imported_at, provider, model, requested_dimensions, chunk_max_tokens, chunk_overlap_tokens, truncate, host, server_version, model_digest, created_at)
       VALUES ($setId, $dataset, $importedAt::TIMESTAMP, $provider, $model, $dims, $max, $overlap, $truncate, $host, $version, $digest, now())`,
      {
        setId, dataset: spec.dataset, importedAt: datasetImportedAt, provider: spec.provider, model: spec.model, dims: spec.dimensions ?? null, max: spec.chunking.maxTokens,
        overlap: spec.chunking.overlapTokens, truncate: spec.truncate, host: provenance.host, version: provenance.serverVersion, digest: provenance.modelDigest,
      },
      { dims: INTEGER },
    );
  } else if (provenance.modelDigest !== null && provenance.modelDigest !== existing.provenance.modelDigest) {
    await store.run(`UPDATE embedding_sets SET host = $host, server_version = $version, model_digest = $digest, completed_at = NULL WHERE set_id = $setId`, {
      setId, host: provenance.host, version: provenance.serverVersion, digest: provenance.modelDigest,
    });
  }
  return (await findSet(store, setId)) as EmbeddingSet;
}

/** The vector length other sets of this model and settings found, to look for reusable vectors before the model answers. */
export async function knownDimensions(store: Store, spec: EmbeddingSetSpec): Promise<number | null> {
  const row = await store.one<{ dimensions: number }>(
    `SELECT dimensions FROM embedding_sets WHERE provider = $provider AND model = $model AND requested_dimensions IS NOT DISTINCT FROM $dims AND dimensions IS NOT NULL LIMIT 1`,
    { provider: spec.provider, model: spec.model, dims: spec.dimensions ?? null },
    { dims: INTEGER },
  );
  return row?.dimensions ?? null;
}

/** The stored chunk hashes of the given documents in the set, in chunk order. */
export async function storedChunkHashes(store: Store, setId: string, docIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (docIds.length === 0) return out;
  const rows = await store.all<{ doc_id: string; chunk_index: number; content_hash: string }>(
    `SELECT c.doc_id, c.chunk_index, c.content_hash FROM embedding_chunks c JOIN (SELECT unnest($ids) AS doc_id) d USING (doc_id)
     WHERE c.set_id = $setId ORDER BY c.doc_id, c.chunk_index`,
    { setId, ids: listValue(docIds) },
    { ids: LIST(VARCHAR) },
  );
  for (const r of rows) {
    const list = out.get(r.doc_id) ?? [];
    list[r.chunk_index] = r.content_hash;
    out.set(r.doc_id, list);
  }
  return out;
}

/** Which of the given content hashes already have a vector of length `n`. */
export async function storedVectorHashes(store: Store, n: number, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0 || !(await vectorTableExists(store, n))) return new Set();
  const rows = await store.all<{ content_hash: string }>(
    `SELECT v.content_hash FROM ${vectorTable(n)} v JOIN (SELECT unnest($hashes) AS content_hash) h USING (content_hash)`,
    { hashes: listValue(hashes) },
    { hashes: LIST(VARCHAR) },
  );
  return new Set(rows.map((r) => r.content_hash));
}

/** Drops the set's rows of documents whose chunks changed (their text or the model digest did). */
export async function dropStaleDocuments(store: Store, setId: string, docIds: string[]): Promise<void> {
  if (docIds.length === 0) return;
  await store.run(`DELETE FROM embedding_chunks WHERE set_id = $setId AND doc_id IN (SELECT unnest($ids))`, { setId, ids: listValue(docIds) }, { ids: LIST(VARCHAR) });
}

/**
 * Stores computed vectors (those already there are kept) and the chunk rows they complete, in one
 * transaction: a chunk row never exists without its vector. Sets the set's vector length.
 */
export async function storeChunks(store: Store, setId: string, n: number, vectors: { hash: string; vector: number[] }[], rows: ChunkRow[]): Promise<void> {
  const table = vectorTable(n);
  for (const v of vectors) {
    if (v.vector.length !== n) throw new Error(`a vector of length ${v.vector.length} in a set of length ${n}`);
  }
  await store.transaction(async () => {
    await store.run(`CREATE TABLE IF NOT EXISTS ${table} (content_hash VARCHAR PRIMARY KEY, vec FLOAT[${n}] NOT NULL)`);
    if (vectors.length > 0) {
      const stage = await stageVectors(store, n, vectors.map((v) => ({ key: v.hash, vector: v.vector })));
      await store.run(`INSERT OR IGNORE INTO ${table} SELECT key, vec FROM ${stage}`);
      await store.run(`DELETE FROM ${stage}`);
    }
    if (rows.length > 0) {
      await store.run(
        `INSERT OR REPLACE INTO embedding_chunks SELECT $setId, unnest($docs), unnest($idx), unnest($starts), unnest($ends), unnest($tokens), unnest($hashes)`,
        {
          setId,
          docs: listValue(rows.map((r) => r.docId)),
          idx: listValue(rows.map((r) => r.chunkIndex)),
          starts: listValue(rows.map((r) => r.start)),
          ends: listValue(rows.map((r) => r.end)),
          tokens: listValue(rows.map((r) => r.tokens)),
          hashes: listValue(rows.map((r) => r.contentHash)),
        },
        { docs: LIST(VARCHAR), idx: LIST(INTEGER), starts: LIST(INTEGER), ends: LIST(INTEGER), tokens: LIST(INTEGER), hashes: LIST(VARCHAR) },
      );
    }
    await store.run(`UPDATE embedding_sets SET dimensions = $n WHERE set_id = $setId AND dimensions IS DISTINCT FROM $n`, { setId, n });
  });
}

/** Marks the set complete: its chunk count and the chunks that failed. */
export async function completeSet(store: Store, setId: string, failedChunks: number): Promise<EmbeddingSet> {
  await store.run(
    `UPDATE embedding_sets SET completed_at = now(), failed_chunks = $failed,
       chunk_count = (SELECT count(*) FROM embedding_chunks WHERE set_id = $setId) WHERE set_id = $setId`,
    { setId, failed: failedChunks },
  );
  return (await findSet(store, setId)) as EmbeddingSet;
}

export interface VectorQuery {
  key: string;
  vector: number[];
}

/**
 * The top `k` documents of each query, all queries in one statement: inner product of unit
 * vectors (the cosine) per chunk, max or sum over a document's chunks, ties broken by doc id
 * descending (trec_eval's order).
 */
export async function searchDocuments(store: Store, setId: string, n: number, queries: VectorQuery[], k: number, aggregate: ChunkAggregate): Promise<Map<string, ScoredDocument[]>> {
  const out = new Map<string, ScoredDocument[]>(queries.map((q) => [q.key, []]));
  if (queries.length === 0 || !(await vectorTableExists(store, n))) return out;
  const agg = aggregate === 'sum' ? 'sum' : 'max';
  const stage = await stageVectors(store, n, queries.map((q) => ({ key: q.key, vector: q.vector })));
  const rows = await store.all<{ q: string; doc_id: string; score: number }>(
    `WITH q AS (SELECT key AS q, vec AS qvec FROM ${stage}),
          c AS (SELECT c.doc_id, v.vec FROM embedding_chunks c JOIN ${vectorTable(n)} v USING (content_hash) WHERE c.set_id = $setId),
          s AS (SELECT q.q, c.doc_id, ${agg}(array_inner_product(c.vec, q.qvec)) AS score FROM q, c GROUP BY q.q, c.doc_id)
     SELECT q, doc_id, score FROM s
     QUALIFY row_number() OVER (PARTITION BY q ORDER BY score DESC, doc_id DESC) <= $k
     ORDER BY q, score DESC, doc_id DESC`,
    { setId, k },
  );
  await store.run(`DELETE FROM ${stage}`);
  for (const r of rows) out.get(r.q)?.push({ docId: r.doc_id, score: r.score });
  return out;
}

export interface ScoredChunk {
  docId: string;
  chunkIndex: number;
  start: number;
  end: number;
  score: number;
}

/** The top `k` chunks for one vector (for answers with citations: the caller reads their text). */
export async function searchChunks(store: Store, setId: string, n: number, vector: number[], k: number): Promise<ScoredChunk[]> {
  if (!(await vectorTableExists(store, n))) return [];
  const stage = await stageVectors(store, n, [{ key: 'q', vector }]);
  const rows = await store.all<{ doc_id: string; chunk_index: number; start_char: number; end_char: number; score: number }>(
    `SELECT c.doc_id, c.chunk_index, c.start_char, c.end_char, array_inner_product(v.vec, q.vec) AS score
     FROM embedding_chunks c JOIN ${vectorTable(n)} v USING (content_hash), ${stage} q WHERE c.set_id = $setId
     ORDER BY score DESC, c.doc_id DESC, c.chunk_index LIMIT $k`,
    { setId, k },
  );
  await store.run(`DELETE FROM ${stage}`);
  return rows.map((r) => ({ docId: r.doc_id, chunkIndex: r.chunk_index, start: r.start_char, end: r.end_char, score: r.score }));
}
