/**
 * Owns `set_recall` for one query: recall of the whole retrieved set.
 *
 * trec_eval m_set_recall.c (te_calc_set_recall):
 *     if (res_rels.num_rel)
 *         value = (double) res_rels.num_rel_ret / (double) res_rels.num_rel;
 * num_rel counts the qrels documents with grade >= relevance_level (default 1), retrieved or
 * not; num_rel_ret counts those among the documents retrieved after the -M cut. The value
 * starts at 0.0, so a query with no relevant document gives 0 (and still counts in the mean
 * under -c), and an empty retrieval gives 0. The summary is the mean over the judged queries
 * (te_calc_avg_meas_s).
 */

import type { JudgedRanking } from '../judged-ranking';
import { numRelevant, numRelevantRetrieved } from './counts';

/** set_recall: relevant retrieved within the depth / relevant judged; 0 when none is relevant. */
export function setRecall(query: JudgedRanking): number {
  const relevant = numRelevant(query);
  if (relevant === 0) return 0;
  return numRelevantRetrieved(query) / relevant;
}
