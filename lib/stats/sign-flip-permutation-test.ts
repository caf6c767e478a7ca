/**
 * Owns the paired sign-flip permutation test over items: under the null hypothesis each
 * difference d_i = x_i - y_i is as likely to have had the opposite sign, so the observed mean
 * difference is compared with the means over sign patterns.
 *  - Exact when n <= exactMaxPairs (default 20): all 2^n patterns are enumerated and
 *    p = (patterns at least as extreme) / 2^n, which counts the observed pattern itself.
 *  - Otherwise seeded Monte Carlo with `resamples` random patterns and
 *    p = (1 + patterns at least as extreme) / (1 + resamples), the +1 in numerator and
 *    denominator counting the observed pattern so that p is never 0 and the test stays valid
 *    (Phipson & Smyth 2010).
 * "At least as extreme" follows scipy.stats.permutation_test(permutation_type='samples'):
 * 'greater' counts means >= observed - g, 'less' means <= observed + g with the tolerance
 * g = max(1e-14, 1e-14 |observed|) for sums that are equal but rounded differently, and
 * 'two-sided' is min(1, 2 min(p_less, p_greater)).
 */

import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { formatDirection, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { DEFAULT_SEED, seededRandom } from './seeded-random';
import type { StatsResult } from './test-result';

const TEST = 'Sign-flip permutation test';
/** Largest number of pairs enumerated exactly by default (2^20 patterns). */
export const DEFAULT_EXACT_MAX_PAIRS = 20;
/** Monte Carlo resamples used when none is given. */
export const DEFAULT_PERMUTATION_RESAMPLES = 9_999;
const TOLERANCE = 1e-14;
const BITS = 32;
const HALF_SPLIT = 2;

/** Options of signFlipPermutationTest. */
export interface SignFlipOptions extends Omit<CommonTestOptions, 'confidenceLevel'> {
  readonly exactMaxPairs?: number;
  readonly resamples?: number;
  readonly seed?: number;
}

/** Sums of every sign pattern over `values`, indexed by the bit mask of flipped items. */
function patternSums(values: readonly number[]): Float64Array {
  const sums = new Float64Array(2 ** values.length);
  for (let mask = 0; mask < sums.length; mask += 1) {
    let sum = 0;
    for (let i = 0; i < values.length; i += 1) sum += (mask >>> i) & 1 ? -(values[i] as number) : (values[i] as number);
    sums[mask] = sum;
  }
  return sums;
}

/** Sign-flip permutation test of mean(x - y) over paired items. */
export function signFlipPermutationTest(x: readonly number[], y: readonly number[], options: SignFlipOptions = {}): StatsResult {
  const resolved = resolveOptions({ ...options, confidenceLevel: undefined });
  const alternative = resolved.alternative;
  const exactMaxPairs = options.exactMaxPairs ?? DEFAULT_EXACT_MAX_PAIRS;
  const resamples = options.resamples ?? DEFAULT_PERMUTATION_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const n = { pairs: Math.min(x.length, y.length) };
  if (x.length !== y.length) return degenerateResult(TEST, n, `x has ${x.length} values but y has ${y.length}`);
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(TEST, n, bad);
  const d = x.map((v, i) => v - (y[i] as number));
  if (d.length === 0) return degenerateResult(TEST, n, 'there are no pairs');
  if (d.every((v) => v === 0)) return degenerateResult(TEST, n, 'all differences are zero');

  let atLeast = 0;
  let atMost = 0;
  let total: number;
  let observed: number;
  let method: string;
  if (d.length <= exactMaxPairs) {
    const half = Math.floor(d.length / HALF_SPLIT);
    const low = patternSums(d.slice(0, half));
    const high = patternSums(d.slice(half));
    observed = ((low[0] as number) + (high[0] as number)) / d.length;
    const gamma = Math.max(TOLERANCE, Math.abs(TOLERANCE * observed));
    for (const a of low) {
      for (const b of high) {
        const mean = (a + b) / d.length;
        if (mean >= observed - gamma) atLeast += 1;
        if (mean <= observed + gamma) atMost += 1;
      }
    }
    total = low.length * high.length;
    method = `exact over 2^${d.length} sign patterns`;
  } else {
    const seed = options.seed ?? DEFAULT_SEED;
    const random = seededRandom(seed);
    observed = d.reduce((s, v) => s + v, 0) / d.length;
    const gamma = Math.max(TOLERANCE, Math.abs(TOLERANCE * observed));
    for (let r = 0; r < resamples; r += 1) {
      let sum = 0;
      let bits = 0;
      for (let i = 0; i < d.length; i += 1) {
        if (i % BITS === 0) bits = random.bits32();
        sum += (bits >>> (i % BITS)) & 1 ? -(d[i] as number) : (d[i] as number);
      }
      const mean = sum / d.length;
      if (mean >= observed - gamma) atLeast += 1;
      if (mean <= observed + gamma) atMost += 1;
    }
    atLeast += 1;
    atMost += 1;
    total = resamples + 1;
    method = `Monte Carlo, ${resamples} resamples, seed ${seed}`;
  }
  const pGreater = atLeast / total;
  const pLess = atMost / total;
  const pValue = alternative === 'greater' ? pGreater : alternative === 'less' ? pLess : Math.min(1, 2 * Math.min(pLess, pGreater));
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatDirection(observed)} ${labelY}'s; sign-flip permutation ` +
    `${formatPValue(pValue)} (${method}).`;
  return { test: TEST, statistic: observed, pValue, estimate: observed, alternative, n, method, sentence };
}
