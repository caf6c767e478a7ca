/**
 * Histograms computed in DuckDB: the value range is read first (or given), a "nice" bin width
 * (1, 2 or 5 times a power of ten) is chosen for about the requested number of bins, and the
 * counts per group and bin come back already grouped, so a chart never carries raw rows.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { Store } from './store';

export const DEFAULT_BINS = 30;
const NICE_STEPS = [1, 2, 5, 10] as const;
const DECIMAL_BASE = 10;
/** Significant digits kept in bin edges (so 3 × 0.1 prints as 0.3). */
const EDGE_PRECISION = 12;

export interface HistogramBin {
  group: string;
  start: number;
  end: number;
  count: number;
}

export interface HistogramSource {
  /** A SQL relation (table or parenthesized subquery) with the values, written by Benchlab. */
  from: string;
  /** The value column or expression. */
  value: string;
  /** The grouping column or expression (one histogram per group). */
  group: string;
  params?: Record<string, DuckDBValue>;
  bins?: number;
  /**
   * A fixed value range (e.g. [0, 1] for a measure): the bins tile it, and a value equal to
   * its upper end falls in the last bin. Without it, the data's own range is used.
   */
  domain?: readonly [number, number];
}

/** The smallest width of the form {1,2,5}·10^k that covers `range` in at most about `bins` bins. */
export function niceBinWidth(range: number, bins: number): number {
  if (!(range > 0) || !(bins > 0)) return 1;
  const raw = range / bins;
  const magnitude = DECIMAL_BASE ** Math.floor(Math.log10(raw));
  const step = NICE_STEPS.find((s) => s * magnitude >= raw * (1 - Number.EPSILON)) ?? DECIMAL_BASE;
  return step * magnitude;
}

export async function sqlHistogram(store: Store, source: HistogramSource): Promise<HistogramBin[]> {
  const params = source.params ?? {};
  const where = `(${source.value}) IS NOT NULL`;
  let range = source.domain;
  if (!range) {
    const row = await store.one<{ lo: number | null; hi: number | null }>(
      `SELECT min(${source.value})::DOUBLE AS lo, max(${source.value})::DOUBLE AS hi FROM ${source.from} WHERE ${where}`,
      params,
    );
    if (!row || row.lo === null || row.hi === null) return [];
    range = [row.lo, row.hi];
  }
  const width = niceBinWidth(range[1] - range[0], source.bins ?? DEFAULT_BINS);
  const lastBin = source.domain ? Math.ceil(source.domain[1] / width - Number.EPSILON) - 1 : Number.MAX_SAFE_INTEGER;
  const rows = await store.all<{ grp: string; bin: number; n: bigint }>(
    `SELECT CAST(${source.group} AS VARCHAR) AS grp, least(floor((${source.value}) / $binWidth), $lastBin)::DOUBLE AS bin, count(*) AS n
     FROM ${source.from} WHERE ${where}
     GROUP BY ALL ORDER BY grp, bin`,
    { ...params, binWidth: width, lastBin },
  );
  const edge = (bin: number) => Number((bin * width).toPrecision(EDGE_PRECISION));
  return rows.map((r) => ({ group: r.grp, start: edge(r.bin), end: edge(r.bin + 1), count: Number(r.n) }));
}
