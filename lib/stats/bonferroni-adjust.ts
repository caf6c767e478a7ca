/**
 * Owns the Bonferroni adjustment: min(1, m p) for each of m p-values (R's p.adjust(method =
 * 'bonferroni'), statsmodels' multipletests(method='bonferroni')). Returns a new array; unlike
 * @stdlib/stats-padjust, it never overwrites its input.
 */

import { assertPValues } from './check-p-values';

/** Bonferroni-adjusted p-values, in the input order. */
export function bonferroniAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  return pValues.map((p) => Math.min(1, p * pValues.length));
}
