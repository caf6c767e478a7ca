/**
 * Owns the per-arm summaries of an experiment's events over a time window, computed in SQL:
 * units, events, error rate (an event without `error` counts as a success), average processing
 * time (over events that report one), cache hit rate (over events that report it), keyword count,
 * hallucination rate (hallucinated / extracted keywords), and per-unit quality. Also per-unit
 * values for the A/B tests and bucketed series for the report. SUMMARY_METRIC_VALUES maps each
 * gate/trigger metric name to its value, so a metric without a reader is a compile error.
 */
import type { Store } from '../store/store';
import { ARMS, type Arm } from './assignment';
import type { SummaryMetric } from './experiment-config';
import { toTimestamp } from './timestamps';

export interface TimeWindow {
  /** Inclusive start; undefined: from the first event. */
  from?: Date;
  /** Inclusive end. */
  to: Date;
}

export interface ArmSummary {
  arm: Arm;
  events: number;
  units: number;
  errors: number;
  errorRate: number | null;
  timedEvents: number;
  avgProcessingMs: number | null;
  cacheKnown: number;
  cacheHits: number;
  cacheHitRate: number | null;
  avgKeywordCount: number | null;
  hallucinationRate: number | null;
  qualityUnits: number;
  /** Mean over units of each unit's mean quality. */
  qualityMean: number | null;
}

export type ArmSummaries = Record<Arm, ArmSummary>;

/** How each summary metric is read from an arm's summary. */
export const SUMMARY_METRIC_VALUES: Record<SummaryMetric, (s: ArmSummary) => number | null> = {
  error_rate: (s) => s.errorRate,
  avg_processing_ms: (s) => s.avgProcessingMs,
  cache_hit_rate: (s) => s.cacheHitRate,
  hallucination_rate: (s) => s.hallucinationRate,
  avg_keyword_count: (s) => s.avgKeywordCount,
};

/** How many events each summary metric is computed over (a trigger needs enough of them). */
export const SUMMARY_METRIC_SUPPORT: Record<SummaryMetric, (s: ArmSummary) => number> = {
  error_rate: (s) => s.events,
  avg_processing_ms: (s) => s.timedEvents,
  cache_hit_rate: (s) => s.cacheKnown,
  hallucination_rate: (s) => s.events,
  avg_keyword_count: (s) => s.events,
};

export function emptySummary(arm: Arm): ArmSummary {
  return {
    arm, events: 0, units: 0, errors: 0, errorRate: null, timedEvents: 0, avgProcessingMs: null, cacheKnown: 0, cacheHits: 0,
    cacheHitRate: null, avgKeywordCount: null, hallucinationRate: null, qualityUnits: 0, qualityMean: null,
  };
}

const ERROR = `coalesce(TRY_CAST(metrics->>'error' AS BOOLEAN), false)`;
const PROCESSING = `TRY_CAST(metrics->>'processing_ms' AS DOUBLE)`;
const CACHE_HIT = `TRY_CAST(metrics->>'cache_hit' AS BOOLEAN)`;
const QUALITY = `TRY_CAST(metrics->>'quality' AS DOUBLE)`;
const KEYWORDS = `TRY_CAST(metrics->>'keyword_count' AS DOUBLE)`;
const HALLUCINATED = `TRY_CAST(metrics->>'hallucinated_count' AS DOUBLE)`;

function windowSql(window: TimeWindow): { where: string; params: Record<string, ReturnType<typeof toTimestamp>> } {
  return {
    where: `occurred_at <= $to${window.from ? ' AND occurred_at >= $from' : ''}`,
    params: { to: toTimestamp(window.to), ...(window.from ? { from: toTimestamp(window.from) } : {}) },
  };
}

interface SummaryRow {
  arm: string;
  events: bigint;
  units: bigint;
  errors: bigint;
  timed: bigint;
  avg_ms: number | null;
  cache_known: bigint;
  cache_hits: bigint;
  avg_keywords: number | null;
  keywords: number | null;
  hallucinated: number | null;
  quality_units: bigint;
  quality_mean: number | null;
  [key: string]: unknown;
}

