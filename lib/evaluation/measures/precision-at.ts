/**
 * Owns `P_k` for one query: precision at a rank cutoff.
 *
 * trec_eval m_P.c: count docs with rel >= relevance_level among the first k retrieved and divide
 * by k itself, even when fewer than k docs were retrieved ("it is assumed nonrelevant docs fill
 * in the rest": 4 relevant of 15 retrieved gives P_20 = 4/20). Unlike set_P with -M, the
 * denominator is never the number retrieved.
 */

import { assertCutoff, isRelevant, type JudgedRanking } from '../judged-ranking';

/** Precision at `cutoff`: relevant docs in the top `cutoff` divided by `cutoff`. */
export function precisionAt(query: JudgedRanking, cutoff: number): number {
  assertCutoff(cutoff);
  let relevant = 0;
  const limit = Math.min(cutoff, query.ranked.length);
  for (let i = 0; i < limit; i++) {
    if (isRelevant(query.ranked[i]?.grade ?? null)) relevant++;
  }
  return relevant / cutoff;
}
