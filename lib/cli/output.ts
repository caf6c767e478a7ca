/**
 * How the CLI prints: aligned tables (cli-table3) for people, JSON for scripts (`--json`),
 * and numbers with a fixed number of decimals so columns line up.
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

/** JSON with bigint turned into numbers and Maps into objects, for `--json` output. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    },
    2,
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(toJson(value) + '\n');
}
