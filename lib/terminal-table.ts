/**
 * Plain-text output for a terminal, shared by the CLI, the live GPU view and the perf scripts:
 * aligned tables (cli-table3) and numbers with a fixed number of decimals so columns line up.
 * A neutral module below every lib/ folder, so a folder can print a table without importing
 * lib/cli (which imports every folder).
 */
import Table from 'cli-table3';

export const METRIC_DECIMALS = 4;

export function formatNumber(value: number | undefined | null, decimals = METRIC_DECIMALS): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(decimals);
}

export function renderTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  return table.toString();
}
