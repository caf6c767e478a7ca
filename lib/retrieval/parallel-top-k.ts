/**
 * Owns parallel top-k scoring: a batch of queries scored by the main thread and a pool of worker
 * threads (top-k-worker.ts) over the same postings, which live in SharedArrayBuffers (the
 * postings file and pack loaders allocate them so), so no thread copies the collection. Threads
 * take query numbers from one shared counter (Atomics.add) until none is left, so a thread that
 * starts late or gets long queries simply takes fewer. Each query is scored by the same
 * Bm25Scorer code whichever thread takes it, so the results are bit-identical to scoring the
 * batch in one thread.
 *
 * When: BENCHLAB_SCORING_THREADS=N asks for N threads (1 = the main thread alone); otherwise a
 * batch uses every core (at most MAX_THREADS) when its lists hold at least PARALLEL_MIN_POSTINGS
 * postings and it has at least PARALLEL_MIN_QUERIES queries, where a worker's start (about 30 ms
 * the first time) is small against the scoring. Workers are kept for the process's next batch
 * and do not keep the process alive while idle. A worker that fails or exits loses nothing: the
 * queries it did not return are scored by the main thread. Without the compiled worker (the
 * TypeScript sources under vitest) every batch is scored in the main thread.
 *
 * Measured (100,000-document perf corpus, 200 questions, top 1000, this 2-core machine): see
 * README "Scale". Hand-written: Node has threads and shared memory but no library that schedules
 * this engine's queries over them (piscina and the like copy each task's data per call).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Bm25Scorer, type ScoringTerm, type TopDocs } from './bm25-scorer';
import type { PostingsIndex } from './postings-cache';
import { threadsAsked } from '../threads-asked';

/** The most threads a batch uses, whatever the machine. */
export const MAX_THREADS = 8;
/** Below this many postings in a batch's lists, one thread is faster than starting workers. */
export const PARALLEL_MIN_POSTINGS = 4_000_000;
export const PARALLEL_MIN_QUERIES = 8;
/** The environment variable that sets the number of scoring threads. */
export const THREADS_ENV = 'BENCHLAB_SCORING_THREADS';

/** The postings a worker scores over; sent once per dataset load, shared, never copied. */
export interface SharedPostings {
  key: string;
  docCount: number;
  avgDocLength: number;
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Int32Array;
  docLengths: Int32Array;
}

/** One batch as a worker gets it: queries as term indexes and weights, in the scorer's order. */
export interface ScoreBatch {
  key: string;
  postings?: SharedPostings;
  params: { k1: number; b: number };
  top: number;
  queries: { terms: Int32Array; weights: Float64Array }[];
  /** One Int32: the next query number to take. */
  counter: SharedArrayBuffer;
}

export interface BatchResult {
  results: { query: number; docs: Int32Array; scores: Float64Array }[];
  error?: string;
}

const WORKER_FILE = path.join(__dirname, 'top-k-worker.js');

interface PooledWorker {
  worker: Worker;
  /** The postings key this worker holds. */
  key?: string;
  broken: boolean;
}

const pool: PooledWorker[] = [];

function isShared(array: Int32Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/** Whether the index's arrays can be shared with workers and the compiled worker exists. */
export function canScoreInParallel(index: PostingsIndex): boolean {
  return (
    isShared(index.offsets) && isShared(index.docs) && isShared(index.tfs) && isShared(index.docLengths) && fs.existsSync(WORKER_FILE)
  );
}

/** Threads for a batch: the environment's choice, else every core for a batch big enough. */
export function scoringThreads(queries: number, postings: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = threadsAsked(env, THREADS_ENV);
  if (asked !== undefined) return Math.min(asked, MAX_THREADS);
  if (queries < PARALLEL_MIN_QUERIES || postings < PARALLEL_MIN_POSTINGS) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_THREADS, queries));
}

function workers(count: number): PooledWorker[] {
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i]?.broken) pool.splice(i, 1);
  }
  while (pool.length < count) {
    const entry: PooledWorker = { worker: new Worker(WORKER_FILE), broken: false };
    entry.worker.unref();
    const drop = (): void => {
      entry.broken = true;
    };
    entry.worker.once('exit', drop);
    entry.worker.on('error', drop);
    pool.push(entry);
  }
  return pool.slice(0, count);
}

