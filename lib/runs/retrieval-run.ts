/**
 * A retrieval run: BM25 over a dataset's own queries, scored with trec_eval-exact measures when
 * qrels exist, and recorded in the store (run row, per-query metrics, ranked results). Reports
 * the time of each phase so the CLI and `npm run perf` can show where time goes.
 */
import type { Store } from '../store/store';
import type { Run } from '../evaluation/types';
import { evaluateRun, DEFAULT_MEASURES, type EvaluationResult } from '../evaluation/evaluate';
import { loadQrels } from '../datasets/catalog';
import { retrieveAll } from '../retrieval/retrieve';
import { DEFAULT_BM25, DEFAULT_TOP_K, type Bm25Params } from '../retrieval/bm25';
import { appendItemMetrics, appendRunResults, createRun, finishRun } from './run-store';

export const BM25_SYSTEM = 'bm25';

export interface RetrievalRunOptions {
  params?: Bm25Params;
  top?: number;
  measures?: readonly string[];
  /** Write the run to the store (default true). */
  record?: boolean;
}

export interface RetrievalRunResult {
  runId: string | undefined;
  run: Run;
  /** Undefined when the dataset has no qrels. */
  evaluation: EvaluationResult | undefined;
  timingsMs: { retrieve: number; evaluate: number; record: number };
}

export async function runRetrieval(store: Store, dataset: string, options: RetrievalRunOptions = {}): Promise<RetrievalRunResult> {
  const params = options.params ?? DEFAULT_BM25;
  const top = options.top ?? DEFAULT_TOP_K;
  const measures = options.measures ?? DEFAULT_MEASURES;

  let t = performance.now();
  const run = await retrieveAll(store, dataset, { params, top });
  const retrieveMs = performance.now() - t;

  t = performance.now();
  const qrels = await loadQrels(store, dataset);
  const evaluation = qrels.size > 0 ? evaluateRun(run, qrels, measures, { depth: top }) : undefined;
  const evaluateMs = performance.now() - t;

  t = performance.now();
  let runId: string | undefined;
  if (options.record !== false) {
    runId = await store.transaction(async () => {
      const id = await createRun(store, { kind: 'retrieve', dataset, config: { system: BM25_SYSTEM, ...params, top, measures } });
      await appendRunResults(store, id, BM25_SYSTEM, run);
      if (evaluation) await appendItemMetrics(store, id, evaluation.perQuery);
      await finishRun(store, id, 'completed');
      return id;
    });
  }
  const recordMs = performance.now() - t;
  return { runId, run, evaluation, timingsMs: { retrieve: retrieveMs, evaluate: evaluateMs, record: recordMs } };
}
