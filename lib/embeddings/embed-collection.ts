/**
 * Computes (or reuses) the embeddings of a dataset's documents for one embedding set: documents
 * are read from the store a page at a time (memory follows the page, not the collection),
 * chunked (chunking.ts), hashed, and only the chunks that have neither a row in the set nor a
 * stored vector with the same content hash are sent to the server, in batches; each batch's
 * vectors and chunk rows are committed together, so a run killed part-way (kill -9 included)
 * keeps every batch committed before, and a re-run computes only what is missing. A second run
 * over a complete set computes nothing.
 *
 * The store is opened per page and per batch (through `withStore`, which waits while another
 * process holds the database), never held during a call to the embedding server. A batch that
 * fails is split by the client down to the inputs that fail; those are counted and reported,
 * and left for the next run.
 */
import type { Store } from '../store/store';
import { getDataset } from '../datasets/catalog';
import { documentPage, indexedText } from '../datasets/document-reads';
import { chunkText, type Chunk } from './chunking';
import { EmbeddingClient, type EmbedSettings } from './embedding-client';
import {
  completeSet,
  contentHash,
  dropStaleDocuments,
  knownDimensions,
  openSet,
  storeChunks,
  storedChunkHashes,
  storedVectorHashes,
  type ChunkRow,
  type EmbeddingSet,
  type EmbeddingSetSpec,
} from './embedding-store';
import { silentEmbeddingProgress, type EmbeddingProgress } from './embedding-progress';

export type WithStore = <T>(work: (store: Store) => Promise<T>) => Promise<T>;

export interface EmbedCollectionOptions {
  spec: EmbeddingSetSpec;
  client: EmbeddingClient;
  withStore: WithStore;
  /** Inputs per request (default 64). */
  batchSize?: number | undefined;
  /** Documents read per visit to the store (default 500). */
  pageSize?: number | undefined;
  keepAlive?: string | number | undefined;
  progress?: EmbeddingProgress | undefined;
  log?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface EmbedCollectionResult {
  set: EmbeddingSet;
  /** Chunks whose vector was computed by this call. */
  computed: number;
  /** Chunks whose vector was already stored (by this set or another with the same text and model). */
  reused: number;
  /** Chunks that were already in the set. */
  present: number;
  failed: number;
  requests: number;
  seconds: number;
}

interface Pending {
  row: ChunkRow;
  text: string;
}

export const DEFAULT_EMBED_BATCH = 64;
const DEFAULT_PAGE = 500;

/** Embeds the dataset's chunks for `spec`; see the module header. */
export async function embedCollection(options: EmbedCollectionOptions): Promise<EmbedCollectionResult> {
  const { spec, client, withStore, signal } = options;
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? silentEmbeddingProgress;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_EMBED_BATCH);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
  const started = performance.now();
  const settings: EmbedSettings = { model: spec.model, dimensions: spec.dimensions, truncate: spec.truncate, keepAlive: options.keepAlive };

  const provenance = await client.provenance(spec.model);
  const opened = await withStore(async (store) => {
    const info = await getDataset(store, spec.dataset);
    const set = await openSet(store, spec, info.importedAt, provenance);
    return { fields: info.indexedFields, docCount: info.docCount, importedAt: info.importedAt, set, known: set.dimensions ?? (await knownDimensions(store, spec)) };
  });
  let dims = opened.known;
  const setId = opened.set.setId;
  const digest = provenance.modelDigest ?? opened.set.provenance.modelDigest;
  let computed = 0;
  let reused = 0;
  let present = 0;
  let failed = 0;
  let requests = 0;
  progress.start(opened.docCount);

  const embedBatch = async (batch: Pending[], alsoRows: ChunkRow[]): Promise<void> => {
    const result = await client.embedAll(
      batch.map((p) => p.text),
      settings,
    );
    requests += result.requests;
    const vectors: { hash: string; vector: number[] }[] = [];
    const rows: ChunkRow[] = [...alsoRows];
    result.vectors.forEach((v, i) => {
      const p = batch[i] as Pending;
      if (v === null) return;
      vectors.push({ hash: p.row.contentHash, vector: v });
      rows.push(p.row);
    });
    for (const f of result.failures) {
      const p = batch[f.index] as Pending;
      log(`embedding ${p.row.docId} chunk ${p.row.chunkIndex} failed: ${f.error.message}`);
    }
    failed += result.failures.length;
    const first = vectors[0];
    if (first) dims ??= first.vector.length;
    if (dims === null) return;
    const n = dims;
    await withStore((store) => storeChunks(store, setId, n, vectors, rows));
    computed += vectors.length;
  };

