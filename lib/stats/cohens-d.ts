/**
 * Owns Cohen's d for two independent samples: (mean(x) - mean(y)) / s_pooled with
 * s_pooled^2 = ((n_x - 1) s_x^2 + (n_y - 1) s_y^2) / (n_x + n_y - 2) (no small-sample
 * correction; multiply by Hedges' J for g). The interval is exact under normality: the observed
 * t = d sqrt(n_x n_y / (n_x + n_y)) is noncentral t with n_x + n_y - 2 df and
 * ncp = delta sqrt(n_x n_y / (n_x + n_y)), so the ncp interval (noncentral-t-interval.ts) is
 * rescaled by sqrt((n_x + n_y) / (n_x n_y)), as in R's MBESS::ci.smd.
 */

import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { isConstant } from './is-constant';
import { formatInterval, formatNumber } from './format-sentence';
import { noncentralTInterval } from './noncentral-t-interval';
import { type CommonTestOptions, resolveOptions } from './options';
import { sampleMoments } from './descriptive';
import type { EstimateOutcome } from './test-result';

const TEST = "Cohen's d";
const MIN_SAMPLE = 2;

/** Options of cohensD. */
export type CohensDOptions = Omit<CommonTestOptions, 'alternative'>;

/** Cohen's d (pooled SD) with its noncentral-t confidence interval. */
export function cohensD(x: readonly number[], y: readonly number[], options: CohensDOptions = {}): EstimateOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const n = { x: x.length, y: y.length };
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(TEST, n, bad);
  if (x.length < MIN_SAMPLE || y.length < MIN_SAMPLE) return degenerateResult(TEST, n, `each sample needs at least ${MIN_SAMPLE} values`);
  const a = sampleMoments(x);
  const b = sampleMoments(y);
  const df = a.n + b.n - 2;
  const pooledSd = Math.sqrt(((a.n - 1) * a.variance + (b.n - 1) * b.variance) / df);
  if (!(pooledSd > 0) || (isConstant(x) && isConstant(y))) return degenerateResult(TEST, n, 'the pooled standard deviation is zero');
  const estimate = (a.mean - b.mean) / pooledSd;
  const scale = Math.sqrt((a.n * b.n) / (a.n + b.n));
  const [low, high] = noncentralTInterval(estimate * scale, df, resolved.confidenceLevel);
  const interval: [number, number] = [low / scale, high / scale];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatNumber(Math.abs(estimate))} pooled standard deviations ` +
    `${estimate >= 0 ? 'above' : 'below'} ${labelY}'s (Cohen's d = ${formatNumber(estimate)}, ` +
    `${formatInterval(interval, resolved.confidenceLevel)}).`;
  return { test: TEST, estimate, interval, confidenceLevel: resolved.confidenceLevel, method: 'noncentral t inversion', n, sentence };
}
