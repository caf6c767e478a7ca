/**
 * Owns the sample-ratio-mismatch (SRM) check: a chi-square goodness-of-fit test of the observed
 * unit counts per arm against the planned split (scipy.stats.chisquare(observed, expected)
 * with expected = total x weight / sum of weights, df = arms - 1), flagged as a mismatch when
 * p < 0.001, the threshold GrowthBook uses. A mismatch means the assignment or logging is
 * broken and the experiment's other results should not be trusted.
 */

import { chiSquareSf } from './chi-square-sf';
import { degenerateResult } from './degenerate-result';
import { formatDf, formatNumber, formatPValue } from './format-sentence';
import { assertProbability } from './options';
import type { DegenerateResult, TestResult } from './test-result';

const TEST = 'Sample ratio mismatch check';
/** GrowthBook's SRM threshold. */
export const DEFAULT_SRM_THRESHOLD = 0.001;
const MIN_ARMS = 2;

/** Options of sampleRatioMismatch. */
export interface SampleRatioMismatchOptions {
  /** Flag a mismatch when p is below this; default 0.001. */
  readonly threshold?: number;
  /** Names of the arms for the sentence. */
  readonly labels?: readonly string[];
}

/** The SRM check result: a chi-square test plus whether it flags a mismatch. */
export type SampleRatioMismatchResult = (TestResult & { readonly mismatch: boolean; readonly threshold: number }) | DegenerateResult;

/** Chi-square goodness-of-fit of `observed` unit counts against the planned `weights` (e.g. [0.5, 0.5]). */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  options: SampleRatioMismatchOptions = {},
): SampleRatioMismatchResult {
  const threshold = options.threshold ?? DEFAULT_SRM_THRESHOLD;
  assertProbability('threshold', threshold);
  const total = observed.reduce((a, b) => a + b, 0);
  const n = { total: Number.isFinite(total) ? total : 0, arms: observed.length };
  if (observed.length < MIN_ARMS) return degenerateResult(TEST, n, `needs at least ${MIN_ARMS} arms`);
  if (weights.length !== observed.length) {
    return degenerateResult(TEST, n, `${observed.length} observed counts but ${weights.length} weights`);
  }
  if (!observed.every((v) => Number.isFinite(v) && v >= 0)) return degenerateResult(TEST, n, 'counts must be finite and non-negative');
  if (!weights.every((w) => Number.isFinite(w) && w > 0)) return degenerateResult(TEST, n, 'weights must be finite and positive');
  if (total === 0) return degenerateResult(TEST, n, 'no units were observed');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let statistic = 0;
  observed.forEach((o, i) => {
    const expected = (total * (weights[i] as number)) / weightSum;
    statistic += (o - expected) ** 2 / expected;
  });
  const df = observed.length - 1;
  const pValue = chiSquareSf(statistic, df);
  const mismatch = pValue < threshold;
  const labels = options.labels ?? observed.map((_, i) => `arm ${i + 1}`);
  const split = observed.map((o, i) => `${labels[i] ?? `arm ${i + 1}`} ${formatNumber(o)}`).join(', ');
  const sentence =
    `${mismatch ? 'Sample ratio mismatch' : 'No sample ratio mismatch'}: observed ${split} against the planned split; ` +
    `chi-square = ${formatNumber(statistic)}, ${formatDf(df)}, ${formatPValue(pValue)} (threshold ${threshold}).`;
  return { test: TEST, statistic, pValue, df, alternative: 'two-sided', n, method: 'chi-square goodness of fit', sentence, mismatch, threshold };
}
