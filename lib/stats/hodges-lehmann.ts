/**
 * Owns the Hodges-Lehmann location estimates that go with the rank tests, and their
 * distribution-free confidence intervals (Hollander, Wolfe & Chicken, Nonparametric Statistical
 * Methods, 3rd ed., sections 3.2 and 4.3; R's wilcox.test(conf.int = TRUE) for the exact case):
 *  - paired (with the Wilcoxon signed-rank test): the median of the n(n + 1)/2 Walsh averages
 *    (d_i + d_j)/2, i <= j, of the paired differences d = x - y, zero differences included;
 *  - two samples (with the Mann-Whitney U test): the median of the m·n differences x_i - y_j.
 * The interval inverts the rank test: it runs from the k-th smallest to the k-th largest Walsh
 * average (or difference). k comes from
 *  - 'exact': the null distribution of the signed-rank statistic T+ (or of U), with k - 1 the
 *    largest j for which P(T <= j) <= α/2, so the interval covers with probability
 *    1 - 2 P(T <= k - 1) >= 1 - α (reported as `achievedConfidenceLevel`); the same k as R's
 *    qsignrank / qwilcox. Used by 'auto' for n <= 50 pairs (each sample <= 50 values) when no
 *    two differences (no two values within a sample) are equal;
 *  - 'approx': the normal approximation without continuity correction (as the tests here use),
 *    with the variance reduced for the tie groups among the differences (within each sample):
 *    k = ceil(M/2 - z σ), M the number of Walsh averages (differences). Between Walsh averages
 *    those tie groups are the only ties, so this inverts the tie-corrected test exactly.
 * When k would fall below 1 (too few pairs for the level) the interval is the whole range of the
 * Walsh averages and `achievedConfidenceLevel` says how much it covers (exact) or is NaN (approx).
 * Values and differences are rounded to 12 significant digits first, as the rank tests do.
 * The order statistics are selected without listing all elements (order-statistic.ts).
 */

import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import { averageRanks } from './average-ranks';
import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { formatInterval, formatLevel, formatNumber } from './format-sentence';
import { mannWhitneyExactCounts } from './mann-whitney-exact';
import { type CommonTestOptions, resolveOptions } from './options';
import { differenceOrderStatistics, medianRanks, walshOrderStatistics } from './order-statistic';
import { roundSignificant } from './round-significant';
import { signedRankCounts } from './signed-rank-exact';
import type { DegenerateResult, EstimateResult } from './test-result';
import { roundedDifferences } from './wilcoxon-signed-rank';

const PAIRED = 'Hodges-Lehmann estimate (paired)';
const SHIFT = 'Hodges-Lehmann shift';
/** 'auto' uses the exact distribution up to this many pairs (values per sample). */
export const HODGES_LEHMANN_EXACT_MAX = 50;
const TWELVE = 12;
const TWENTY_FOUR = 24;

/** Options of the Hodges-Lehmann estimates. */
export interface HodgesLehmannOptions extends Omit<CommonTestOptions, 'alternative'> {
  readonly method?: 'auto' | 'exact' | 'approx';
}

/** A Hodges-Lehmann estimate with its distribution-free interval. */
export interface HodgesLehmannResult extends EstimateResult {
  /** How k was found: the exact null distribution or its normal approximation. */
  readonly intervalMethod: 'exact' | 'approx';
  /** The interval's coverage: exact methods are discrete; the approximation reports the nominal level (NaN when k was clamped to 1). */
  readonly achievedConfidenceLevel: number;
  /** The interval runs from the k-th smallest to the k-th largest element. */
  readonly rank: number;
  /** Walsh averages (paired) or pairwise differences (two samples). */
  readonly elements: number;
}

export type HodgesLehmannOutcome = HodgesLehmannResult | DegenerateResult;

/** Sizes of the groups of equal values (2 or more). */
function tieGroups(values: readonly number[]): number[] {
  return averageRanks(values).tieGroupSizes;
}

/** k from a null distribution given as counts of 0, 1, 2, ... over `total`: k - 1 = max { j : P(T <= j) <= α/2 }. */
function exactRank(counts: Float64Array, total: number, alpha: number): { k: number; achieved: number } {
  let cumulative = 0;
  let j = -1;
  while (j + 1 < counts.length && (cumulative + (counts[j + 1] as number)) / total <= alpha / 2) {
    cumulative += counts[j + 1] as number;
    j += 1;
  }
  if (j >= 0) return { k: j + 1, achieved: 1 - (2 * cumulative) / total };
  // Not even the widest interval reaches the level: it covers 1 - 2 P(T = 0).
  return { k: 1, achieved: 1 - (2 * (counts[0] as number)) / total };
}

/** k from the normal approximation: ceil(M/2 - z σ), at least 1. */
function approxRank(elements: number, sd: number, level: number): { k: number; achieved: number } {
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const k = Math.ceil(elements / 2 - z * sd);
  return k >= 1 ? { k, achieved: level } : { k: 1, achieved: Number.NaN };
}

function methodText(method: 'exact' | 'approx', achieved: number, family: 'signed-rank' | 'Mann-Whitney U'): string {
  if (method === 'exact') return `exact ${family} distribution, achieved ${formatLevel(achieved)}`;
  return Number.isNaN(achieved)
    ? `normal approximation of the ${family} distribution; too few observations for the level, so the whole range`
    : `normal approximation of the ${family} distribution, tie-corrected`;
}

