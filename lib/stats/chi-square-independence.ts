/**
 * Owns the chi-square test of independence for an r x c table of counts, matching
 * scipy.stats.chi2_contingency: expected counts row total x column total / grand total,
 * statistic sum((O - E)^2 / E), df = (r - 1)(c - 1), p-value from the upper incomplete gamma
 * function. With `correction` and df = 1 (a 2 x 2 table) each observed count moves toward its
 * expected count by min(0.5, |O - E|) first (Yates), as SciPy does.
 * Deviation: `correction` defaults to false here (SciPy's default is true) because the A/B
 * reports compare uncorrected statistics; pass { correction: true } for SciPy's default.
 */

import { chiSquareSf } from './chi-square-sf';
import { degenerateResult } from './degenerate-result';
import { formatDf, formatNumber, formatPValue } from './format-sentence';
import type { StatsResult } from './test-result';

const TEST = 'Chi-square test of independence';
const YATES = 0.5;
const MIN_DIMENSION = 2;

/** Options of chiSquareIndependence. */
export interface ChiSquareIndependenceOptions {
  /** Yates' continuity correction for 2 x 2 tables (SciPy's `correction`); default false. */
  readonly correction?: boolean;
}

/** Why `table` is not a usable table of counts, or undefined when it is. */
export function tableProblem(table: readonly (readonly number[])[]): string | undefined {
  const columns = table[0]?.length ?? 0;
  if (table.length < MIN_DIMENSION || columns < MIN_DIMENSION) return 'the table needs at least 2 rows and 2 columns';
  for (const [i, row] of table.entries()) {
    if (row.length !== columns) return `row ${i} has ${row.length} cells but row 0 has ${columns}`;
    for (const cell of row) {
      if (!Number.isFinite(cell) || cell < 0) return `row ${i} contains ${cell}; counts must be finite and non-negative`;
    }
  }
  return undefined;
}

/** Chi-square test of independence of the rows and columns of `table` (counts). */
export function chiSquareIndependence(
  table: readonly (readonly number[])[],
  options: ChiSquareIndependenceOptions = {},
): StatsResult {
  const rows = table.length;
  const columns = table[0]?.length ?? 0;
  const rowTotals = table.map((row) => row.reduce((a, b) => a + b, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const n = { total: Number.isFinite(total) ? total : 0, rows, columns };
  const problem = tableProblem(table);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  const columnTotals = Array.from({ length: columns }, (_, j) => table.reduce((sum, row) => sum + (row[j] as number), 0));
  const emptyRow = rowTotals.findIndex((t) => t === 0);
  if (emptyRow >= 0) return degenerateResult(TEST, n, `row ${emptyRow} is all zero, so its expected counts are zero`);
  const emptyColumn = columnTotals.findIndex((t) => t === 0);
  if (emptyColumn >= 0) return degenerateResult(TEST, n, `column ${emptyColumn} is all zero, so its expected counts are zero`);
  const df = (rows - 1) * (columns - 1);
  const yates = options.correction === true && df === 1;
  let statistic = 0;
  table.forEach((row, i) => {
    row.forEach((observed, j) => {
      const expected = ((rowTotals[i] as number) * (columnTotals[j] as number)) / total;
      let o = observed;
      if (yates) o += Math.sign(expected - observed) * Math.min(YATES, Math.abs(expected - observed));
      statistic += (o - expected) ** 2 / expected;
    });
  });
  const pValue = chiSquareSf(statistic, df);
  const sentence =
    `Whether the column distribution differs across the ${rows} rows of a ${rows}x${columns} table of ` +
    `${formatNumber(total)} counts: chi-square = ${formatNumber(statistic)}, ${formatDf(df)}, ${formatPValue(pValue)}` +
    `${yates ? ' (Yates-corrected)' : ''}.`;
  return { test: TEST, statistic, pValue, df, alternative: 'two-sided', n, method: yates ? 'yates' : 'pearson', sentence };
}
