/**
 * Owns the relative lift mean(x) / mean(y) - 1 (x the treatment, y the baseline) with a
 * delta-method interval on the normal scale, as GrowthBook's frequentist engine reports it:
 *   unpaired: Var = s_x^2 / (n_x m_y^2) + s_y^2 m_x^2 / (n_y m_y^4)
 *   paired:   Var = (s_x^2 / m_y^2 + s_y^2 m_x^2 / m_y^4 - 2 cov(x, y) m_x / m_y^3) / n
 * (first-order Taylor expansion of the ratio of means; the paired form keeps the covariance,
 * which is what makes paired designs precise). The interval is lift ± z SE. Fieller's interval
 * would be exact under normality but can be unbounded; the delta method is adequate when the
 * baseline mean is many standard errors from zero, which the `sentence` does not check.
 *
 * With `scale: 'log'` the same delta method is applied to log(mean(x) / mean(y)), whose standard
 * error is SE / ratio, and the interval is exp(log ratio ± z SE / ratio) - 1: asymmetric, and
 * never below -100% (a ratio of non-negative means cannot be negative). When the ratio is not
 * positive (a mean of zero or of the other sign) the log is undefined; the linear interval is
 * used then, its lower end cut at -100% when both means are non-negative (`method` says so).
 */

import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { formatInterval, formatNumber } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { sampleCovariance, sampleMoments } from './descriptive';
import type { EstimateOutcome, SampleCounts } from './test-result';

const TEST = 'Relative lift';
const MIN_SAMPLE = 2;
const PERCENT = 100;

/** Options of relativeLift. */
export interface RelativeLiftOptions extends Omit<CommonTestOptions, 'alternative'> {
  readonly paired?: boolean;
  /** 'linear' (default, GrowthBook's interval) or 'log' (the interval of the log ratio, never below -100%). */
  readonly scale?: 'linear' | 'log';
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
    const covariance = sampleCovariance(x, y);
    variance =
      (a.variance / b.mean ** 2 + (b.variance * a.mean ** 2) / b.mean ** 4 - (2 * covariance * a.mean) / b.mean ** 3) / a.n;
  } else {
    variance = a.variance / (a.n * b.mean ** 2) + (b.variance * a.mean ** 2) / (b.n * b.mean ** 4);
  }
  if (!(variance > 0)) return degenerateResult(TEST, n, 'the delta-method variance is zero');
  const estimate = ratio - 1;
  const z = normalQuantile((1 + resolved.confidenceLevel) / 2, 0, 1);
  const half = z * Math.sqrt(variance);
  let interval: [number, number] = [estimate - half, estimate + half];
  let method = 'delta method';
  if (options.scale === 'log') {
    if (ratio > 0) {
      const logHalf = half / ratio;
      interval = [ratio * Math.exp(-logHalf) - 1, ratio * Math.exp(logHalf) - 1];
      method = 'delta method on the log ratio';
    } else if (a.mean >= 0 && b.mean > 0 && interval[0] < -1) {
      interval = [-1, interval[1]];
      method = 'delta method, cut at -100%';
    }
  }
  const [labelX, labelY] = resolved.labels;
  const pct = (v: number): number => v * PERCENT;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatNumber(Math.abs(pct(estimate)))}% ${estimate >= 0 ? 'higher' : 'lower'} ` +
    `than ${labelY}'s (${formatInterval([pct(interval[0]), pct(interval[1])], resolved.confidenceLevel)} ` +
    `in percent, ${method}).`;
  return { test: TEST, estimate, interval, confidenceLevel: resolved.confidenceLevel, method, n, sentence };
}