function chooseMethod(requested: 'auto' | 'exact' | 'approx', small: boolean, ties: boolean): 'exact' | 'approx' {
  if (requested === 'approx') return 'approx';
  return small && !ties ? 'exact' : 'approx';
}

/**
 * Hodges-Lehmann estimate of the location of x - y (paired): the median of the Walsh averages of
 * the differences, with the interval that inverts the signed-rank test.
 *
 * @example hodgesLehmannPaired(latencyB, latencyA, { labels: ['B', 'A'], metric: 'latency' })
 */
export function hodgesLehmannPaired(x: readonly number[], y: readonly number[], options: HodgesLehmannOptions = {}): HodgesLehmannOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const n = { pairs: Math.min(x.length, y.length) };
  if (x.length !== y.length) return degenerateResult(PAIRED, n, `x has ${x.length} values but y has ${y.length}`);
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(PAIRED, n, bad);
  if (x.length === 0) return degenerateResult(PAIRED, n, 'there are no pairs');
  const d = roundedDifferences(x, y);
  const count = d.length;
  const elements = (count * (count + 1)) / 2;
  const ties = tieGroups(d);
  const method = chooseMethod(options.method ?? 'auto', count <= HODGES_LEHMANN_EXACT_MAX, ties.length > 0);
  const alpha = 1 - resolved.confidenceLevel;
  let rank: { k: number; achieved: number };
  if (method === 'exact') {
    rank = exactRank(signedRankCounts(count), 2 ** count, alpha);
  } else {
    const variance = (count * (count + 1) * (2 * count + 1) - ties.reduce((s, t) => s + t ** 3 - t, 0) / 2) / TWENTY_FOUR;
    rank = approxRank(elements, Math.sqrt(variance), resolved.confidenceLevel);
  }
  const [m1, m2] = medianRanks(elements);
  const [low, high, a, b] = walshOrderStatistics(d, [rank.k, elements + 1 - rank.k, m1, m2]) as [number, number, number, number];
  const estimate = (a + b) / 2;
  const interval: [number, number] = [low, high];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `The Hodges-Lehmann estimate of ${labelX} − ${labelY}${resolved.metric} (median of the ${elements} Walsh averages of the ${count} paired differences) ` +
    `is ${formatNumber(estimate)} (${formatInterval(interval, resolved.confidenceLevel)}; ${methodText(method, rank.achieved, 'signed-rank')}).`;
  return {
    test: PAIRED, estimate, interval, confidenceLevel: resolved.confidenceLevel, method: methodText(method, rank.achieved, 'signed-rank'), n, sentence,
    intervalMethod: method, achievedConfidenceLevel: rank.achieved, rank: rank.k, elements,
  };
}

/**
 * Hodges-Lehmann estimate of the shift between two independent samples: the median of all
 * differences x_i - y_j, with the interval that inverts the Mann-Whitney test.
 */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[], options: HodgesLehmannOptions = {}): HodgesLehmannOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const n = { x: x.length, y: y.length };
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(SHIFT, n, bad);
  if (x.length === 0 || y.length === 0) return degenerateResult(SHIFT, n, 'each sample needs at least 1 value');
  const rx = x.map((v) => roundSignificant(v));
  const ry = y.map((v) => roundSignificant(v));
  const n1 = rx.length;
  const n2 = ry.length;
  const elements = n1 * n2;
  const ties = [...tieGroups(rx), ...tieGroups(ry)];
  const small = n1 <= HODGES_LEHMANN_EXACT_MAX && n2 <= HODGES_LEHMANN_EXACT_MAX;
  const method = chooseMethod(options.method ?? 'auto', small, ties.length > 0);
  const alpha = 1 - resolved.confidenceLevel;
  let rank: { k: number; achieved: number };
  if (method === 'exact') {
    const { counts, total } = mannWhitneyExactCounts(Math.floor(elements / 2), n1, n2);
    rank = exactRank(counts, total, alpha);
  } else {
    const total = n1 + n2;
    const tieTerm = ties.reduce((s, t) => s + t ** 3 - t, 0);
    const variance = ((n1 * n2) / TWELVE) * (total + 1 - (total > 1 ? tieTerm / (total * (total - 1)) : 0));
    rank = approxRank(elements, Math.sqrt(variance), resolved.confidenceLevel);
  }
  const [m1, m2] = medianRanks(elements);
  const [low, high, a, b] = differenceOrderStatistics(rx, ry, [rank.k, elements + 1 - rank.k, m1, m2]) as [number, number, number, number];
  const estimate = (a + b) / 2;
  const interval: [number, number] = [low, high];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `The Hodges-Lehmann shift of ${labelX} against ${labelY}${resolved.metric} (median of the ${elements} differences between their values) ` +
    `is ${formatNumber(estimate)} (${formatInterval(interval, resolved.confidenceLevel)}; ${methodText(method, rank.achieved, 'Mann-Whitney U')}).`;
  return {
    test: SHIFT, estimate, interval, confidenceLevel: resolved.confidenceLevel, method: methodText(method, rank.achieved, 'Mann-Whitney U'), n, sentence,
    intervalMethod: method, achievedConfidenceLevel: rank.achieved, rank: rank.k, elements,
  };
}