  let from = 0;
  let docsDone = 0;
  for (;;) {
    if (signal?.aborted) break;
    const pageFrom = from;
    const page = await withStore(async (store) => {
      const docs = await documentPage(store, spec.dataset, pageFrom, pageSize);
      const chunked = docs.map((d) => ({ docId: d.docId, docNo: d.docNo, chunks: chunkText(indexedText({ id: d.docId, fields: d.fields }, opened.fields), spec.chunking) }));
      const hashed = chunked.map((d) => ({ ...d, hashes: d.chunks.map((c: Chunk) => contentHash(spec, digest, c.text)) }));
      const stored = await storedChunkHashes(store, setId, hashed.map((d) => d.docId));
      const stale = hashed.filter((d) => {
        const s = stored.get(d.docId);
        return s !== undefined && (s.length !== d.hashes.length || s.some((h, i) => h !== d.hashes[i]));
      });
      await dropStaleDocuments(store, setId, stale.map((d) => d.docId));
      for (const d of stale) stored.delete(d.docId);
      const open = hashed.filter((d) => !stored.has(d.docId));
      const haveVectors = dims === null ? new Set<string>() : await storedVectorHashes(store, dims, open.flatMap((d) => d.hashes));
      return { docs: hashed, open, haveVectors, last: docs[docs.length - 1]?.docNo };
    });
    if (page.last === undefined) break;
    from = page.last + 1;
    present += page.docs.filter((d) => !page.open.includes(d)).reduce((s, d) => s + d.chunks.length, 0);

    const reuseRows: ChunkRow[] = [];
    const pending: Pending[] = [];
    const seen = new Set<string>();
    for (const d of page.open) {
      d.chunks.forEach((c, i) => {
        const row: ChunkRow = { docId: d.docId, chunkIndex: c.index, start: c.start, end: c.end, tokens: c.tokens, contentHash: d.hashes[i] as string };
        if (page.haveVectors.has(row.contentHash) || seen.has(row.contentHash)) {
          // Stored already, or computed earlier in this page (identical chunks embed once).
          if (page.haveVectors.has(row.contentHash)) reuseRows.push(row);
          else pending.push({ row, text: '' });
        } else {
          seen.add(row.contentHash);
          pending.push({ row, text: c.text });
        }
      });
    }
    // Chunks reusing a stored vector: rows only.
    if (reuseRows.length > 0 && dims !== null) {
      const n = dims;
      await withStore((store) => storeChunks(store, setId, n, [], reuseRows));
      reused += reuseRows.length;
    }
    // Duplicates of a chunk computed in this page get their rows after it.
    const duplicates = pending.filter((p) => p.text === '').map((p) => p.row);
    const toEmbed = pending.filter((p) => p.text !== '');
    for (let i = 0; i < toEmbed.length; i += batchSize) {
      if (signal?.aborted) break;
      await embedBatch(toEmbed.slice(i, i + batchSize), []);
      progress.update(docsDone + Math.round((page.docs.length * Math.min(i + batchSize, toEmbed.length)) / Math.max(1, toEmbed.length)), computed + reused + present);
    }
    if (duplicates.length > 0 && dims !== null && !signal?.aborted) {
      const n = dims;
      const have = await withStore((store) => storedVectorHashes(store, n, duplicates.map((r) => r.contentHash)));
      const rows = duplicates.filter((r) => have.has(r.contentHash));
      await withStore((store) => storeChunks(store, setId, n, [], rows));
      reused += rows.length;
    }
    docsDone += page.docs.length;
    progress.update(docsDone, computed + reused + present);
  }
  progress.stop();
  // An interrupted pass leaves the set incomplete (completed_at stays empty); the next run goes on.
  const set = await withStore((store) => (signal?.aborted ? openSet(store, spec, opened.importedAt, provenance) : completeSet(store, setId, failed)));
  return { set, computed, reused, present, failed, requests, seconds: (performance.now() - started) / 1000 };
}
