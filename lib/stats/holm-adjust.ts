/**
 * Owns Holm's step-down adjustment (R's p.adjust(method = 'holm'), statsmodels'
 * multipletests(method='holm')): with p-values sorted ascending, the i-th (1-based) becomes
 * max over j <= i of min(1, (m - j + 1) p_(j)). Controls the family-wise error rate under any
 * dependence and is uniformly more powerful than Bonferroni. Returns a new array in input order.
 */

import { ascendingOrder, assertPValues } from './check-p-values';

/** Holm-adjusted p-values, in the input order. */
export function holmAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(0);
  let running = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
