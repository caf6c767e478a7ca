/**
 * Runs generated queries against a dataset and scores them. All queries of a batch of items go
 * to the engine in one boolean-search call, ID-only (doc ids and scores, no text); each item's
 * rankings are de-duplicated and fused with reciprocal rank fusion, and the fused ranking is
 * scored with the trec_eval-exact measures against the item's question.
 */
import type { Store } from '../store/store';
import type { Qrels, ScoredDocument } from '../evaluation/types';
import { evaluateRun } from '../evaluation/evaluate';
import { searchBoolean } from '../retrieval/boolean-search';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';

export interface QueryBatchItem {
  key: string;
  questionId: string;
  queries: string[];
}

export interface ExecutedItem {
  key: string;
  queryCount: number;
  /** Queries that parsed (the rest are syntax errors). */
  parsedCount: number;
  parseErrors: string[];
  /** Distinct documents retrieved across all of the item's queries. */
  docsFound: number;
  fused: ScoredDocument[];
  metrics: Record<string, number>;
}

export function itemMeasures(top: number): string[] {
  return ['ndcg_cut_10', `recall_${top}`, 'map', 'P_10'];
}

export async function executeQueries(
  store: Store,
  dataset: string,
  qrels: Qrels,
  items: QueryBatchItem[],
  top: number,
): Promise<ExecutedItem[]> {
  const flat = items.flatMap((item) => item.queries.map((text, i) => ({ key: `${item.key}#${i}`, text })));
  const results = await searchBoolean(store, dataset, flat, { top });
  const byKey = new Map(results.map((r) => [r.key, r]));
  const measures = itemMeasures(top);
  return items.map((item) => {
    const rankings: ScoredDocument[][] = [];
    const parseErrors: string[] = [];
    const found = new Set<string>();
    item.queries.forEach((text, i) => {
      const result = byKey.get(`${item.key}#${i}`);
      if (!result) return;
      if (!result.ok) {
        parseErrors.push(`query ${i + 1} at ${result.error.position}: ${result.error.message}`);
        return;
      }
      rankings.push(result.results);
      for (const doc of result.results) found.add(doc.docId);
    });
    const fused = reciprocalRankFusion(rankings).slice(0, top);
    const judged = qrels.get(item.questionId);
    const metrics = judged
      ? evaluateRun(new Map([[item.questionId, fused]]), new Map([[item.questionId, judged]]), measures, { depth: top }).perQuery.get(item.questionId) ?? {}
      : {};
    return { key: item.key, queryCount: item.queries.length, parsedCount: rankings.length, parseErrors, docsFound: found.size, fused, metrics };
  });
}
