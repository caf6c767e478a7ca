/**
 * Tests one metric between two sides, B against A, the way `benchlab compare` (two runs) and
 * `benchlab compare RUN --all-generators` (every pair of generators) both do it:
 *  - the test: paired t (quality measures) or Wilcoxon signed-rank (latency, counts) when the
 *    values are paired, else Welch t or Mann-Whitney U;
 *  - the location estimate of that test, which gives the verdict its direction: the mean
 *    difference with its t interval for the t-tests; for the rank tests the Hodges-Lehmann
 *    estimate (median of the Walsh averages of the paired differences, or of all differences
 *    between the samples) with its distribution-free interval (lib/stats/hodges-lehmann.ts);
 *  - for bounded measures (values in [0, 1], so a difference in [-1, 1]) a t interval is cut to
 *    that range and says so (`clipped`); Hodges-Lehmann intervals are order statistics of
 *    feasible differences and never leave it;
 *  - the mean difference with its t interval (descriptive, cut the same way), the relative lift
 *    of the means with its delta-method interval on the log-ratio scale (never below -100%),
 *    Cohen's d or dz and the items a t-test would need for 80% power.
 */
import {
  cohensD, cohensDz, hodgesLehmannPaired, hodgesLehmannShift, mannWhitneyU, meanOrNull, pairedTTest, relativeLift, roundedDifferences, tTestSampleSize,
  welchTTest, wilcoxonSignedRank, DEFAULT_POWER, type EstimateOutcome, type StatsResult,
} from '../stats/index';
import { roundSignificant } from '../stats/round-significant';
import { degenerateResult } from '../stats/degenerate-result';
import { formatNumber, formatPValue } from '../stats/format-sentence';
import type { CompareMetric } from './compare-metrics';

/** The location estimate of the test used, B − A. */
export interface LocationEstimate {
  /** 'mean difference' (t-tests) or 'Hodges-Lehmann' (rank tests). */
  name: 'mean difference' | 'Hodges-Lehmann';
  estimate: number | null;
  interval: [number, number] | null;
  /** How the interval was computed. */
  method: string;
  /** The interval was cut to the range a difference of the measure can take. */
  clipped: boolean;
}

export interface MetricTest {
  paired: boolean;
  /** Observations: pairs when paired, else values per side. */
  nA: number;
  nB: number;
  meanA: number | null;
  meanB: number | null;
  /** Mean B − mean A with its t interval (cut to the feasible range for bounded measures). */
  difference: number | null;
  differenceInterval: [number, number] | null;
  differenceClipped: boolean;
  location: LocationEstimate;
  relativeLift: number | null;
  liftInterval: [number, number] | null;
  liftMethod: string | null;
  test: string;
  statistic: number | null;
  pValue: number | null;
  /** The test's one-line summary: statistic, df, p and how p was computed. */
  testSummary: string;
  effectSizeName: string;
  effectSize: number | null;
  effectSizeInterval: [number, number] | null;
  itemsFor80Power: number | null;
  /** Every paired difference is 0 (or, unpaired, every value on both sides is the same). */
  identical: boolean;
}

function interval(r: StatsResult | EstimateOutcome): [number, number] | null {
  return r.degenerate || r.interval === undefined ? null : [r.interval[0], r.interval[1]];
}

/** The range a difference B − A of the metric can take, or null when unbounded. */
export function differenceRange(metric: CompareMetric): [number, number] | null {
  return metric.range ? [metric.range[0] - metric.range[1], metric.range[1] - metric.range[0]] : null;
}

/** An interval cut to `range`, and whether it had to be. */
export function clipInterval(value: [number, number] | null, range: [number, number] | null): { interval: [number, number] | null; clipped: boolean } {
  if (value === null || range === null) return { interval: value, clipped: false };
  const clipped: [number, number] = [Math.max(value[0], range[0]), Math.min(value[1], range[1])];
  return { interval: clipped, clipped: clipped[0] !== value[0] || clipped[1] !== value[1] };
}

function summarize(result: StatsResult): string {
  if (result.degenerate) return result.sentence;
  const name = result.test;
  const df = result.df === undefined ? '' : `, df = ${Number.isInteger(result.df) ? result.df : result.df.toFixed(1)}`;
  const method = result.method === undefined ? '' : ` (${result.method})`;
  return `${name}: statistic ${formatNumber(result.statistic)}${df}, ${formatPValue(result.pValue)}${method}.`;
}

