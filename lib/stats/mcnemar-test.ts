/**
 * Owns McNemar's test for paired binary outcomes, from the discordant counts b (x right, y
 * wrong) and c (y right, x wrong); concordant items carry no information.
 *  - method 'exact' (default): the binomial test of b ~ Binomial(b + c, 1/2)
 *    (scipy.stats.binomtest(b, b + c, 0.5)); two-sided p = min(1, 2 P(X <= min(b, c))), which is
 *    what SciPy's likelihood-ordered two-sided binomial p-value gives at p = 1/2; 'greater'
 *    (x better) is P(X >= b), 'less' is P(X <= b). The statistic is min(b, c) two-sided (as
 *    statsmodels' mcnemar) and b one-sided.
 *  - method 'chi-square': (|b - c| - 1)^2 / (b + c) with the continuity correction (default) or
 *    (b - c)^2 / (b + c) without, on 1 df (statsmodels' mcnemar(exact=False) and R's
 *    mcnemar.test; like both, the corrected statistic is 1 / (b + c), not 0, when b = c).
 *    The chi-square version is two-sided only.
 */

import { binomialHalfCdf } from './binomial-half-tails';
import { chiSquareSf } from './chi-square-sf';
import { degenerateResult } from './degenerate-result';
import { formatNumber, formatPValue } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import type { PairedOutcomeTable } from './paired-outcome-table';
import type { StatsResult } from './test-result';

const TEST = "McNemar's test";
const CONTINUITY = 1;

/** Options of mcnemarTest. */
export interface McNemarOptions extends Pick<CommonTestOptions, 'alternative' | 'labels' | 'metric'> {
  readonly method?: 'exact' | 'chi-square';
  /** Continuity correction of the chi-square version; default true. */
  readonly correction?: boolean;
}

/** McNemar's test from the discordant counts of a paired 2 x 2 table. */
export function mcnemarTest(table: Pick<PairedOutcomeTable, 'xOnly' | 'yOnly'>, options: McNemarOptions = {}): StatsResult {
  const resolved = resolveOptions(options);
  const alternative = resolved.alternative;
  const method = options.method ?? 'exact';
  if (method === 'chi-square' && alternative !== 'two-sided') {
    throw new RangeError("McNemar's chi-square version is two-sided only; use method 'exact'");
  }
  const b = table.xOnly;
  const c = table.yOnly;
  const discordant = b + c;
  const n = { xOnly: b, yOnly: c, discordant: Number.isFinite(discordant) ? discordant : 0 };
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    return degenerateResult(TEST, n, 'discordant counts must be non-negative whole numbers');
  }
  if (discordant === 0) return degenerateResult(TEST, n, 'there are no discordant pairs');
  let statistic: number;
  let pValue: number;
  let df: number | undefined;
  if (method === 'exact') {
    if (alternative === 'two-sided') {
      statistic = Math.min(b, c);
      pValue = Math.min(1, 2 * binomialHalfCdf(statistic, discordant));
    } else {
      statistic = b;
      pValue = alternative === 'less' ? binomialHalfCdf(b, discordant) : binomialHalfCdf(c, discordant);
    }
  } else {
    const correction = options.correction === false ? 0 : CONTINUITY;
    statistic = (Math.abs(b - c) - correction) ** 2 / discordant;
    df = 1;
    pValue = chiSquareSf(statistic, df);
  }
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `Of ${discordant} items where ${labelX} and ${labelY} disagree${resolved.metric ? ` on${resolved.metric}` : ''}, ` +
    `${labelX} is right on ${b} and ${labelY} on ${c}; McNemar ${method === 'exact' ? 'exact' : 'chi-square'} ` +
    `${method === 'exact' ? '' : `= ${formatNumber(statistic)}, `}${formatPValue(pValue)}.`;
  const result = { test: TEST, statistic, pValue, alternative, n, method, sentence };
  return df === undefined ? result : { ...result, df };
}
