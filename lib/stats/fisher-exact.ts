/**
 * Owns Fisher's exact test for a 2 x 2 table [[a, b], [c, d]], matching scipy.stats.fisher_exact:
 * the statistic is the sample odds ratio ad / (bc) (Infinity when bc = 0), 'less' is
 * P(X <= a) and 'greater' P(X >= a) under the hypergeometric distribution of a given the
 * margins, and 'two-sided' sums the probabilities of all tables no more likely than the observed
 * one. Deviation: "no more likely" uses a relative tolerance of 1e-7 (R's fisher.test) rather
 * than SciPy's 1e-14, so tables whose probabilities are mathematically equal are never split by
 * rounding; the two agree on every fixture. A table with an all-zero row or column is
 * degenerate (SciPy returns odds ratio NaN and p = 1).
 */

import { degenerateResult } from './degenerate-result';
import { formatNumber, formatPValue } from './format-sentence';
import { hypergeometricPmf } from './hypergeometric-tails';
import { type CommonTestOptions, resolveOptions } from './options';
import { tableProblem } from './chi-square-independence';
import type { StatsResult } from './test-result';

const TEST = "Fisher's exact test";
const RELATIVE_TOLERANCE = 1 + 1e-7;

/** A 2 x 2 table [[a, b], [c, d]]: rows are groups, columns are outcomes (e.g. success, failure). */
export type Table2x2 = readonly [readonly [number, number], readonly [number, number]];

/** Options of fisherExact. */
export type FisherExactOptions = Pick<CommonTestOptions, 'alternative' | 'labels'>;

/** Fisher's exact test of independence in a 2 x 2 table of counts. */
export function fisherExact(table: Table2x2, options: FisherExactOptions = {}): StatsResult {
  const resolved = resolveOptions(options);
  const alternative = resolved.alternative;
  const flat = [table[0][0], table[0][1], table[1][0], table[1][1]];
  const total = flat.reduce((s, v) => s + v, 0);
  const n = { total: Number.isFinite(total) ? total : 0 };
  const problem = tableProblem(table);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  if (!flat.every(Number.isInteger)) return degenerateResult(TEST, n, 'counts must be whole numbers');
  const [[a, b], [c, d]] = table;
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) {
    return degenerateResult(TEST, n, 'a row or column of the table is all zero');
  }
  const statistic = b > 0 && c > 0 ? (a * d) / (b * c) : Number.POSITIVE_INFINITY;
  const { low, pmf } = hypergeometricPmf(a + b, c + d, a + c);
  const observed = pmf[a - low] as number;
  let pValue = 0;
  pmf.forEach((p, i) => {
    const x = i + low;
    if (alternative === 'less' ? x <= a : alternative === 'greater' ? x >= a : p <= observed * RELATIVE_TOLERANCE) pValue += p;
  });
  pValue = Math.min(1, pValue);
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `The odds of the first outcome are ${formatNumber(statistic)} times as high in ${labelX} as in ${labelY}; ` +
    `Fisher's exact ${formatPValue(pValue)}.`;
  return { test: TEST, statistic, pValue, estimate: statistic, alternative, n, method: 'exact', sentence };
}
