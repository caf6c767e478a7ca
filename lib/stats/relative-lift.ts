/**
 * Owns the relative lift mean(x) / mean(y) - 1 (x the treatment, y the baseline) with a
 * delta-method interval on the normal scale, as GrowthBook's frequentist engine reports it:
 *   unpaired: Var = s_x^2 / (n_x m_y^2) + s_y^2 m_x^2 / (n_y m_y^4)
 *   paired:   Var = (s_x^2 / m_y^2 + s_y^2 m_x^2 / m_y^4 - 2 cov(x, y) m_x / m_y^3) / n
 * (first-order Taylor expansion of the ratio of means; the paired form keeps the covariance,
 * which is what makes paired designs precise). The interval is lift ± z SE. Fieller's interval
 * would be exact under normality but can be unbounded; the delta method is adequate when the
 * baseline mean is many standard errors from zero, which the `sentence` does not check.
 */

import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import { nonFiniteReason } from './check-finite';
import { compensatedSum } from './compensated-sum';
import { degenerateResult } from './degenerate-result';
import { formatInterval, formatNumber } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { sampleMoments } from './sample-moments';
import type { EstimateOutcome, SampleCounts } from './test-result';

const TEST = 'Relative lift';
const MIN_SAMPLE = 2;
const PERCENT = 100;

/** Options of relativeLift. */
export interface RelativeLiftOptions extends Omit<CommonTestOptions, 'alternative'> {
  readonly paired?: boolean;
}

/** mean(x) / mean(y) - 1 with a delta-method confidence interval. */
export function relativeLift(x: readonly number[], y: readonly number[], options: RelativeLiftOptions = {}): EstimateOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const paired = options.paired === true;
  const n: SampleCounts = paired ? { pairs: Math.min(x.length, y.length) } : { x: x.length, y: y.length };
  if (paired && x.length !== y.length) return degenerateResult(TEST, n, `x has ${x.length} values but y has ${y.length}`);
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(TEST, n, bad);
  if (x.length < MIN_SAMPLE || y.length < MIN_SAMPLE) return degenerateResult(TEST, n, `each sample needs at least ${MIN_SAMPLE} values`);
  const a = sampleMoments(x);
  const b = sampleMoments(y);
  if (b.mean === 0) return degenerateResult(TEST, n, 'the baseline mean is zero');
  const ratio = a.mean / b.mean;
  let variance: number;
  if (paired) {
    const covariance = compensatedSum(x.map((v, i) => (v - a.mean) * ((y[i] as number) - b.mean))) / (a.n - 1);
    variance =
      (a.variance / b.mean ** 2 + (b.variance * a.mean ** 2) / b.mean ** 4 - (2 * covariance * a.mean) / b.mean ** 3) / a.n;
  } else {
    variance = a.variance / (a.n * b.mean ** 2) + (b.variance * a.mean ** 2) / (b.n * b.mean ** 4);
  }
  if (!(variance > 0)) return degenerateResult(TEST, n, 'the delta-method variance is zero');
  const estimate = ratio - 1;
  const half = normalQuantile((1 + resolved.confidenceLevel) / 2, 0, 1) * Math.sqrt(variance);
  const interval: [number, number] = [estimate - half, estimate + half];
  const [labelX, labelY] = resolved.labels;
  const pct = (v: number): number => v * PERCENT;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatNumber(Math.abs(pct(estimate)))}% ${estimate >= 0 ? 'higher' : 'lower'} ` +
    `than ${labelY}'s (${formatInterval([pct(interval[0]), pct(interval[1])], resolved.confidenceLevel)} ` +
    `in percent, delta method).`;
  return { test: TEST, estimate, interval, confidenceLevel: resolved.confidenceLevel, method: 'delta method', n, sentence };
}
