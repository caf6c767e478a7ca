/**
 * Owns `recall_k` for one query: recall at a rank cutoff.
 *
 * trec_eval m_recall.c: if num_rel (qrels docs with grade >= relevance_level) is 0 the value is 0;
 * otherwise it is the number of relevant docs among the first k retrieved divided by num_rel.
 * A cutoff beyond the end of the ranking counts everything retrieved (up to -M).
 */

import { assertCutoff, countRelevant, isRelevant, type JudgedRanking } from '../judged-ranking';

/** Recall at `cutoff`: relevant docs in the top `cutoff` divided by all relevant docs; 0 if none are relevant. */
export function recallAt(query: JudgedRanking, cutoff: number): number {
  assertCutoff(cutoff);
  const relevantTotal = countRelevant(query.judgments);
  if (relevantTotal === 0) return 0;
  let relevant = 0;
  const limit = Math.min(cutoff, query.ranked.length);
  for (let i = 0; i < limit; i++) {
    if (isRelevant(query.ranked[i]?.grade ?? null)) relevant++;
  }
  return relevant / relevantTotal;
}
