/**
 * Stage 4 of the benchmark engine: a batch of completed items is executed on the suite's search
 * backend (ID-only boolean search of each valid query, fused; a retrieval strategy's ranking fused
 * with it or taken as it is) and scored against the qrels, and turned
 * into the rows of run_items and item_metrics. An item that ended in an error scores 0 (the model
 * gave nothing usable); one never attempted has no score at all, so a circuit that stayed open
 * cannot drag a mean down. A RAG item is scored on its context and citations (lib/rag/rag-scoring.ts).
 *
 * Latency: a retrieval strategy's item (bm25, dense, hybrid) is stored with its retrieval time, what
 * it took before (the question as a query; a dense ranking's share of the one embedding and vector
 * search) plus its share of the batch's search and its fusion, so every strategy's latency is the
 * time to retrieve for a question. A query generator's latency stays the time to generate its
 * queries, and a RAG item's already holds its retrieval and its answer.
 */
import type { AppendValue } from '../../store/store';
import type { SearchBackend } from '../../backends/search-backend';
import type { Qrels } from '../../evaluation/types';
import { executeQueries, type ExecutedItem } from '../../querygen/execute-queries';
import { sumOrNull, type PendingItem } from './items';
import { ragItemMetrics } from '../../rag/rag-scoring';

export interface ScoredBatch {
  /** Rows for run_items, in its column order. */
  itemRows: AppendValue[][];
  /** Rows for item_metrics: [run_id, item_key, measure, value]. */
  metricRows: [string, string, string, number][];
}

export async function executeAndScore(backend: SearchBackend, qrels: Qrels, batch: PendingItem[], topK: number): Promise<ExecutedItem[]> {
  return executeQueries(
    backend,
    qrels,
    batch.map((p) => ({ key: p.key, questionId: p.questionId, queries: p.queries, ...(p.retrieval ? { retrieval: p.retrieval } : {}) })),
    topK,
  );
}

/** The batch's rows: each item with what its execution found, and the scores of the items attempted. */
export function scoredRows(runId: string, batch: PendingItem[], executed: ExecutedItem[], now: string, qrels: Qrels, topK: number): ScoredBatch {
  // A RAG item runs no query: its scores are its context's and its citations' (lib/rag).
  executed = executed.map((e, i) => {
    const rag = batch[i]?.rag;
    return rag ? { ...e, docsFound: rag.context.length, metrics: ragItemMetrics(rag, batch[i]?.questionId ?? '', qrels, topK) } : e;
  });
  const itemRows = batch.map((p, i): AppendValue[] => {
    const e = executed[i];
    const calls = p.calls;
    const cacheHit = calls.length > 0 && calls.every((c) => c.cacheHit);
    return [
      runId, p.key, p.generator, p.model ?? null, p.questionId, p.repeat, JSON.stringify(p.queries), p.checks.filter((c) => c.valid).length,
      p.checks.length, e?.docsFound ?? 0, p.retrieval && p.status !== 'not-attempted' ? p.latencyMs + (e?.retrievalMs ?? 0) : p.latencyMs, sumOrNull(calls.map((c) => c.timings.promptTokens)), sumOrNull(calls.map((c) => c.timings.evalTokens)),
      calls.length > 0 ? cacheHit : null, p.error ?? null, now,
      // migration 5
      p.status, p.errorKind ?? null, p.answerRead, JSON.stringify(p.checks), p.loadMs,
    ];
  });
  const metricRows = executed.flatMap((e, i) =>
    batch[i]?.status !== 'not-attempted' ? Object.entries(e.metrics).map(([measure, value]): [string, string, string, number] => [runId, e.key, measure, value]) : [],
  );
  return { itemRows, metricRows };
}
