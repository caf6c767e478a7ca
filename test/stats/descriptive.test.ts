/**
 * The descriptive statistics (lib/stats/descriptive.ts, simple-statistics underneath) against
 * NumPy 2.4.6 / SciPy 1.17.1. The constants were printed by python3 with
 *   np.mean(x), np.var(x, ddof=1), np.std(x, ddof=1), np.median(a),
 *   np.quantile(a, [0, 0.05, 0.25, 0.5, 0.95, 1])  (default method 'linear', type 7),
 *   scipy.stats.median_abs_deviation(a)  (scale 1), np.cov(a, y, ddof=1)[0, 1],
 *   scipy.stats.pearsonr(a, y).statistic, scipy.stats.linregress(t, v).slope / .intercept
 * on the samples below.
 */
import { describe, expect, it } from 'vitest';

import {
  addToMean,
  linearTrend,
  mean,
  meanOrNull,
  median,
  medianAbsoluteDeviation,
  quantile,
  quantileSorted,
  quantiles,
  sampleCorrelation,
  sampleCovariance,
  sampleMoments,
  sampleStandardDeviation,
  sampleVariance,
  sum,
} from '../../lib/stats/descriptive';

const X = [0.3, 0.5, 0.9, 0.1, 0.75];
const A = [12.5, 3.25, 7.0, 41.0, 9.75, 3.25, 18.0, 6.5];
const Y = [2.0, 1.0, 4.5, 9.0, 3.5, 0.5, 6.0, 3.0];
const T = [0, 1, 2, 3, 4, 5, 6, 7];
const V = [0.41, 0.43, 0.42, 0.47, 0.46, 0.5, 0.49, 0.53];

describe('mean, variance and standard deviation', () => {
  it('match numpy (ddof = 1)', () => {
    expect(mean(X)).toBe(0.51);
    expect(sampleVariance(X)).toBeCloseTo(0.10550000000000001, 16);
    expect(sampleStandardDeviation(X)).toBeCloseTo(0.3248076353782343, 15);
    expect(sampleMoments(X)).toEqual({ n: 5, mean: mean(X), variance: sampleVariance(X) });
  });

  it('sum with compensation and keep accuracy far from zero', () => {
    expect(sum([1e16, 1, -1e16])).toBe(1);
    expect(mean(Array.from({ length: 10 }, () => 0.1))).toBe(0.1);
    // Two passes: a large common offset does not swallow the spread.
    expect(sampleVariance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toBe(30);
  });

  it('give NaN (or null) where there are too few values, instead of throwing', () => {
    expect(mean([])).toBeNaN();
    expect(meanOrNull([])).toBeNull();
    expect(meanOrNull([2, 4])).toBe(3);
    expect(sum([])).toBe(0);
    expect(sampleVariance([1])).toBeNaN();
    expect(sampleStandardDeviation([])).toBeNaN();
    expect(sampleMoments([]).n).toBe(0);
  });

  it('keep a running mean equal to the batch mean', () => {
    let running = 0;
    A.forEach((v, i) => (running = addToMean(running, i, v)));
    expect(running).toBeCloseTo(mean(A), 14);
  });
});

describe('median and quantiles', () => {
  it('interpolate linearly like numpy.quantile (type 7)', () => {
    expect(median(X)).toBe(0.5);
    expect(median(A)).toBe(8.375);
    expect(quantiles(A, [0, 0.05, 0.25, 0.5, 0.95, 1])).toEqual([3.25, 3.25, 5.6875, 8.375, 32.94999999999999, 41.0]);
    expect(quantile(A, 0.95)).toBe(32.94999999999999);
    const sorted = [...A].sort((a, b) => a - b);
    expect(quantileSorted(sorted, 0.25)).toBe(5.6875);
    expect(quantileSorted(Float64Array.from(sorted), 0.95)).toBe(32.94999999999999);
    expect(quantileSorted([10], 0.3)).toBe(10);
  });

  it('leave the input in its order, and give NaN for none', () => {
    const copy = [...A];
    median(A);
    quantiles(A, [0.5, 0.95]);
    medianAbsoluteDeviation(A);
    expect(A).toEqual(copy);
    expect(median([])).toBeNaN();
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantiles([], [0.5, 0.95])).toEqual([Number.NaN, Number.NaN]);
    expect(medianAbsoluteDeviation([])).toBeNaN();
  });

  it('compute the unscaled median absolute deviation (scipy.stats.median_abs_deviation)', () => {
    expect(medianAbsoluteDeviation(A)).toBe(4.625);
  });
});

describe('covariance, correlation and trends', () => {
  it('match numpy.cov and scipy.stats.pearsonr', () => {
    expect(sampleCovariance(A, Y)).toBeCloseTo(31.234375, 13);
    expect(sampleCorrelation(A, Y)).toBeCloseTo(0.8943546755166084, 14);
    expect(sampleCorrelation([1], [2])).toBeNaN();
    expect(() => sampleCorrelation([1, 2], [1])).toThrow(RangeError);
  });

  it('fit the least-squares line of scipy.stats.linregress', () => {
    const trend = linearTrend(T.map((t, i) => [t, V[i] as number] as [number, number]));
    expect(trend.slope).toBeCloseTo(0.016309523809523815, 15);
    expect(trend.intercept).toBeCloseTo(0.4066666666666666, 14);
    expect(linearTrend([[1, 2]]).slope).toBeNaN();
    expect(linearTrend([[1, 2], [1, 3]]).slope).toBeNaN();
  });
});
