/**
 * Owns the count measures `num_ret`, `num_rel` and `num_rel_ret` for one query.
 *
 * trec_eval m_num_ret.c, m_num_rel.c, m_num_rel_ret.c report res_rels.num_ret (docs retrieved
 * after the -M cut), res_rels.num_rel (qrels docs with grade >= relevance_level) and
 * res_rels.num_rel_ret (retrieved docs with grade >= relevance_level). Their summary line is a
 * SUM over queries, not a mean (te_calc_avg_meas_empty); see measure-registry.ts.
 */

import { countRelevant, isRelevant, type JudgedRanking } from '../judged-ranking';

/** num_ret: documents retrieved within the evaluation depth. */
export function numRetrieved(query: JudgedRanking): number {
  return query.ranked.length;
}

/** num_rel: relevant documents in the qrels for this query, retrieved or not. */
export function numRelevant(query: JudgedRanking): number {
  return countRelevant(query.judgments);
}

/** num_rel_ret: relevant documents among those retrieved within the evaluation depth. */
export function numRelevantRetrieved(query: JudgedRanking): number {
  return query.ranked.filter((doc) => isRelevant(doc.grade)).length;
}
