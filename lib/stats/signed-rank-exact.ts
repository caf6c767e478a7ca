/**
 * Owns the exact null distribution of the Wilcoxon signed-rank statistic R+ for n non-zero,
 * untied differences: counts[k] is the number of the 2^n sign patterns whose positive ranks sum
 * to k (subset sums of 1..n). Counts stay exact integers in doubles up to n = 50, the largest
 * n for which SciPy's method='auto' uses the exact distribution. Written by hand because
 * @stdlib/stats-base-dists-signrank-cdf returns only the CDF built from floating point pmfs,
 * and the p-values need both tails without 1 - cdf.
 */

/** Counts of R+ = k for k = 0..n(n+1)/2 over all 2^n sign patterns. */
export function signedRankCounts(n: number): Float64Array {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Float64Array(maxSum + 1);
  counts[0] = 1;
  let reach = 0;
  for (let rank = 1; rank <= n; rank += 1) {
    reach += rank;
    for (let k = reach; k >= rank; k -= 1) counts[k] = (counts[k] as number) + (counts[k - rank] as number);
  }
  return counts;
}

/** P(R+ <= k) and P(R+ >= k) for n untied non-zero differences. */
export function signedRankTails(k: number, n: number): { lower: number; upper: number } {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  let lower = 0;
  let upper = 0;
  for (let s = 0; s < counts.length; s += 1) {
    if (s <= k) lower += counts[s] as number;
    if (s >= k) upper += counts[s] as number;
  }
  return { lower: lower / total, upper: upper / total };
}
