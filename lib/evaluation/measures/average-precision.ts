/**
 * Owns `map` for one query: (non-interpolated) average precision.
 *
 * trec_eval m_map.c: walk the ranking (already cut at -M); at each doc with
 * rel >= relevance_level add rel_so_far / rank. If at least one relevant doc was retrieved the
 * value is sum / num_rel, where num_rel counts every qrels doc with grade >= relevance_level
 * (retrieved or not); otherwise the value stays 0. The "mean" is taken later over queries.
 */

import { countRelevant, isRelevant, type JudgedRanking } from '../judged-ranking';

/** Average precision of one query's ranking; 0 when nothing relevant is retrieved or judged. */
export function averagePrecision(query: JudgedRanking): number {
  let relevantSoFar = 0;
  let precisionSum = 0;
  query.ranked.forEach((doc, index) => {
    if (isRelevant(doc.grade)) {
      relevantSoFar++;
      precisionSum += relevantSoFar / (index + 1);
    }
  });
  if (relevantSoFar === 0) return 0;
  return precisionSum / countRelevant(query.judgments);
}
