/**
 * Owns the per-arm summaries of an experiment's events over a time window, computed in SQL:
 * units, events, error rate (an event without `error` counts as a success), average processing
 * time (over events that report one), cache hit rate (over events that report it), keyword count,
 * hallucination rate (hallucinated / extracted keywords), per-unit quality, and the user
 * complaints. Feedback events (only `complaints`) count towards the complaints and nothing else.
 * Also per-unit values for the A/B tests, bucketed series for the report, and the additive
 * per-bucket counts the rollback triggers judge (`bucketCounts`). SUMMARY_METRIC_VALUES maps each
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
  /** User complaints (the `complaints` metric, feedback events included). */
  complaints: number;
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
    cacheHitRate: null, avgKeywordCount: null, hallucinationRate: null, qualityUnits: 0, qualityMean: null, complaints: 0,
  };
}

const ERROR = `coalesce(TRY_CAST(metrics->>'error' AS BOOLEAN), false)`;
const PROCESSING = `TRY_CAST(metrics->>'processing_ms' AS DOUBLE)`;
const CACHE_HIT = `TRY_CAST(metrics->>'cache_hit' AS BOOLEAN)`;
const QUALITY = `TRY_CAST(metrics->>'quality' AS DOUBLE)`;
const KEYWORDS = `TRY_CAST(metrics->>'keyword_count' AS DOUBLE)`;
const HALLUCINATED = `TRY_CAST(metrics->>'hallucinated_count' AS DOUBLE)`;
const UNAVAILABLE = `coalesce(TRY_CAST(metrics->>'llm_unavailable' AS BOOLEAN), false)`;
const COMPLAINTS = `TRY_CAST(metrics->>'complaints' AS DOUBLE)`;
/** A processed unit, not a feedback event (one that carries `complaints` and nothing else). */
export const PROCESSED_SQL = `NOT (json_exists(metrics, '$.complaints') AND len(json_keys(metrics)) = 1)`;

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
    `WITH e AS (SELECT * FROM experiment_events WHERE experiment_key = $key AND ${where} AND ${PROCESSED_SQL}),
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
      complaints: 0,
    };
  }
  const complaints = await store.all<{ arm: string; complaints: number | null }>(
    `SELECT arm, sum(${COMPLAINTS}) AS complaints FROM experiment_events WHERE experiment_key = $key AND ${where} GROUP BY arm`,
    { key: experimentKey, ...params },
  );
  for (const row of complaints) {
    if ((ARMS as readonly string[]).includes(row.arm)) summaries[row.arm as Arm].complaints = row.complaints ?? 0;
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
     FROM experiment_events WHERE experiment_key = $key AND ${where} AND ${PROCESSED_SQL}
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

/** Additive counts of one arm's events in one bucket: what a trigger's value over any run of buckets is computed from. */
export interface BucketCounts {
  /** Processed events (feedback events left out). */
  events: number;
  errors: number;
  timedEvents: number;
  processingMsSum: number;
  cacheKnown: number;
  cacheHits: number;
  keywordEvents: number;
  keywordSum: number;
  /** Keywords of events that report hallucinations, and the hallucinated ones among them. */
  checkedKeywords: number;
  hallucinated: number;
  /** Processed events that could not reach the LLM service. */
  unavailable: number;
  complaints: number;
}

export function emptyCounts(): BucketCounts {
  return {
    events: 0, errors: 0, timedEvents: 0, processingMsSum: 0, cacheKnown: 0, cacheHits: 0, keywordEvents: 0, keywordSum: 0,
    checkedKeywords: 0, hallucinated: 0, unavailable: 0, complaints: 0,
  };
}

export function addCounts(a: BucketCounts, b: BucketCounts): BucketCounts {
  const sum = emptyCounts();
  for (const key of Object.keys(sum) as (keyof BucketCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}

/**
 * Each arm's counts per bucket of `bucketMs` (bucket i covers [i * bucketMs, (i + 1) * bucketMs)
 * of epoch time, by the events' own timestamps) over `window`. Buckets without events are absent.
 */
export async function bucketCounts(store: Store, experimentKey: string, window: Required<TimeWindow>, bucketMs: number): Promise<Map<number, Record<Arm, BucketCounts>>> {
  const { where, params } = windowSql(window);
  const bucket = Math.max(1, Math.round(bucketMs));
  const rows = await store.all<Record<string, unknown> & { arm: string; bucket: bigint }>(
    `SELECT arm, epoch_ms(occurred_at) // ${bucket} AS bucket,
       count(*) FILTER (WHERE ${PROCESSED_SQL}) AS events,
       count(*) FILTER (WHERE ${PROCESSED_SQL} AND ${ERROR}) AS errors,
       count(${PROCESSING}) AS timed,
       coalesce(sum(${PROCESSING}), 0) AS ms_sum,
       count(${CACHE_HIT}) AS cache_known,
       count(*) FILTER (WHERE ${CACHE_HIT}) AS cache_hits,
       count(${KEYWORDS}) AS keyword_events,
       coalesce(sum(${KEYWORDS}), 0) AS keyword_sum,
       coalesce(sum(${KEYWORDS}) FILTER (WHERE ${HALLUCINATED} IS NOT NULL), 0) AS checked_keywords,
       coalesce(sum(${HALLUCINATED}) FILTER (WHERE ${KEYWORDS} IS NOT NULL), 0) AS hallucinated,
       count(*) FILTER (WHERE ${PROCESSED_SQL} AND ${UNAVAILABLE}) AS unavailable,
       coalesce(sum(${COMPLAINTS}), 0) AS complaints
     FROM experiment_events WHERE experiment_key = $key AND ${where}
     GROUP BY arm, bucket ORDER BY bucket, arm`,
    { key: experimentKey, ...params },
  );
  const out = new Map<number, Record<Arm, BucketCounts>>();
  for (const row of rows) {
    if (!(ARMS as readonly string[]).includes(row.arm)) continue;
    const index = Number(row.bucket);
    const entry = out.get(index) ?? { control: emptyCounts(), treatment: emptyCounts() };
    entry[row.arm as Arm] = {
      events: Number(row['events']),
      errors: Number(row['errors']),
      timedEvents: Number(row['timed']),
      processingMsSum: Number(row['ms_sum']),
      cacheKnown: Number(row['cache_known']),
      cacheHits: Number(row['cache_hits']),
      keywordEvents: Number(row['keyword_events']),
      keywordSum: Number(row['keyword_sum']),
      checkedKeywords: Number(row['checked_keywords']),
      hallucinated: Number(row['hallucinated']),
      unavailable: Number(row['unavailable']),
      complaints: Number(row['complaints']),
    };
    out.set(index, entry);
  }
  return out;
}