/** Sends the batch to one worker; resolves with what it scored, or an empty list when it failed. */
function runOn(entry: PooledWorker, index: PostingsIndex, batch: Omit<ScoreBatch, 'postings'>): Promise<BatchResult['results']> {
  return new Promise((resolve) => {
    const { worker } = entry;
    const finish = (results: BatchResult['results']): void => {
      worker.off('message', onMessage);
      worker.off('error', onFailure);
      worker.off('exit', onFailure);
      worker.unref();
      resolve(results);
    };
    const onMessage = (message: BatchResult): void => {
      if (message.error !== undefined) {
        entry.broken = true;
        void worker.terminate();
        finish([]);
        return;
      }
      finish(message.results);
    };
    const onFailure = (): void => {
      entry.broken = true;
      finish([]);
    };
    worker.on('message', onMessage);
    worker.once('error', onFailure);
    worker.once('exit', onFailure);
    worker.ref();
    const message: ScoreBatch = { ...batch };
    if (entry.key !== index.key) {
      message.postings = {
        key: index.key,
        docCount: index.docCount,
        avgDocLength: index.avgDocLength,
        offsets: index.offsets,
        docs: index.docs,
        tfs: index.tfs,
        docLengths: index.docLengths,
      };
      entry.key = index.key;
    }
    worker.postMessage(message);
  });
}

export interface TopKBatchOptions {
  /** Threads in all, this one included (scoringThreads); 1 scores in this thread. */
  threads: number;
  /**
   * Whether this thread takes queries too (the default). Tests turn it off so that the workers
   * score every query of a batch too small to keep them busy otherwise.
   */
  mainThreadScores?: boolean;
}

export interface TopKBatch {
  /** Per query, in the batch's order. */
  results: TopDocs[];
  /** Queries scored by each thread: this one first, then each worker's. */
  byThread: number[];
}

/**
 * The top `top` documents of each query (terms in the scorer's order), in query order: scored
 * by `options.threads` threads when the index can be shared, else in this thread.
 */
export async function topKAll(
  index: PostingsIndex,
  scorer: Bm25Scorer,
  params: { k1: number; b: number },
  queries: ScoringTerm[][],
  top: number,
  options: TopKBatchOptions,
): Promise<TopKBatch> {
  const results: (TopDocs | undefined)[] = new Array(queries.length);
  const byThread = [0];
  if (options.threads > 1 && queries.length > 0 && canScoreInParallel(index)) {
    const counter = new SharedArrayBuffer(4);
    const next = new Int32Array(counter);
    const batch = {
      key: index.key,
      params,
      top,
      queries: queries.map((terms) => ({ terms: Int32Array.from(terms, (t) => t.term), weights: Float64Array.from(terms, (t) => t.weight) })),
      counter,
    };
    const mainScores = options.mainThreadScores ?? true;
    const workerCount = Math.min(options.threads - (mainScores ? 1 : 0), queries.length);
    let pending: Promise<BatchResult['results']>[] = [];
    try {
      pending = workers(workerCount).map((entry) => runOn(entry, index, batch));
    } catch {
      // No worker could start (resource limits): this thread scores what is left below.
    }
    if (mainScores) {
      for (let q = Atomics.add(next, 0, 1); q < queries.length; q = Atomics.add(next, 0, 1)) {
        results[q] = scorer.topK(queries[q] as ScoringTerm[], top);
        byThread[0] = (byThread[0] as number) + 1;
      }
    }
    for (const list of await Promise.all(pending)) {
      for (const r of list) results[r.query] = { docs: r.docs, scores: r.scores };
      byThread.push(list.length);
    }
  }
  // The queries a failed worker took, or all of them when scoring in this thread.
  for (let q = 0; q < queries.length; q++) {
    if (results[q] === undefined) {
      results[q] = scorer.topK(queries[q] as ScoringTerm[], top);
      byThread[0] = (byThread[0] as number) + 1;
    }
  }
  return { results: results as TopDocs[], byThread };
}

/** Postings in the lists of a batch's queries: the work the thread count is decided by. */
export function batchPostings(index: PostingsIndex, queries: ScoringTerm[][]): number {
  let total = 0;
  for (const terms of queries) {
    for (const { term } of terms) total += (index.offsets[term + 1] as number) - (index.offsets[term] as number);
  }
  return total;
}

/** Stops the pool's workers (tests; a process that wants its threads back). */
export async function stopScoringWorkers(): Promise<void> {
  const stopping = pool.splice(0).map((entry) => entry.worker.terminate());
  await Promise.all(stopping);
}
