/**
 * Owns `set_F` / `set_F_<x>` for one query: the F measure of the whole retrieved set.
 *
 * trec_eval m_set_F.c (te_calc_set_F), parameter x from `-m set_F.<x>` (default 1.0):
 *     if (res_rels.num_rel_ret) {
 *         P = (double) res_rels.num_rel_ret / (double) res_rels.num_ret;
 *         R = (double) res_rels.num_rel_ret / (double) res_rels.num_rel;
 *         x = params[0];
 *         value = (x + 1.0) * P * R / (x * P + R);
 *     }
 * i.e. "set_Fx = (x+1) * P * R / (R + x*P) where x is the relative importance of R to P".
 * NOTE: x is the weight itself, not beta: van Rijsbergen's F_beta = (1+beta^2)PR/(beta^2 P+R)
 * is trec_eval's set_F with x = beta^2. F1 is x = 1 (`set_F`); the systematic-review F3
 * (beta = 3) is x = 9 (`set_F_9`); trec_eval's `set_F_3` is beta = sqrt(3).
 *
 * P and R are set_P and set_recall (retrieved = after the -M cut; relevant = grade >=
 * relevance_level, default 1). The value starts at 0.0 and is only set when at least one
 * relevant document was retrieved, so an empty retrieval, a query with no relevant document
 * and a retrieval with no relevant document all give 0 (never NaN). The operations are done
 * in trec_eval's order so the doubles agree. Summary: mean over judged queries
 * (te_calc_avg_meas_s).
 */

import type { JudgedRanking } from '../judged-ranking';
import { numRelevant, numRelevantRetrieved, numRetrieved } from './counts';

/** trec_eval's default set_F parameter (set_F_param_array in m_set_F.c): F1. */
export const SET_F_DEFAULT_WEIGHT = 1.0;

/** Throws unless the weight is a finite number >= 0 (x*P + R must stay positive). */
export function assertSetFWeight(weight: number): void {
  if (!Number.isFinite(weight) || weight < 0) {
    throw new RangeError(`set_F weight must be a finite number >= 0, got ${weight}`);
  }
}

/**
 * set_F with trec_eval's weight x (= beta^2): (x+1)PR/(xP+R) over the retrieved set; 0 when no
 * relevant document was retrieved.
 */
export function setF(query: JudgedRanking, weight: number = SET_F_DEFAULT_WEIGHT): number {
  assertSetFWeight(weight);
  const relevantRetrieved = numRelevantRetrieved(query);
  if (relevantRetrieved === 0) return 0;
  const precision = relevantRetrieved / numRetrieved(query);
  const recall = relevantRetrieved / numRelevant(query);
  return ((weight + 1.0) * precision * recall) / (weight * precision + recall);
}
