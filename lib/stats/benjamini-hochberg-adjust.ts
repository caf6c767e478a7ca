/**
 * Owns the Benjamini-Hochberg step-up adjustment (R's p.adjust(method = 'BH'), statsmodels'
 * multipletests(method='fdr_bh')): with p-values sorted ascending, the i-th (1-based) becomes
 * min over j >= i of min(1, m p_(j) / j). Controls the false discovery rate for independent or
 * positively dependent tests. Returns a new array in input order.
 */

import { ascendingOrder, assertPValues } from './check-p-values';

/** Benjamini-Hochberg adjusted p-values (q-values), in the input order. */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(0);
  const order = ascendingOrder(pValues);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank -= 1) {
    const index = order[rank] as number;
    running = Math.min(running, (m * (pValues[index] as number)) / (rank + 1));
    adjusted[index] = running;
  }
  return adjusted;
}
