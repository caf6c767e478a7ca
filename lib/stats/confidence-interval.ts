/**
 * 95% confidence intervals for a mean: mean ± t(0.975, n−1) · s / √n (Student's t interval over
 * items), from the count, mean and sample standard deviation that DuckDB aggregates. The t
 * quantile comes from @stdlib/stats-base-dists-t-quantile.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export const CONFIDENCE_LEVEL = 0.95;

/** How the intervals are computed, for the pages that show them. */
export const CONFIDENCE_METHOD =
  '95% confidence intervals are Student\'s t intervals over items: mean ± t(0.975, n−1)·s/√n, with s the sample standard deviation (an interval needs n ≥ 2).';

export interface MeanStats {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1 denominator). */
  sd: number | null;
}

export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
  halfWidth: number | null;
  n: number;
}

export function tInterval(stats: MeanStats, level = CONFIDENCE_LEVEL): Interval {
  const { n, mean, sd } = stats;
  if (mean === null || sd === null || n < 2 || !Number.isFinite(sd)) return { mean, low: null, high: null, halfWidth: null, n };
  const t = tQuantile(1 - (1 - level) / 2, n - 1);
  const halfWidth = (t * sd) / Math.sqrt(n);
  return { mean, low: mean - halfWidth, high: mean + halfWidth, halfWidth, n };
}
