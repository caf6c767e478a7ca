/**
 * Owns the sample odds ratio of a 2 x 2 table [[a, b], [c, d]] (rows: groups x and y; columns:
 * success, failure), (a d) / (b c), with Woolf's interval exp(log OR ± z sqrt(1/a + 1/b + 1/c +
 * 1/d)). When any cell is 0 the Haldane-Anscombe correction adds 0.5 to every cell, for the
 * estimate and the interval alike, so both stay finite; `method` says when it was applied.
 * Without zeros the result equals scipy.stats.contingency.odds_ratio(kind='sample') and its
 * confidence_interval().
 */

import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import { tableProblem } from './chi-square-independence';
import { degenerateResult } from './degenerate-result';
import type { Table2x2 } from './fisher-exact';
import { formatInterval, formatNumber } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import type { EstimateOutcome } from './test-result';

const TEST = 'Odds ratio';
const HALDANE = 0.5;

/** Options of oddsRatio. */
export type OddsRatioOptions = Pick<CommonTestOptions, 'confidenceLevel' | 'labels'>;

/** Sample odds ratio with Woolf's log interval (Haldane's +0.5 when a cell is zero). */
export function oddsRatio(table: Table2x2, options: OddsRatioOptions = {}): EstimateOutcome {
  const resolved = resolveOptions(options);
  const cells = [table[0][0], table[0][1], table[1][0], table[1][1]];
  const total = cells.reduce((s, v) => s + v, 0);
  const n = { total: Number.isFinite(total) ? total : 0 };
  const problem = tableProblem(table);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  if (table[0][0] + table[0][1] === 0 || table[1][0] + table[1][1] === 0) {
    return degenerateResult(TEST, n, 'a group (row) has no observations');
  }
  const haldane = cells.some((v) => v === 0);
  const [a, b, c, d] = cells.map((v) => (haldane ? v + HALDANE : v)) as [number, number, number, number];
  const logOr = Math.log(a) + Math.log(d) - Math.log(b) - Math.log(c);
  const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  const z = normalQuantile((1 + resolved.confidenceLevel) / 2, 0, 1);
  const estimate = (a * d) / (b * c);
  const interval: [number, number] = [Math.exp(logOr - z * se), Math.exp(logOr + z * se)];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `The odds of success are ${formatNumber(estimate)} times as high for ${labelX} as for ${labelY} ` +
    `(${formatInterval(interval, resolved.confidenceLevel)}${haldane ? ', Haldane-corrected for a zero cell' : ''}).`;
  return {
    test: TEST,
    estimate,
    interval,
    confidenceLevel: resolved.confidenceLevel,
    method: haldane ? 'Woolf log interval, Haldane-Anscombe 0.5 correction' : 'Woolf log interval',
    n,
    sentence,
  };
}