function isIdentical(b: readonly number[], a: readonly number[], paired: boolean): boolean {
  if (b.length === 0 || a.length === 0) return false;
  if (paired) {
    // Stops at the first pair that differs after rounding, as the rank tests round.
    return b.every((v, i) => v === a[i] || roundedDifferences([v], [a[i] as number])[0] === 0);
  }
  const first = roundSignificant(b[0] as number);
  return [...b, ...a].every((v) => roundSignificant(v) === first);
}

/**
 * Tests B against A on one metric. `b` and `a` are aligned pair by pair when `paired`. With
 * `descriptive: false` the lift, effect size and power planning are skipped (left null), for
 * callers that show only the test and its estimate.
 */
export function testMetric(metric: CompareMetric, b: readonly number[], a: readonly number[], paired: boolean, alpha: number, descriptive = true): MetricTest {
  const labels: [string, string] = ['B', 'A'];
  const level = 1 - alpha;
  const options = { labels, metric: metric.label, confidenceLevel: level } as const;
  const test: StatsResult = metric.rankBased
    ? paired ? wilcoxonSignedRank(b, a, { labels, metric: metric.label }) : mannWhitneyU(b, a, { labels, metric: metric.label })
    : paired ? pairedTTest(b, a, options) : welchTTest(b, a, options);
  const tTest = !metric.rankBased ? test : paired ? pairedTTest(b, a, options) : welchTTest(b, a, options);
  const meanA = meanOrNull(a);
  const meanB = meanOrNull(b);
  const difference = meanA !== null && meanB !== null ? meanB - meanA : null;
  const range = differenceRange(metric);
  const tInterval = clipInterval(interval(tTest), range);
  const tName = paired ? 'paired t interval' : 'Welch t interval';

  let location: LocationEstimate;
  if (metric.rankBased) {
    const hl = paired ? hodgesLehmannPaired(b, a, options) : hodgesLehmannShift(b, a, options);
    location = hl.degenerate
      ? { name: 'Hodges-Lehmann', estimate: null, interval: null, method: hl.reason, clipped: false }
      : { name: 'Hodges-Lehmann', estimate: hl.estimate, interval: [hl.interval[0], hl.interval[1]], method: hl.method, clipped: false };
  } else {
    location = {
      name: 'mean difference', estimate: difference, interval: tInterval.interval,
      method: tInterval.interval === null ? `${tName}: ${tTest.degenerate ? tTest.reason : 'none'}` : tName, clipped: tInterval.clipped,
    };
  }

  const skipped = degenerateResult('not computed', {}, 'not asked for');
  const lift = descriptive ? relativeLift(b, a, { paired, confidenceLevel: level, scale: 'log' }) : skipped;
  const effect = descriptive ? (paired ? cohensDz(b, a, { confidenceLevel: level }) : cohensD(b, a, { confidenceLevel: level })) : skipped;
  const d = effect.degenerate ? null : effect.estimate;
  let itemsFor80Power: number | null = null;
  if (d !== null && Number.isFinite(d) && d !== 0) {
    try {
      itemsFor80Power = tTestSampleSize(Math.abs(d), { design: paired ? 'paired' : 'unpaired', alpha, power: DEFAULT_POWER }).n;
    } catch (error) {
      // An effect so small (rounding noise) that no sample size reaches the power: none to report.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  return {
    paired,
    nA: a.length,
    nB: b.length,
    meanA,
    meanB,
    difference,
    differenceInterval: tInterval.interval,
    differenceClipped: tInterval.clipped,
    location,
    relativeLift: lift.degenerate ? null : lift.estimate,
    liftInterval: interval(lift),
    liftMethod: lift.degenerate ? null : lift.method,
    test: test.test,
    statistic: test.degenerate ? null : test.statistic,
    pValue: test.degenerate ? null : test.pValue,
    testSummary: summarize(test),
    effectSizeName: effect.test,
    effectSize: d,
    effectSizeInterval: interval(effect),
    itemsFor80Power,
    identical: isIdentical(b, a, paired),
  };
}
