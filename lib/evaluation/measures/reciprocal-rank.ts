/**
 * Owns `recip_rank` for one query: reciprocal rank of the first relevant document.
 *
 * trec_eval m_recip_rank.c: find the first retrieved doc (within -M) with
 * rel >= relevance_level; the value is 1 / its rank, or 0 when none is retrieved. There is no
 * cutoff (recip_rank_cut is a different measure).
 */

import { isRelevant, type JudgedRanking } from '../judged-ranking';

/** 1 / rank of the first relevant retrieved document; 0 when there is none. */
export function reciprocalRank(query: JudgedRanking): number {
  const index = query.ranked.findIndex((doc) => isRelevant(doc.grade));
  return index < 0 ? 0 : 1 / (index + 1);
}
