/**
 * Owns `set_P` for one query: precision of the whole retrieved set.
 *
 * trec_eval m_set_P.c (te_calc_set_P):
 *     if (res_rels.num_ret)
 *         value = (double) res_rels.num_rel_ret / (double) res_rels.num_ret;
 * num_ret is the number of documents retrieved after the -M cut (the evaluation depth) and
 * num_rel_ret those among them with grade >= relevance_level (default 1; zero, negative and
 * unjudged documents are non-relevant). The value starts at 0.0, so an empty retrieval
 * (num_ret 0, e.g. a judged query absent from the run under -c) gives 0, not NaN.
 * Unlike P_k, the denominator is the number actually retrieved: `-M 50 -m set_P` does not fill
 * a short ranking up with non-relevant documents, `-m P.50` does. The summary is the mean over
 * the judged queries (te_calc_avg_meas_s).
 */

import type { JudgedRanking } from '../judged-ranking';
import { numRelevantRetrieved, numRetrieved } from './counts';

/** set_P: relevant retrieved / retrieved within the depth; 0 when nothing was retrieved. */
export function setPrecision(query: JudgedRanking): number {
  const retrieved = numRetrieved(query);
  if (retrieved === 0) return 0;
  return numRelevantRetrieved(query) / retrieved;
}
