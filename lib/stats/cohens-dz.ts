/**
 * Owns Cohen's dz for paired samples: mean(d) / sd(d) with d = x - y, the standardized effect
 * that paired-design power calculations use. The interval inverts the noncentral t: the paired
 * t = dz sqrt(n) is noncentral t with n - 1 df and ncp = delta_z sqrt(n).
 */

import { pairedInputProblem } from './paired-input-problem';
import { degenerateResult } from './degenerate-result';
import { isConstant } from './is-constant';
import { formatInterval, formatNumber } from './format-sentence';
import { noncentralTInterval } from './noncentral-t-interval';
import { type CommonTestOptions, resolveOptions } from './options';
import { sampleMoments } from './descriptive';
import type { EstimateOutcome } from './test-result';

const TEST = "Cohen's dz";
const MIN_PAIRS = 2;

/** Options of cohensDz. */
export type CohensDzOptions = Omit<CommonTestOptions, 'alternative'>;

/** Cohen's dz of paired differences x - y with its noncentral-t confidence interval. */
export function cohensDz(x: readonly number[], y: readonly number[], options: CohensDzOptions = {}): EstimateOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const n = { pairs: Math.min(x.length, y.length) };
  const problem = pairedInputProblem(x, y, MIN_PAIRS);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  const differences = x.map((v, i) => v - (y[i] as number));
  const d = sampleMoments(differences);
  if (isConstant(differences) || !(d.variance > 0)) return degenerateResult(TEST, n, 'the differences have zero variance');
  const estimate = d.mean / Math.sqrt(d.variance);
  const scale = Math.sqrt(d.n);
  const [low, high] = noncentralTInterval(estimate * scale, d.n - 1, resolved.confidenceLevel);
  const interval: [number, number] = [low / scale, high / scale];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX} vs ${labelY}${resolved.metric}: the mean paired difference is ${formatNumber(estimate)} standard ` +
    `deviations of the differences (Cohen's dz, ${formatInterval(interval, resolved.confidenceLevel)}).`;
  return { test: TEST, estimate, interval, confidenceLevel: resolved.confidenceLevel, method: 'noncentral t inversion', n, sentence };
}
