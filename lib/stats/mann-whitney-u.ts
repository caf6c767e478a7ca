/**
 * Owns the Mann-Whitney U test (Wilcoxon rank-sum) for two independent samples, matching
 * scipy.stats.mannwhitneyu (SciPy 1.10):
 *  - statistic: U1 = R1 - n1(n1 + 1)/2 for x, with average ranks for ties;
 *  - method 'auto' (default): exact when at least one sample has 8 or fewer values and there are
 *    no ties, otherwise the normal approximation;
 *  - the normal approximation uses the tie-corrected variance
 *    n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))) and, by default, the continuity
 *    correction 0.5 (useContinuity);
 *  - p-values: 'greater' uses U1, 'less' uses U2 = n1 n2 - U1, 'two-sided' doubles the tail of
 *    max(U1, U2), capped at 1.
 * Values are rounded to 12 significant digits before ranking (see round-significant.ts).
 * Deviations from SciPy: an exact p-value is not computed when ties are present (SciPy 1.10
 * truncates a fractional U and uses the no-ties distribution; here method 'exact' with ties falls
 * back to the normal approximation and `method` reports it), nor when the exact distribution
 * would cost more than MAX_EXACT_MANN_WHITNEY_WORK additions (one sample of 8 or fewer against
 * thousands), where SciPy is impractically slow anyway.
 */

import { averageRanks } from './average-ranks';
import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { formatNumber, formatPValue } from './format-sentence';
import { MAX_EXACT_MANN_WHITNEY_WORK, mannWhitneyExactCdf, mannWhitneyExactWork } from './mann-whitney-exact';
import { type CommonTestOptions, resolveOptions } from './options';
import { normalSf } from './p-value';
import { roundSignificant } from './round-significant';
import type { StatsResult } from './test-result';

const TEST = 'Mann-Whitney U test';
/** SciPy's 'auto' uses the exact distribution when either sample has at most this many values. */
const EXACT_MAX_SMALLER_SAMPLE = 8;
const CONTINUITY = 0.5;
const TWELVE = 12;

/** Options of mannWhitneyU. */
export interface MannWhitneyOptions extends Omit<CommonTestOptions, 'confidenceLevel'> {
  readonly method?: 'auto' | 'exact' | 'asymptotic';
  /** Continuity correction in the normal approximation (SciPy's use_continuity), default true. */
  readonly useContinuity?: boolean;
}

/**
 * Mann-Whitney U test of whether x tends to be larger ('greater') or smaller ('less') than y.
 * `estimate` is U1 / (n1 n2), the probability that a value of x exceeds one of y (ties count
 * half).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions = {}): StatsResult {
  const resolved = resolveOptions({ ...options, confidenceLevel: undefined });
  const alternative = resolved.alternative;
  const n1 = x.length;
  const n2 = y.length;
  const n = { x: n1, y: n2 };
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(TEST, n, bad);
  if (n1 === 0 || n2 === 0) return degenerateResult(TEST, n, 'each sample needs at least 1 value');
  const combined = [...x, ...y].map((v) => roundSignificant(v));
  const { ranks, tieGroupSizes } = averageRanks(combined);
  const total = n1 + n2;
  if (tieGroupSizes.length === 1 && tieGroupSizes[0] === total) return degenerateResult(TEST, n, 'all values are tied');
  let rankSumX = 0;
  for (let i = 0; i < n1; i += 1) rankSumX += ranks[i] as number;
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;

  const hasTies = tieGroupSizes.length > 0;
  const requested = options.method ?? 'auto';
  let method: 'exact' | 'asymptotic' =
    requested === 'auto'
      ? (n1 > EXACT_MAX_SMALLER_SAMPLE && n2 > EXACT_MAX_SMALLER_SAMPLE) || hasTies
        ? 'asymptotic'
        : 'exact'
      : requested;
  if (method === 'exact' && (hasTies || mannWhitneyExactWork(n1 * n2 - u, n1, n2) > MAX_EXACT_MANN_WHITNEY_WORK)) {
    method = 'asymptotic';
  }

  let tail: number;
  if (method === 'exact') {
    tail = mannWhitneyExactCdf(n1 * n2 - u, n1, n2);
  } else {
    const tieTerm = tieGroupSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
    const sd = Math.sqrt(((n1 * n2) / TWELVE) * (total + 1 - tieTerm / (total * (total - 1))));
    const numerator = u - (n1 * n2) / 2 - (options.useContinuity === false ? 0 : CONTINUITY);
    tail = normalSf(numerator / sd);
  }
  const pValue = Math.min(1, Math.max(0, tail * factor));
  const estimate = u1 / (n1 * n2);
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `A random ${labelX}${resolved.metric} value exceeds a random ${labelY} value with probability ` +
    `${formatNumber(estimate)} (ties count half); Mann-Whitney U = ${formatNumber(u1)}, ${formatPValue(pValue)} ` +
    `(${method}).`;
  return { test: TEST, statistic: u1, pValue, estimate, alternative, n, method, sentence };
}
