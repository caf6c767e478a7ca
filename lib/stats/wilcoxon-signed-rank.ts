/**
 * Owns the Wilcoxon signed-rank test for paired samples, matching scipy.stats.wilcoxon
 * (SciPy 1.10) on the differences d = x - y:
 *  - zeroMethod 'wilcox' (default) drops zero differences; 'pratt' ranks them and then drops
 *    their ranks (Cureton's adjustment of the normal approximation); 'zsplit' splits their rank
 *    sum between R+ and R-;
 *  - statistic: min(R+, R-) for 'two-sided' and R+ for 'less' / 'greater' (SciPy's convention);
 *  - method 'auto' (default): exact distribution when n <= 50, otherwise the normal
 *    approximation with the tie correction -sum(t^3 - t)/48 of the variance; with
 *    `correction` (default false, like SciPy) the 0.5 continuity correction;
 *  - zero differences switch 'exact' to the normal approximation, as SciPy does.
 * Inputs and differences are rounded to 12 significant digits before zero detection and ranking
 * (see round-significant.ts), so 0.71 - 0.69 and 0.57 - 0.55 are tied.
 * Deviation from SciPy 1.10: ties among the non-zero |d| also switch 'exact' to the normal
 * approximation (SciPy 1.10 truncates a fractional R+ to an integer and uses the untied
 * distribution; later SciPy versions also stop treating that case as exact). `method` in the
 * result says which was used.
 */

import { averageRanks } from './average-ranks';
import { nonFiniteReason } from './check-finite';
import { degenerateResult } from './degenerate-result';
import { formatNumber, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { normalSf } from './p-value';
import { roundSignificant } from './round-significant';
import { signedRankTails } from './signed-rank-exact';
import type { StatsResult } from './test-result';

const TEST = 'Wilcoxon signed-rank test';
/** SciPy's 'auto' uses the exact distribution up to this many pairs. */
const EXACT_MAX_PAIRS = 50;
const CONTINUITY = 0.5;
const QUARTER = 0.25;
const VARIANCE_DIVISOR = 24;

/** How zero differences are handled (SciPy's zero_method). */
export type ZeroMethod = 'wilcox' | 'pratt' | 'zsplit';

/** Options of wilcoxonSignedRank. */
export interface WilcoxonOptions extends Omit<CommonTestOptions, 'confidenceLevel'> {
  readonly zeroMethod?: ZeroMethod;
  /** Continuity correction of the normal approximation; default false, like SciPy. */
  readonly correction?: boolean;
  readonly method?: 'auto' | 'exact' | 'approx';
}

/** The rounded paired differences x[i] - y[i] that the signed-rank test ranks. */
export function roundedDifferences(x: readonly number[], y: readonly number[]): number[] {
  return x.map((v, i) => roundSignificant(roundSignificant(v) - roundSignificant(y[i] as number)));
}

/** Wilcoxon signed-rank test of whether the differences x - y are symmetric about zero. */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[], options: WilcoxonOptions = {}): StatsResult {
  const resolved = resolveOptions({ ...options, confidenceLevel: undefined });
  const alternative = resolved.alternative;
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  if (!['wilcox', 'pratt', 'zsplit'].includes(zeroMethod)) throw new RangeError(`unknown zeroMethod '${zeroMethod}'`);
  if (x.length !== y.length) {
    return degenerateResult(TEST, { pairs: Math.min(x.length, y.length) }, `x has ${x.length} values but y has ${y.length}`);
  }
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return degenerateResult(TEST, { pairs: x.length }, bad);
  let d = roundedDifferences(x, y);
  const zeros = d.filter((v) => v === 0).length;
  const positives = d.filter((v) => v > 0).length;
  const n = { pairs: d.length, zeros };
  if (d.length === 0) return degenerateResult(TEST, n, 'there are no pairs');
  if (zeros === d.length) return degenerateResult(TEST, n, 'all differences are zero');

  const requested = options.method ?? 'auto';
  let method: 'exact' | 'approx' = requested === 'auto' ? (d.length <= EXACT_MAX_PAIRS ? 'exact' : 'approx') : requested;
  if (method === 'exact' && zeros > 0) method = 'approx';
  if (method === 'approx' && zeroMethod === 'wilcox') d = d.filter((v) => v !== 0);

  const count = d.length;
  const { ranks, tieGroupSizes } = averageRanks(d.map(Math.abs));
  if (method === 'exact' && tieGroupSizes.length > 0) method = 'approx';
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  d.forEach((v, i) => {
    const r = ranks[i] as number;
    if (v > 0) rPlus += r;
    else if (v < 0) rMinus += r;
    else rZero += r;
  });
  if (zeroMethod === 'zsplit') {
    rPlus += rZero / 2;
    rMinus += rZero / 2;
  }
  const statistic = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;

  let pValue: number;
  if (method === 'approx') {
    let mean = count * (count + 1) * QUARTER;
    let variance = count * (count + 1) * (2 * count + 1);
    let tieSizes = tieGroupSizes;
    if (zeroMethod === 'pratt') {
      mean -= zeros * (zeros + 1) * QUARTER;
      variance -= zeros * (zeros + 1) * (2 * zeros + 1);
      tieSizes = averageRanks(ranks.filter((_, i) => d[i] !== 0)).tieGroupSizes;
    }
    variance -= CONTINUITY * tieSizes.reduce((sum, t) => sum + t * (t * t - 1), 0);
    const se = Math.sqrt(variance / VARIANCE_DIVISOR);
    if (!(se > 0)) return degenerateResult(TEST, n, 'the normal approximation has zero variance');
    let shift = 0;
    if (options.correction === true) {
      if (alternative === 'two-sided') shift = CONTINUITY * Math.sign(statistic - mean);
      else shift = alternative === 'less' ? -CONTINUITY : CONTINUITY;
    }
    const z = (statistic - mean - shift) / se;
    if (alternative === 'two-sided') pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
    else pValue = alternative === 'greater' ? normalSf(z) : normalSf(-z);
  } else {
    const { lower, upper } = signedRankTails(rPlus, count);
    if (alternative === 'greater') pValue = upper;
    else if (alternative === 'less') pValue = lower;
    else pValue = rPlus === Math.floor((count * (count + 1)) / 4) ? 1 : Math.min(1, 2 * Math.min(lower, upper));
  }
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX} beats ${labelY}${resolved.metric} on ${positives} of ${x.length} items ` +
    `(${x.length - positives - zeros} behind, ${zeros} tied); ` +
    `Wilcoxon signed-rank ${alternative === 'two-sided' ? 'T' : 'R+'} = ${formatNumber(statistic)}, ` +
    `${formatPValue(pValue)} (${method}).`;
  return { test: TEST, statistic, pValue, alternative, n, method, sentence };
}
