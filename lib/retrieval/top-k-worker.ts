/**
 * Owns the worker thread side of parallel top-k scoring (parallel-top-k.ts): it keeps the shared
 * postings of the last dataset it was sent, takes query numbers from the batch's shared counter
 * until none is left, scores each with the same Bm25Scorer the main thread uses, and sends the
 * ranked lists back (their buffers transferred, not copied). Imports nothing but the scorer, so
 * it starts in tens of milliseconds and never loads DuckDB.
 */
import { parentPort } from 'node:worker_threads';
import { Bm25Scorer } from './bm25-scorer';
import type { PostingsIndex } from './postings-cache';
import type { ScoreBatch, BatchResult } from './parallel-top-k';

let index: PostingsIndex | undefined;

function onBatch(batch: ScoreBatch): BatchResult {
  if (batch.postings) {
    const p = batch.postings;
    index = {
      key: p.key,
      loadedFrom: 'file',
      docCount: p.docCount,
      avgDocLength: p.avgDocLength,
      // Terms arrive as term indexes with their weights: the dictionary and idf stay on the main thread.
      termIndex: new Map(),
      idf: new Float64Array(0),
      offsets: p.offsets,
      docs: p.docs,
      tfs: p.tfs,
      docLengths: p.docLengths,
      norms: new Map(),
      bounds: new Map(),
    };
  }
  if (!index || index.key !== batch.key) throw new Error(`scoring worker: no postings for ${batch.key}`);
  const scorer = new Bm25Scorer(index, batch.params);
  const results: BatchResult['results'] = [];
  const next = new Int32Array(batch.counter);
  for (let q = Atomics.add(next, 0, 1); q < batch.queries.length; q = Atomics.add(next, 0, 1)) {
    const { terms, weights } = batch.queries[q] as ScoreBatch['queries'][number];
    const list = Array.from(terms, (term, i) => ({ term, weight: weights[i] as number }));
    const { docs, scores } = scorer.topK(list, batch.top);
    results.push({ query: q, docs, scores });
  }
  return { results };
}

parentPort?.on('message', (batch: ScoreBatch) => {
  try {
    const result = onBatch(batch);
    const transfer = result.results.flatMap((r) => [r.docs.buffer as ArrayBuffer, r.scores.buffer as ArrayBuffer]);
    parentPort?.postMessage(result, transfer);
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
