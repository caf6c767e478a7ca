/**
 * Owns the paired t-test (scipy.stats.ttest_rel(x, y)): a one-sample t-test of the per-item
 * differences x[i] - y[i], with n - 1 df and the t interval of the mean difference.
 */

import { pairedInputProblem } from './paired-input-problem';
import { degenerateResult } from './degenerate-result';
import { isConstant } from './is-constant';
import { formatDf, formatDirection, formatInterval, formatNumber, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { tPValue } from './p-value';
import { sampleMoments } from './descriptive';
import { tInterval } from './t-interval';
import type { StatsResult } from './test-result';

const TEST = 'Paired t-test';
const MIN_PAIRS = 2;

/** Options of pairedTTest. */
export type PairedTTestOptions = CommonTestOptions;

/**
 * Paired t-test of mean(x - y) over items scored by both systems.
 *
 * @example pairedTTest(systemB, systemA, { labels: ['System B', 'System A'], metric: 'nDCG@10' })
 */
export function pairedTTest(x: readonly number[], y: readonly number[], options: PairedTTestOptions = {}): StatsResult {
  const resolved = resolveOptions(options);
  const n = { pairs: Math.min(x.length, y.length) };
  const problem = pairedInputProblem(x, y, MIN_PAIRS);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  const differences = x.map((v, i) => v - (y[i] as number));
  const d = sampleMoments(differences);
  if (isConstant(differences) || !(d.variance > 0)) return degenerateResult(TEST, n, 'the differences have zero variance');
  const standardError = Math.sqrt(d.variance / d.n);
  const df = d.n - 1;
  const statistic = d.mean / standardError;
  const pValue = tPValue(statistic, df, resolved.alternative);
  const interval = tInterval(d.mean, standardError, df, resolved.confidenceLevel, resolved.alternative);
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatDirection(d.mean)} ${labelY}'s ` +
    `(${formatInterval(interval, resolved.confidenceLevel)}); paired t = ${formatNumber(statistic)}, ` +
    `${formatDf(df)}, ${formatPValue(pValue)}.`;
  return {
    test: TEST,
    statistic,
    pValue,
    df,
    estimate: d.mean,
    interval,
    confidenceLevel: resolved.confidenceLevel,
    alternative: resolved.alternative,
    n,
    sentence,
  };
}
