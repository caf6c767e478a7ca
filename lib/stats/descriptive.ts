/**
 * Owns Benchlab's descriptive statistics: sum, mean (also running), median, quantiles, sample
 * variance / standard deviation / covariance, the median absolute deviation, Pearson's
 * correlation and least-squares trend lines. simple-statistics does the arithmetic; the
 * distribution tails of the tests (t, normal, chi-square, incomplete beta and gamma) stay with
 * @stdlib, where they were measured accurate. Definitions, all as numpy / SciPy define them:
 *  - sum and mean: simple-statistics' `sum` is Neumaier-compensated (Kahan's variant), so sums of
 *    100,000 values agree with numpy's pairwise sums far below 1e-9;
 *  - sample variance (n - 1, numpy.var(ddof=1)) and covariance: two passes, the squared
 *    deviations summed with that compensated `sum`. simple-statistics' own sampleVariance and
 *    sampleCovariance add the deviations in a plain loop; the compensated sum keeps the
 *    SciPy-matched t-tests exactly where they were;
 *  - quantiles: linear interpolation between order statistics (Hyndman & Fan type 7,
 *    numpy.quantile's default), which is simple-statistics' quantile / quantileSorted; the
 *    median is the 0.5 quantile (the mean of the middle two of an even count);
 *  - the median absolute deviation is unscaled, median(|x - median(x)|)
 *    (scipy.stats.median_abs_deviation with its default scale 1);
 *  - correlation is Pearson's r of the sample (scipy.stats.pearsonr's statistic).
 * Unlike simple-statistics, which throws, an empty input (or fewer than 2 values where n - 1
 * divides) gives NaN: callers check their counts, as they did before.
 */

import * as ss from 'simple-statistics';

/** Sum of `values` with Neumaier compensation (0 for none). */
export function sum(values: readonly number[]): number {
  return ss.sum(values);
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ss.mean(values);
}

/** Arithmetic mean; null for no values (a missing figure in reports and comparisons). */
export function meanOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : ss.mean(values);
}

/** The mean of n values and one more value, without the values (a running mean). */
export function addToMean(currentMean: number, n: number, value: number): number {
  return ss.addToMean(currentMean, n, value);
}

/** Sum of squared deviations from the mean, compensated (the M2 of the variance). */
export function sumSquaredDeviations(values: readonly number[]): number {
  const m = mean(values);
  return sum(values.map((v) => (v - m) ** 2));
}

/** Unbiased (n - 1) sample variance; NaN below 2 values. */
export function sampleVariance(values: readonly number[]): number {
  return values.length < 2 ? Number.NaN : sumSquaredDeviations(values) / (values.length - 1);
}

/** Sample standard deviation, the square root of the unbiased variance; NaN below 2 values. */
export function sampleStandardDeviation(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Unbiased (n - 1) sample covariance of paired values; NaN below 2 pairs. */
export function sampleCovariance(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`covariance needs paired values, got ${x.length} and ${y.length}`);
  if (x.length < 2) return Number.NaN;
  const mx = mean(x);
  const my = mean(y);
  return sum(x.map((v, i) => (v - mx) * ((y[i] as number) - my))) / (x.length - 1);
}

/** Size, mean and unbiased (n - 1) variance of one sample. */
export interface SampleMoments {
  readonly n: number;
  readonly mean: number;
  /** Unbiased variance; NaN when n < 2 (callers check n first). */
  readonly variance: number;
}

/** Mean and unbiased variance of `values` (as numpy.mean and numpy.var(ddof=1)). */
export function sampleMoments(values: readonly number[]): SampleMoments {
  return { n: values.length, mean: mean(values), variance: sampleVariance(values) };
}

/**
 * The p-quantile (p in [0, 1]) of ascending `sorted` values, non-empty, by linear interpolation
 * (type 7). Typed arrays are accepted: simple-statistics only reads `length` and indices.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  return ss.quantileSorted(sorted as readonly number[], p);
}

/** The p-quantile (p in [0, 1]) of `values` in any order, type 7; NaN for no values. */
export function quantile(values: readonly number[], p: number): number {
  return values.length === 0 ? Number.NaN : ss.quantile(values, p);
}

/** Several quantiles of `values` at once (e.g. [0.5, 0.95]), type 7; NaNs for no values. */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  return values.length === 0 ? ps.map(() => Number.NaN) : ss.quantile(values, ps);
}

/** The median (mean of the middle two of an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ss.median(values);
}

/** Unscaled median absolute deviation, median(|x - median(x)|); NaN for no values. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ss.medianAbsoluteDeviation(values);
}

/** Pearson's sample correlation r of paired values; NaN below 2 pairs or with a constant side. */
export function sampleCorrelation(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`correlation needs paired values, got ${x.length} and ${y.length}`);
  return x.length < 2 ? Number.NaN : ss.sampleCorrelation(x, y);
}

/** A least-squares line y = slope x + intercept. */
export interface LinearTrend {
  readonly slope: number;
  readonly intercept: number;
}

/**
 * The ordinary least-squares line through [x, y] points (numpy.polyfit(x, y, 1)), e.g. a
 * metric's trend per day over runs. NaN slope and intercept for no points or a single x value
 * (simple-statistics gives one point a slope of 0; here one point has no trend).
 */
export function linearTrend(points: readonly (readonly [number, number])[]): LinearTrend {
  if (points.length < 2) return { slope: Number.NaN, intercept: Number.NaN };
  const { m, b } = ss.linearRegression(points);
  return Number.isFinite(m) ? { slope: m, intercept: b } : { slope: Number.NaN, intercept: Number.NaN };
}
