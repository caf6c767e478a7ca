/**
 * Owns the two-sample t-test shared by welchTTest and studentTTest (scipy.stats.ttest_ind with
 * equal_var False or True): statistic (mean(x) - mean(y)) / SE, Welch-Satterthwaite or pooled
 * degrees of freedom, p-value from the incomplete beta function, and the t interval of the mean
 * difference (SciPy >= 1.11's confidence_interval()).
 */

import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { isConstant } from './is-constant';
import { formatDf, formatDirection, formatInterval, formatNumber, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { tPValue } from './p-value';
import { sampleMoments } from './descriptive';
import { tInterval } from './t-interval';
import type { StatsResult } from './test-result';

const MIN_SAMPLE = 2;

/** Options of welchTTest and studentTTest. */
export type UnpairedTTestOptions = CommonTestOptions;

/** Runs Welch's (equalVariance false) or Student's (true) two-sample t-test. */
export function unpairedTTest(
  x: readonly number[],
  y: readonly number[],
  equalVariance: boolean,
  options: UnpairedTTestOptions = {},
): StatsResult {
  const test = equalVariance ? 'Student t-test' : 'Welch t-test';
  const resolved = resolveOptions(options);
  const n = { x: x.length, y: y.length };
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(test, n, bad);
  if (x.length < MIN_SAMPLE || y.length < MIN_SAMPLE) {
    return degenerateResult(test, n, `each sample needs at least ${MIN_SAMPLE} values`);
  }
  if (isConstant(x) && isConstant(y)) return degenerateResult(test, n, 'both samples have zero variance');
  const a = sampleMoments(x);
  const b = sampleMoments(y);
  const estimate = a.mean - b.mean;
  let df: number;
  let standardError: number;
  if (equalVariance) {
    df = a.n + b.n - 2;
    const pooled = ((a.n - 1) * a.variance + (b.n - 1) * b.variance) / df;
    standardError = Math.sqrt(pooled * (1 / a.n + 1 / b.n));
  } else {
    const va = a.variance / a.n;
    const vb = b.variance / b.n;
    df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
    standardError = Math.sqrt(va + vb);
  }
  if (!(standardError > 0)) return degenerateResult(test, n, 'both samples have zero variance');
  const statistic = estimate / standardError;
  const pValue = tPValue(statistic, df, resolved.alternative);
  const interval = tInterval(estimate, standardError, df, resolved.confidenceLevel, resolved.alternative);
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatDirection(estimate)} ${labelY}'s ` +
    `(${formatInterval(interval, resolved.confidenceLevel)}); ${equalVariance ? 'Student' : 'Welch'} t = ` +
    `${formatNumber(statistic)}, ${formatDf(df)}, ${formatPValue(pValue)}.`;
  return {
    test,
    statistic,
    pValue,
    df,
    estimate,
    interval,
    confidenceLevel: resolved.confidenceLevel,
    alternative: resolved.alternative,
    n,
    sentence,
  };
}