/** Per-arm summaries of the experiment's events in `window`. */
export async function summarizeArms(store: Store, experimentKey: string, window: TimeWindow): Promise<ArmSummaries> {
  const { where, params } = windowSql(window);
  const rows = await store.all<SummaryRow>(
    `WITH e AS (SELECT * FROM experiment_events WHERE experiment_key = $key AND ${where}),
     per_unit AS (SELECT arm, unit_id, avg(${QUALITY}) AS quality FROM e GROUP BY arm, unit_id)
     SELECT e.arm,
       count(*) AS events,
       count(DISTINCT e.unit_id) AS units,
       count(*) FILTER (WHERE ${ERROR}) AS errors,
       count(${PROCESSING}) AS timed,
       avg(${PROCESSING}) AS avg_ms,
       count(${CACHE_HIT}) AS cache_known,
       count(*) FILTER (WHERE ${CACHE_HIT}) AS cache_hits,
       avg(${KEYWORDS}) AS avg_keywords,
       sum(${KEYWORDS}) FILTER (WHERE ${HALLUCINATED} IS NOT NULL) AS keywords,
       sum(${HALLUCINATED}) FILTER (WHERE ${KEYWORDS} IS NOT NULL) AS hallucinated,
       (SELECT count(quality) FROM per_unit p WHERE p.arm = e.arm) AS quality_units,
       (SELECT avg(quality) FROM per_unit p WHERE p.arm = e.arm) AS quality_mean
     FROM e GROUP BY e.arm`,
    { key: experimentKey, ...params },
  );
  const summaries: ArmSummaries = { control: emptySummary('control'), treatment: emptySummary('treatment') };
  for (const row of rows) {
    if (!(ARMS as readonly string[]).includes(row.arm)) continue;
    const events = Number(row.events);
    const cacheKnown = Number(row.cache_known);
    const keywords = row.keywords ?? 0;
    summaries[row.arm as Arm] = {
      arm: row.arm as Arm,
      events,
      units: Number(row.units),
      errors: Number(row.errors),
      errorRate: events > 0 ? Number(row.errors) / events : null,
      timedEvents: Number(row.timed),
      avgProcessingMs: row.avg_ms,
      cacheKnown,
      cacheHits: Number(row.cache_hits),
      cacheHitRate: cacheKnown > 0 ? Number(row.cache_hits) / cacheKnown : null,
      avgKeywordCount: row.avg_keywords,
      hallucinationRate: keywords > 0 ? (row.hallucinated ?? 0) / keywords : null,
      qualityUnits: Number(row.quality_units),
      qualityMean: row.quality_mean,
    };
  }
  return summaries;
}

export const UNIT_VALUE_METRICS = { quality: QUALITY, processing_ms: PROCESSING } as const;
export type UnitValueMetric = keyof typeof UNIT_VALUE_METRICS;

/** Each unit's mean of `metric` per arm (units without the metric are left out): the A/B tests' samples. */
export async function unitValues(store: Store, experimentKey: string, window: TimeWindow, metric: UnitValueMetric): Promise<Record<Arm, number[]>> {
  const { where, params } = windowSql(window);
  const rows = await store.all<{ arm: string; value: number }>(
    `SELECT arm, avg(${UNIT_VALUE_METRICS[metric]}) AS value FROM experiment_events
     WHERE experiment_key = $key AND ${where} GROUP BY arm, unit_id HAVING value IS NOT NULL ORDER BY arm, unit_id`,
    { key: experimentKey, ...params },
  );
  const values: Record<Arm, number[]> = { control: [], treatment: [] };
  for (const row of rows) if (row.arm === 'control' || row.arm === 'treatment') values[row.arm].push(row.value);
  return values;
}

export interface SeriesPoint {
  bucketStart: Date;
  arm: Arm;
  events: number;
  errorRate: number | null;
  avgProcessingMs: number | null;
  cacheHitRate: number | null;
}

/** Metrics per arm per time bucket of `bucketMs`, for the report's time charts. */
export async function metricSeries(store: Store, experimentKey: string, window: TimeWindow, bucketMs: number): Promise<SeriesPoint[]> {
  const { where, params } = windowSql(window);
  const bucketMicros = BigInt(Math.max(1, Math.round(bucketMs))) * 1000n;
  const rows = await store.all<{ bucket: Date; arm: string; events: bigint; errors: bigint; avg_ms: number | null; cache_known: bigint; cache_hits: bigint }>(
    `SELECT time_bucket(to_microseconds(${bucketMicros}), occurred_at) AS bucket, arm, count(*) AS events,
       count(*) FILTER (WHERE ${ERROR}) AS errors, avg(${PROCESSING}) AS avg_ms,
       count(${CACHE_HIT}) AS cache_known, count(*) FILTER (WHERE ${CACHE_HIT}) AS cache_hits
     FROM experiment_events WHERE experiment_key = $key AND ${where}
     GROUP BY bucket, arm ORDER BY bucket, arm`,
    { key: experimentKey, ...params },
  );
  return rows
    .filter((r) => r.arm === 'control' || r.arm === 'treatment')
    .map((r) => ({
      bucketStart: r.bucket,
      arm: r.arm as Arm,
      events: Number(r.events),
      errorRate: Number(r.events) > 0 ? Number(r.errors) / Number(r.events) : null,
      avgProcessingMs: r.avg_ms,
      cacheHitRate: Number(r.cache_known) > 0 ? Number(r.cache_hits) / Number(r.cache_known) : null,
    }));
}
