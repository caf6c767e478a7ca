/**
 * Owns the two-proportion z-test (statsmodels.stats.proportion.proportions_ztest with
 * value = 0 and prop_var = False): z = (p_x - p_y) / sqrt(p (1 - p) (1/n_x + 1/n_y)) where
 * p is the pooled proportion (s_x + s_y) / (n_x + n_y), the variance under the null hypothesis
 * of equal proportions. The interval of p_x - p_y is the unpooled Wald interval
 * (p_x - p_y) ± z_q sqrt(p_x(1 - p_x)/n_x + p_y(1 - p_y)/n_y) (statsmodels'
 * confint_proportions_2indep(method='wald')), since an interval has no null hypothesis to pool
 * under. Without continuity correction; equal to the square root of the uncorrected chi-square
 * test on the same 2 x 2 table.
 */

import { degenerateResult } from './degenerate-result';
import { formatInterval, formatNumber, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { zPValue } from './p-value';
import { normalInterval } from './t-interval';
import type { StatsResult } from './test-result';

const TEST = 'Two-proportion z-test';
const PERCENTAGE_POINTS = 100;

/** Successes out of trials for one group. */
export interface ProportionCounts {
  readonly successes: number;
  readonly trials: number;
}

/** Options of twoProportionZTest. */
export type TwoProportionOptions = CommonTestOptions;

function countsProblem(name: string, c: ProportionCounts): string | undefined {
  if (!Number.isInteger(c.trials) || c.trials < 1) return `${name}.trials must be a positive whole number, got ${c.trials}`;
  if (!Number.isInteger(c.successes) || c.successes < 0 || c.successes > c.trials) {
    return `${name}.successes must be a whole number from 0 to ${c.trials}, got ${c.successes}`;
  }
  return undefined;
}

/** Pooled two-proportion z-test of p_x - p_y, with the Wald interval of the difference. */
export function twoProportionZTest(x: ProportionCounts, y: ProportionCounts, options: TwoProportionOptions = {}): StatsResult {
  const resolved = resolveOptions(options);
  const n = { x: x.trials, y: y.trials };
  const problem = countsProblem('x', x) ?? countsProblem('y', y);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  const px = x.successes / x.trials;
  const py = y.successes / y.trials;
  const pooled = (x.successes + y.successes) / (x.trials + y.trials);
  if (pooled === 0 || pooled === 1) {
    return degenerateResult(TEST, n, `every trial ${pooled === 0 ? 'failed' : 'succeeded'} in both groups`);
  }
  const estimate = px - py;
  const statistic = estimate / Math.sqrt(pooled * (1 - pooled) * (1 / x.trials + 1 / y.trials));
  const pValue = zPValue(statistic, resolved.alternative);
  const waldSe = Math.sqrt((px * (1 - px)) / x.trials + (py * (1 - py)) / y.trials);
  const interval = normalInterval(estimate, waldSe, resolved.confidenceLevel, resolved.alternative);
  const [labelX, labelY] = resolved.labels;
  const points = (v: number): number => v * PERCENTAGE_POINTS;
  const sentence =
    `${labelX}'s${resolved.metric} rate is ${formatNumber(points(px))}% vs ${formatNumber(points(py))}% for ${labelY}, ` +
    `a difference of ${formatNumber(points(estimate))} percentage points ` +
    `(${formatInterval([points(interval[0]), points(interval[1])], resolved.confidenceLevel)}); ` +
    `z = ${formatNumber(statistic)}, ${formatPValue(pValue)}.`;
  return {
    test: TEST,
    statistic,
    pValue,
    estimate,
    interval,
    confidenceLevel: resolved.confidenceLevel,
    alternative: resolved.alternative,
    n,
    method: 'pooled',
    sentence,
  };
}
