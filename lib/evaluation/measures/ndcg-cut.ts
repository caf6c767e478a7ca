/**
 * Owns `ndcg_cut_k` for one query: nDCG at a rank cutoff with linear gains.
 *
 * trec_eval m_ndcg_cut.c (trec_eval 9.x):
 *  - DCG@k: over the first k retrieved docs (fewer if fewer were retrieved or -M cut them),
 *    gain = the qrels grade itself; docs with gain <= 0 (non-relevant, unjudged, negative)
 *    add nothing; a doc at 0-based index i is discounted by log2(i + 2), i.e. log2(rank + 1),
 *    so rank 1 is undiscounted. (trec_eval 8.x used log2(rank) with rank 1 special-cased;
 *    9.x changed to i+2, which is what is reproduced here.)
 *  - Ideal DCG@k: the qrels grades >= 1 of the query (retrieved or not) sorted descending,
 *    summed with the same discount over the first k of them.
 *  - value = DCG / IDCG when IDCG > 0, else 0 (no relevant docs). Summation order matches
 *    trec_eval's (rank order, then grades descending), so results are bit-identical.
 */

import { assertCutoff, type JudgedRanking } from '../judged-ranking';

/** trec_eval's discount for a 0-based index: log2(index + 2) = log2(rank + 1). */
function discount(index: number): number {
  const rankOffset = 2;
  return Math.log2(index + rankOffset);
}

/** The grade of ideal rank positions: only positive grades contribute (trec_eval levels >= 1). */
function idealGains(query: JudgedRanking): number[] {
  const gains: number[] = [];
  for (const grade of query.judgments.values()) {
    if (grade > 0) gains.push(grade);
  }
  return gains.sort((a, b) => b - a);
}

/** nDCG@cutoff of one query's ranking; 0 when the query has no positively graded document. */
export function ndcgCut(query: JudgedRanking, cutoff: number): number {
  assertCutoff(cutoff);
  let dcg = 0;
  const retrievedLimit = Math.min(cutoff, query.ranked.length);
  for (let i = 0; i < retrievedLimit; i++) {
    const grade = query.ranked[i]?.grade ?? 0;
    if (grade > 0) dcg += grade / discount(i);
  }
  const ideal = idealGains(query);
  let idealDcg = 0;
  const idealLimit = Math.min(cutoff, ideal.length);
  for (let i = 0; i < idealLimit; i++) {
    idealDcg += (ideal[i] ?? 0) / discount(i);
  }
  return idealDcg > 0 ? dcg / idealDcg : 0;
}
