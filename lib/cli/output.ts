/**
 * How the CLI prints: aligned tables for people (lib/terminal-table, re-exported here so the
 * commands import their output helpers from one place), JSON for scripts (`--json`).
 */
export { METRIC_DECIMALS, formatNumber, renderTable } from '../terminal-table';

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
