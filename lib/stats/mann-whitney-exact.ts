/**
 * Owns the exact null distribution of the Mann-Whitney U statistic without ties. The number of
 * arrangements with U = k, f(m, n, k), satisfies f(m, n, k) = f(m - 1, n, k - n) + f(m, n - 1, k)
 * (Löffler 1983; SciPy's _MWU), computed here bottom-up over n with counts truncated at the k
 * needed, so the work is about m * n * k additions of positive numbers (no cancellation).
 * Written by hand: no npm package provides this distribution (@stdlib has only the signed-rank
 * one).
 */

/** Work (additions) above which callers should prefer the normal approximation. */
export const MAX_EXACT_MANN_WHITNEY_WORK = 1e8;

/** Number of additions mannWhitneyExactCdf(k, m, n) performs. */
export function mannWhitneyExactWork(k: number, m: number, n: number): number {
  return Math.min(m, n) * Math.max(m, n) * (Math.min(k, m * n) + 1);
}

/**
 * Counts of U = u for u = 0..floor(k) (arrangements of the samples without ties) and the number
 * of all arrangements, C(m + n, m). The counts are exact integers while they stay below 2^53 and
 * correctly rounded ratios beyond.
 */
export function mannWhitneyExactCounts(k: number, m: number, n: number): { counts: Float64Array; total: number } {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const kMax = Math.max(0, Math.floor(Math.min(k, m * n)));
  // counts[j][u]: arrangements of j values of the small sample among the current large ones.
  const counts: Float64Array[] = [];
  for (let j = 0; j <= small; j += 1) {
    const row = new Float64Array(kMax + 1);
    row[0] = 1;
    counts.push(row);
  }
  for (let current = 1; current <= large; current += 1) {
    for (let j = 1; j <= small; j += 1) {
      const row = counts[j] as Float64Array;
      const previous = counts[j - 1] as Float64Array;
      for (let u = kMax; u >= current; u -= 1) row[u] = (row[u] as number) + (previous[u - current] as number);
    }
  }
  let total = 1;
  for (let i = 1; i <= small; i += 1) total = (total * (large + i)) / i;
  return { counts: counts[small] as Float64Array, total };
}

/** P(U <= k) under the null hypothesis for samples of sizes m and n without ties. */
export function mannWhitneyExactCdf(k: number, m: number, n: number): number {
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const { counts, total } = mannWhitneyExactCounts(k, m, n);
  let below = 0;
  for (let u = 0; u < counts.length; u += 1) below += counts[u] as number;
  return Math.min(1, below / total);
}
