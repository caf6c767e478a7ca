/**
 * Owns the choice among the multiple-testing adjustments by name, for reports that let the
 * user pick: 'holm' (family-wise error, the default), 'bh' (false discovery rate) or
 * 'bonferroni'. Never mutates its input.
 */

import { benjaminiHochbergAdjust } from './benjamini-hochberg-adjust';
import { bonferroniAdjust } from './bonferroni-adjust';
import { holmAdjust } from './holm-adjust';

/** Names of the supported adjustments. */
export type PAdjustMethod = 'holm' | 'bh' | 'bonferroni';

/** Adjusted p-values, in the input order. */
export function adjustPValues(pValues: readonly number[], method: PAdjustMethod = 'holm'): number[] {
  if (method === 'holm') return holmAdjust(pValues);
  if (method === 'bh') return benjaminiHochbergAdjust(pValues);
  if (method === 'bonferroni') return bonferroniAdjust(pValues);
  throw new RangeError(`unknown p-value adjustment '${String(method)}'`);
}
