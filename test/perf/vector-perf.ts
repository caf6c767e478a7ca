/**
 * Dense retrieval benchmarks for `npm run perf -- vectors` (and the plain `npm run perf`):
 *
 * - exact vector search in core DuckDB (lib/embeddings/embedding-store.ts searchDocuments): the
 *   top 100 documents of 30 queries in one statement, over about 5,000 and 170,000 chunks of 768
 *   dimensions (random unit vectors from a fixed seed, two chunks per document, max over a
 *   document's chunks); the median of 3 runs after a warm-up, total and per query, beside one
 *   query alone. The store is a DuckDB file in a temp folder, filled through the owner's writer.
 * - embedding throughput: a full embedding pass (chunk, hash, /api/embed in batches of 64, store
 *   per batch) over a synthetic collection against the Ollama-compatible test server in this
 *   process, in chunks/s, and the second pass that finds everything stored. It measures the
 *   client and store path (and the test server's own hashing), not a model on a GPU.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, withStore, type Store } from '../../lib/store/store';
import { openSet, searchDocuments, storeChunks, type ChunkRow } from '../../lib/embeddings/embedding-store';
import { EmbeddingClient } from '../../lib/embeddings/embedding-client';
import { embedCollection } from '../../lib/embeddings/embed-collection';
import { importCollection } from '../../lib/datasets/import';
import { seededRandom } from '../../lib/stats/seeded-random';
import { median } from '../../lib/stats/descriptive';
import { startFakeOllama } from '../support/fake-ollama/server';

export const VECTOR_DIMS = 768;
export const VECTOR_QUERIES = 30;
export const VECTOR_TOP_K = 100;
export const VECTOR_SIZES = [5_000, 170_000] as const;
const FILL_BATCH = 2_000;
const SEED = 20261207;

export interface VectorSearchPoint {
  chunks: number;
  fillMs: number;
  /** All queries in one statement: median total, and per query. */
  allQueriesMs: number;
  perQueryMs: number;
  /** One query alone, median. */
  singleQueryMs: number;
  dbBytes: number;
}

function unitVectors(count: number, dims: number, random: ReturnType<typeof seededRandom>): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const v = new Array<number>(dims);
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      // Box-Muller: Gaussian coordinates give directions uniform on the sphere.
      const g = Math.sqrt(-2 * Math.log(1 - random.uniform())) * Math.cos(2 * Math.PI * random.uniform());
      v[d] = g;
      sum += g * g;
    }
    const norm = Math.sqrt(sum);
    out.push(v.map((x) => x / norm));
  }
  return out;
}

async function fill(store: Store, setId: string, chunks: number): Promise<void> {
  const random = seededRandom(SEED);
  for (let from = 0; from < chunks; from += FILL_BATCH) {
    const n = Math.min(FILL_BATCH, chunks - from);
    const vectors = unitVectors(n, VECTOR_DIMS, random).map((vector, i) => ({ hash: `h${from + i}`, vector }));
    const rows: ChunkRow[] = vectors.map((v, i) => ({ docId: `d${Math.floor((from + i) / 2)}`, chunkIndex: (from + i) % 2, start: 0, end: 1, tokens: 1, contentHash: v.hash }));
    await storeChunks(store, setId, VECTOR_DIMS, vectors, rows);
  }
}

export async function measureVectorSearch(chunks: number): Promise<VectorSearchPoint> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-vector-perf-'));
  const dbPath = path.join(dir, 'vectors.duckdb');
  const store = await openStore({ dbPath });
  try {
    const set = await openSet(
      store,
      { dataset: 'perf', provider: 'ollama', model: 'random', chunking: { maxTokens: 256, overlapTokens: 32 }, truncate: true },
      new Date().toISOString(),
      { provider: 'ollama', host: 'none', serverVersion: null, modelDigest: null },
    );
    let t = performance.now();
    await fill(store, set.setId, chunks);
    const fillMs = performance.now() - t;
    const queries = unitVectors(VECTOR_QUERIES, VECTOR_DIMS, seededRandom(SEED + 1)).map((vector, i) => ({ key: `q${i}`, vector }));
    await searchDocuments(store, set.setId, VECTOR_DIMS, queries, VECTOR_TOP_K, 'max'); // warm-up
    const all: number[] = [];
    const single: number[] = [];
    for (let r = 0; r < 3; r++) {
      t = performance.now();
      const result = await searchDocuments(store, set.setId, VECTOR_DIMS, queries, VECTOR_TOP_K, 'max');
      all.push(performance.now() - t);
      if ((result.get('q0')?.length ?? 0) !== VECTOR_TOP_K) throw new Error('vector search returned too few documents');
      t = performance.now();
      await searchDocuments(store, set.setId, VECTOR_DIMS, queries.slice(0, 1), VECTOR_TOP_K, 'max');
      single.push(performance.now() - t);
    }
    store.close();
    const allQueriesMs = median(all);
    return { chunks, fillMs, allQueriesMs, perQueryMs: allQueriesMs / VECTOR_QUERIES, singleQueryMs: median(single), dbBytes: fs.statSync(dbPath).size };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const THROUGHPUT_DOCS = 2_000;

export interface EmbeddingThroughput {
  documents: number;
  chunks: number;
  requests: number;
  seconds: number;
  chunksPerSecond: number;
  /** The second pass over the same set: nothing computed. */
  reuseSeconds: number;
  reuseRequests: number;
}

export async function measureEmbeddingThroughput(): Promise<EmbeddingThroughput> {
  const fake = await startFakeOllama({ models: [{ name: 'nomic-embed-text:latest', family: 'nomic-bert', parameterSize: '137M', quantization: 'F16', sizeBytes: 274_302_450, contextLength: 2048, capabilities: ['embedding'], embeddingLength: 768, loaded: true }] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-embed-perf-'));
  const dbPath = path.join(dir, 'embed.duckdb');
  try {
    const random = seededRandom(SEED);
    const words = ['heart', 'blood', 'pressure', 'renal', 'failure', 'children', 'cancer', 'cell', 'growth', 'hormone', 'insulin', 'liver', 'lung', 'protein', 'acid', 'therapy', 'patient', 'dose', 'study', 'effect', 'tissue', 'enzyme', 'serum', 'level'];
    const sentence = () => Array.from({ length: 8 + random.index(12) }, () => words[random.index(words.length)]).join(' ') + '.';
    const documents = Array.from({ length: THROUGHPUT_DOCS }, (_, i) => ({ id: `d${i}`, fields: { text: Array.from({ length: 10 + random.index(20) }, sentence).join(' ') } }));
    await withStore({ dbPath }, (store) =>
      importCollection(store, 'perf', { format: 'beir', documents, queries: [{ id: 'q', text: 'heart' }], qrels: [{ queryId: 'q', docId: 'd0', grade: 1 }], defaultFields: ['text'], warnings: [] }).then(() => undefined),
    );
    const client = new EmbeddingClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }] });
    const use = <T>(work: (store: Store) => Promise<T>): Promise<T> => withStore({ dbPath }, work);
    const spec = { dataset: 'perf', provider: 'ollama', model: 'nomic-embed-text', chunking: { maxTokens: 128, overlapTokens: 16 }, truncate: true };
    const first = await embedCollection({ spec, client, withStore: use });
    const second = await embedCollection({ spec, client, withStore: use });
    return {
      documents: THROUGHPUT_DOCS, chunks: first.computed, requests: first.requests, seconds: first.seconds, chunksPerSecond: first.computed / first.seconds,
      reuseSeconds: second.seconds, reuseRequests: second.requests,
    };
  } finally {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
