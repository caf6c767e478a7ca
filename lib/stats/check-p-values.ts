/**
 * Owns the validation shared by the multiple-testing adjustments: every p-value must be a
 * number in [0, 1]. Invalid p-values are a programming error upstream, so this throws.
 */

/** Throws a RangeError naming the first p-value outside [0, 1] (or NaN). */
export function assertPValues(pValues: readonly number[]): void {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${i} must be in [0, 1], got ${p}`);
  });
}

/** Indices of `pValues` in ascending order of p (stable). */
export function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number) || i - j);
}
