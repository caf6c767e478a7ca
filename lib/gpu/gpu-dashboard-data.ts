/**
 * The data of the GPU dashboard, aggregated in DuckDB to a bounded size whatever the telemetry
 * volume: the time window (default: the last DEFAULT_WINDOW_DAYS days before the newest
 * telemetry row), the devices seen in it, per device and time bucket the mean, low and high of
 * utilization, memory, power and temperature (about MAX_SERIES_POINTS points in all), the runs
 * and phase marks that fall in the window, alerts (per bucket and kind for markers, the newest
 * rows for the table, counts per kind), the models Ollama had loaded as time segments with
 * their offload share, and the GPU summary (summarizeGpuRun) of the newest runs with samples.
 *
 * Downsampled rows (resolution_s > the sampling interval, sample_count > 1) weigh as many
 * samples as they stand for in every mean, and their min/max columns feed the bands. A line
 * is broken where a device has no sample for longer than MAX_GAP_RESOLUTIONS buckets (or
 * resolutions), as energy integration is (energy.ts). This is the GPU dashboard's view model:
 * lib/report/gpu-dashboard.ts renders it, lib/publish/gpu-dashboard.ts loads and writes it.
 */
import { MAX_GAP_RESOLUTIONS, MIN_MAX_GAP_S, SECONDS_PER_HOUR } from './energy';
import { DEFAULT_PS_INTERVAL_MS } from './ollama-ps';
import { summarizeGpuRun, type GpuRunSummary } from './run-summary';
import type { Store } from '../store/store';
import { bucketSeconds, SECONDS_PER_DAY } from './gpu-time-buckets';

/** The window shown when none is asked for: this many days up to the newest telemetry row. */
export const DEFAULT_WINDOW_DAYS = 7;
/** Device × bucket points in the time series, all devices together. */
export const MAX_SERIES_POINTS = 2400;
/** Buckets per device: at most, and at least (with many devices). */
export const MAX_BUCKETS = 400;
export const MIN_BUCKETS = 60;
/** Devices charted (the ones with the most samples). */
export const MAX_DEVICES = 16;
/** Runs shaded on the time axis (the newest). */
export const MAX_RUN_OVERLAYS = 200;
/** Phase marks drawn (the newest). */
export const MAX_PHASE_MARKS = 1000;
/** Alert rows listed (the newest); the counts per kind cover every alert in the window. */
export const MAX_ALERT_ROWS = 100;
/** Ollama models charted (the most polled), and their time segments. */
export const MAX_PS_SERIES = 24;
export const MAX_PS_SEGMENTS = 2000;
/** Offload shares are compared at this step, so a wobbling size_vram does not split segments. */
export const OFFLOAD_SHARE_STEP = 0.05;
/** Runs given a GPU summary (the newest runs with samples in the window). */
export const MAX_RUN_SUMMARIES = 30;

const MS_PER_SECOND = 1000;
const MS_PER_DAY = SECONDS_PER_DAY * MS_PER_SECOND;
const MIB_PER_GIB = 1024;
const BYTES_PER_GIB = 1024 ** 3;
const PERCENT = 100;
/** Decimals kept in chart values (the JSON stays small; nothing is read finer than this). */
const VALUE_DECIMALS = 1;
const SHARE_DECIMALS = 3;
/** Characters of the uuid that tell apart two devices whose labels would be the same. */
const UUID_TAIL = 8;

export interface GpuDashboardWindowOptions {
  /** Start of the window; default `days` before `until`. */
  since?: Date;
  /** End of the window; default the newest telemetry row. */
  until?: Date;
  /** Length of the default window in days (default DEFAULT_WINDOW_DAYS). */
  days?: number;
}

export interface GpuWindow {
  /** The window asked for (or the default one). */
  since: Date;
  until: Date;
  /** The first telemetry row inside it: the charts' time axis runs from here to `until`. */
  first: Date;
  /** Width of a time bucket, in seconds. */
  bucketS: number;
}

export interface GpuDevice {
  host: string;
  uuid: string;
  index: number | null;
  name: string | null;
  source: string;
  /** Unique display name: "GPU 0: NVIDIA H100 80GB HBM3" (with the host when there are several). */
  label: string;
  memoryTotalMib: number | null;
  /** Samples the rows stand for (sample_count summed). */
  samples: number;
  rows: number;
  firstAt: Date;
  lastAt: Date;
  finestResolutionS: number;
  coarsestResolutionS: number;
  meanUtilizationPct: number | null;
  peakUtilizationPct: number | null;
  peakMemoryUsedMib: number | null;
  meanPowerW: number | null;
  peakPowerW: number | null;
  peakTemperatureC: number | null;
  /** Trapezoidal integration of power over the window (gaps not bridged, see energy.ts). */
  energyWh: number;
}

/** One device in one time bucket; values are absent (undefined) where the tool could not say. */
export interface GpuBucketPoint {
  device: string;
  /** Bucket start, epoch ms. */
  t: number;
  /** Consecutive buckets without a long gap share a segment (one line piece). */
  seg: number;
  /** Alone in its segment: drawn as a dot, since a line needs two points. */
  iso?: true;
  samples: number;
  util?: number;
  utilMin?: number;
  utilMax?: number;
  memPct?: number;
  memPctMin?: number;
  memPctMax?: number;
  memGib?: number;
  memTotalGib?: number;
  power?: number;
  powerMin?: number;
  powerMax?: number;
  temp?: number;
  tempMin?: number;
  tempMax?: number;
}

export interface RunInterval {
  runId: string;
  kind: string;
  suite: string | null;
  dataset: string | null;
  status: string;
  /** Epoch ms; `end` is the window's end for a run still going, `start` for one without an end. */
  start: number;
  end: number;
  ended: boolean;
}

export interface PhaseMark {
  runId: string;
  phase: string;
  model: string | null;
  t: number;
}

/** Alerts of one kind in one time bucket. */
export interface AlertMark {
  t: number;
  kind: string;
  count: number;
  /** The first alert's message in the bucket. */
  message: string;
}

export interface AlertRow {
  raisedAt: Date;
  host: string;
  gpuUuid: string | null;
  kind: string;
  message: string;
  value: number | null;
  threshold: number | null;
  runId: string | null;
}

export interface AlertKindCount {
  kind: string;
  count: number;
  gpus: number;
  first: Date;
  last: Date;
}

/** A stretch of time in which Ollama had a model loaded with the same offload share. */
export interface PsSegment {
  host: string;
  model: string;
  /** The model, with the host when several hosts were polled. */
  series: string;
  start: number;
  end: number;
  polls: number;
  sizeGib: number | null;
  vramGib: number | null;
  /** size_vram / size (1 = fully on the GPU); the lowest seen in the segment. */
  share: number | null;
}

export interface RunGpuSummary {
  runId: string;
  kind: string | null;
  suite: string | null;
  status: string | null;
  startedAt: Date | null;
  summary: GpuRunSummary;
}

export interface GpuDashboardData {
  /** Whether the database holds any GPU telemetry at all (inside the window or not). */
  hasTelemetry: boolean;
  /** null when there is no telemetry in the window. */
  window: GpuWindow | null;
  devices: GpuDevice[];
  series: GpuBucketPoint[];
  runs: RunInterval[];
  phases: PhaseMark[];
  alertMarks: AlertMark[];
  alerts: AlertRow[];
  alertKinds: AlertKindCount[];
  ps: PsSegment[];
  runSummaries: RunGpuSummary[];
  /** How many there were before the limits above, where a limit cut. */
  totals: { devices: number; runs: number; phases: number; alerts: number; psSeries: number; psSegments: number; runSummaries: number; sampleRows: number };
}

type Raw = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const round = (v: unknown, decimals = VALUE_DECIMALS): number | undefined => {
  const n = num(v);
  if (n === null || !Number.isFinite(n)) return undefined;
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
};
/** Copies only the defined values, so absent readings leave no key (the chart JSON stays small). */
function defined<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as T;
}

const weightedMean = (column: string) =>
  `sum(${column} * sample_count) / nullif(sum(CASE WHEN ${column} IS NOT NULL THEN sample_count END), 0)`;

/** Rows of one table inside the window (bound as $from and $to). */
const inWindow = (column: string) => `${column} >= $from::TIMESTAMP AND ${column} <= $to::TIMESTAMP`;

/** The devices charted: most samples first, ties broken by host and uuid (the same set in every query). */
const TOP_DEVICES = `top AS (
  SELECT host, gpu_uuid FROM s GROUP BY host, gpu_uuid
  ORDER BY sum(sample_count) DESC, host, gpu_uuid LIMIT ${MAX_DEVICES})`;

async function resolveWindow(store: Store, options: GpuDashboardWindowOptions): Promise<{ hasTelemetry: boolean; window: GpuWindow | null }> {
  const newest = await store.one<{ newest: Date | null }>(
    `SELECT max(t) AS newest FROM (
       SELECT max(sampled_at) AS t FROM gpu_samples
       UNION ALL SELECT max(raised_at) FROM gpu_alerts
       UNION ALL SELECT max(sampled_at) FROM ollama_ps_samples)`,
  );
  const latest = newest?.newest ?? null;
  const days = options.days ?? DEFAULT_WINDOW_DAYS;
  if (!(days > 0)) throw new RangeError(`days must be more than 0, got ${days}`);
  const until = options.until ?? latest;
  if (latest === null || until === null) return { hasTelemetry: latest !== null, window: null };
  const since = options.since ?? new Date(until.getTime() - days * MS_PER_DAY);
  const found = await store.one<{ first: Date | null; devices: bigint }>(
    `SELECT min(t) AS first, (SELECT count(DISTINCT (host, gpu_uuid)) FROM gpu_samples WHERE ${inWindow('sampled_at')}) AS devices FROM (
       SELECT min(sampled_at) AS t FROM gpu_samples WHERE ${inWindow('sampled_at')}
       UNION ALL SELECT min(raised_at) FROM gpu_alerts WHERE ${inWindow('raised_at')}
       UNION ALL SELECT min(sampled_at) FROM ollama_ps_samples WHERE ${inWindow('sampled_at')})`,
    { from: since.toISOString(), to: until.toISOString() },
  );
  if (!found?.first) return { hasTelemetry: true, window: null };
  const devices = Math.max(1, Math.min(MAX_DEVICES, Number(found.devices)));
  const buckets = Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.floor(MAX_SERIES_POINTS / devices)));
  const spanS = (until.getTime() - found.first.getTime()) / MS_PER_SECOND;
  return { hasTelemetry: true, window: { since, until, first: found.first, bucketS: bucketSeconds(spanS, buckets) } };
}

function deviceLabels(rows: Raw[]): string[] {
  const hosts = new Set(rows.map((r) => String(r['host'])));
  const base = rows.map((r) => {
    const index = num(r['gpu_index']);
    const name = str(r['gpu_name']) ?? String(r['gpu_uuid']);
    return `GPU ${index ?? '?'}: ${name}${hosts.size > 1 ? ` (${String(r['host'])})` : ''}`;
  });
  const seen = new Map<string, number>();
  for (const label of base) seen.set(label, (seen.get(label) ?? 0) + 1);
  return base.map((label, i) => ((seen.get(label) ?? 0) > 1 ? `${label} [${String(rows[i]?.['gpu_uuid']).slice(-UUID_TAIL)}]` : label));
}

async function loadDevices(store: Store, params: Record<string, string | number>): Promise<{ devices: GpuDevice[]; total: number; sampleRows: number }> {
  const rows = await store.all(
    `WITH s AS (SELECT * FROM gpu_samples WHERE ${inWindow('sampled_at')}),
     ${TOP_DEVICES},
     e AS (
       SELECT host, gpu_uuid, power_w, resolution_s, LEAD(power_w) OVER w AS next_power,
         (epoch_ms(LEAD(sampled_at) OVER w) - epoch_ms(sampled_at)) / ${MS_PER_SECOND}.0 AS seg_s
       FROM s JOIN top USING (host, gpu_uuid)
       WINDOW w AS (PARTITION BY host, gpu_uuid ORDER BY sampled_at)
     ),
     energy AS (
       SELECT host, gpu_uuid,
         coalesce(sum(CASE WHEN power_w IS NOT NULL AND next_power IS NOT NULL AND seg_s > 0
                             AND seg_s <= greatest(${MIN_MAX_GAP_S}, ${MAX_GAP_RESOLUTIONS} * resolution_s)
                           THEN (power_w + next_power) / 2 * seg_s END), 0) / ${SECONDS_PER_HOUR} AS wh
       FROM e GROUP BY host, gpu_uuid
     ),
     totals AS (SELECT count(DISTINCT (host, gpu_uuid)) AS devices, count(*) AS sample_rows FROM s)
     SELECT s.host, s.gpu_uuid, arg_max(s.gpu_index, s.sampled_at) AS gpu_index, arg_max(s.gpu_name, s.sampled_at) AS gpu_name,
       arg_max(s.source, s.sampled_at) AS source, max(s.memory_total_mib) AS memory_total, sum(s.sample_count) AS samples, count(*) AS n_rows,
       min(s.sampled_at) AS first_at, max(s.sampled_at) AS last_at, min(s.resolution_s) AS finest, max(s.resolution_s) AS coarsest,
       ${weightedMean('utilization_pct')} AS mean_util,
       max(coalesce(s.utilization_max, s.utilization_pct)) AS peak_util,
       max(coalesce(s.memory_used_max, s.memory_used_mib)) AS peak_mem,
       ${weightedMean('power_w')} AS mean_power,
       max(coalesce(s.power_max, s.power_w)) AS peak_power,
       max(coalesce(s.temperature_max, s.temperature_c)) AS peak_temp,
       any_value(energy.wh) AS energy_wh, any_value(totals.devices) AS total_devices, any_value(totals.sample_rows) AS total_rows
     FROM s JOIN energy USING (host, gpu_uuid) CROSS JOIN totals
     GROUP BY s.host, s.gpu_uuid
     ORDER BY s.host, gpu_index NULLS LAST, s.gpu_uuid`,
    params,
  );
  const labels = deviceLabels(rows);
  const devices = rows.map((r, i) => ({
    host: String(r['host']),
    uuid: String(r['gpu_uuid']),
    index: num(r['gpu_index']),
    name: str(r['gpu_name']),
    source: String(r['source']),
    label: labels[i] ?? String(r['gpu_uuid']),
    memoryTotalMib: num(r['memory_total']),
    samples: Number(r['samples']),
    rows: Number(r['n_rows']),
    firstAt: r['first_at'] as Date,
    lastAt: r['last_at'] as Date,
    finestResolutionS: Number(r['finest']),
    coarsestResolutionS: Number(r['coarsest']),
    meanUtilizationPct: num(r['mean_util']),
    peakUtilizationPct: num(r['peak_util']),
    peakMemoryUsedMib: num(r['peak_mem']),
    meanPowerW: num(r['mean_power']),
    peakPowerW: num(r['peak_power']),
    peakTemperatureC: num(r['peak_temp']),
    energyWh: Number(r['energy_wh'] ?? 0),
  }));
  const first = rows[0];
  return { devices, total: Number(first?.['total_devices'] ?? 0), sampleRows: Number(first?.['total_rows'] ?? 0) };
}

async function loadSeries(store: Store, params: Record<string, string | number>, devices: GpuDevice[]): Promise<GpuBucketPoint[]> {
  const rows = await store.all(
    `WITH s AS (SELECT * FROM gpu_samples WHERE ${inWindow('sampled_at')}),
     ${TOP_DEVICES},
     b AS (
       SELECT host, gpu_uuid, time_bucket(to_seconds($bucket::DOUBLE), sampled_at) AS bucket,
         sum(sample_count) AS n, max(resolution_s) AS res,
         ${weightedMean('utilization_pct')} AS util,
         min(coalesce(utilization_min, utilization_pct)) AS util_min, max(coalesce(utilization_max, utilization_pct)) AS util_max,
         ${weightedMean('memory_used_mib')} AS mem, min(memory_used_mib) AS mem_min,
         max(coalesce(memory_used_max, memory_used_mib)) AS mem_max, max(memory_total_mib) AS mem_total,
         ${weightedMean('power_w')} AS power, min(power_w) AS power_min, max(coalesce(power_max, power_w)) AS power_max,
         ${weightedMean('temperature_c')} AS temp, min(temperature_c) AS temp_min, max(coalesce(temperature_max, temperature_c)) AS temp_max
       FROM s JOIN top USING (host, gpu_uuid)
       GROUP BY host, gpu_uuid, bucket
     ),
     g AS (
       SELECT *, CASE WHEN lag(bucket) OVER w IS NULL
                        OR epoch_ms(bucket) - epoch_ms(lag(bucket) OVER w) > ${MAX_GAP_RESOLUTIONS} * ${MS_PER_SECOND} * greatest($bucket::DOUBLE, lag(res) OVER w)
                      THEN 1 ELSE 0 END AS starts
       FROM b WINDOW w AS (PARTITION BY host, gpu_uuid ORDER BY bucket)
     ),
     seg AS (SELECT *, sum(starts) OVER (PARTITION BY host, gpu_uuid ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS segment FROM g)
     SELECT host, gpu_uuid, epoch_ms(bucket) AS t, segment, count(*) OVER (PARTITION BY host, gpu_uuid, segment) = 1 AS isolated,
       n, util, util_min, util_max, mem, mem_min, mem_max, mem_total, power, power_min, power_max, temp, temp_min, temp_max
     FROM seg ORDER BY host, gpu_uuid, t`,
    params,
  );
  const labels = new Map(devices.map((d) => [`${d.host}\u0000${d.uuid}`, d.label]));
  const pct = (used: unknown, total: number | null) => {
    const u = num(used);
    return u === null || total === null || total <= 0 ? undefined : round((u / total) * PERCENT);
  };
  return rows.map((r) => {
    const total = num(r['mem_total']);
    return defined<GpuBucketPoint>({
      device: labels.get(`${String(r['host'])}\u0000${String(r['gpu_uuid'])}`) ?? String(r['gpu_uuid']),
      t: Number(r['t']),
      seg: Number(r['segment']),
      iso: r['isolated'] === true ? true : undefined,
      samples: Number(r['n']),
      util: round(r['util']),
      utilMin: round(r['util_min']),
      utilMax: round(r['util_max']),
      memPct: pct(r['mem'], total),
      memPctMin: pct(r['mem_min'], total),
      memPctMax: pct(r['mem_max'], total),
      memGib: round(num(r['mem']) === null ? null : Number(r['mem']) / MIB_PER_GIB, 2),
      memTotalGib: round(total === null ? null : total / MIB_PER_GIB, 2),
      power: round(r['power']),
      powerMin: round(r['power_min']),
      powerMax: round(r['power_max']),
      temp: round(r['temp']),
      tempMin: round(r['temp_min']),
      tempMax: round(r['temp_max']),
    });
  });
}

async function loadRuns(store: Store, params: Record<string, string | number>, until: Date): Promise<{ runs: RunInterval[]; total: number }> {
  const rows = await store.all(
    `SELECT run_id, kind, suite, dataset, status, epoch_ms(started_at) AS start_ms, epoch_ms(ended_at) AS end_ms, count(*) OVER () AS total
     FROM runs WHERE started_at <= $to::TIMESTAMP AND coalesce(ended_at, $to::TIMESTAMP) >= $from::TIMESTAMP
     ORDER BY started_at DESC, run_id DESC LIMIT ${MAX_RUN_OVERLAYS}`,
    params,
  );
  const runs = rows
    .map((r) => {
      const start = Number(r['start_ms']);
      const end = num(r['end_ms']);
      const status = String(r['status']);
      return {
        runId: String(r['run_id']), kind: String(r['kind']), suite: str(r['suite']), dataset: str(r['dataset']), status,
        start, end: end ?? (status === 'running' ? until.getTime() : start), ended: end !== null,
      };
    })
    .reverse();
  return { runs, total: Number(rows[0]?.['total'] ?? 0) };
}

async function loadPhases(store: Store, params: Record<string, string | number>): Promise<{ phases: PhaseMark[]; total: number }> {
  const rows = await store.all(
    `SELECT run_id, phase, model, epoch_ms(started_at) AS t, count(*) OVER () AS total
     FROM gpu_phases WHERE ${inWindow('started_at')} ORDER BY started_at DESC LIMIT ${MAX_PHASE_MARKS}`,
    params,
  );
  const phases = rows.map((r) => ({ runId: String(r['run_id']), phase: String(r['phase']), model: str(r['model']), t: Number(r['t']) })).reverse();
  return { phases, total: Number(rows[0]?.['total'] ?? 0) };
}

async function loadAlerts(store: Store, params: { from: string; to: string; bucket: number }): Promise<Pick<GpuDashboardData, 'alertMarks' | 'alerts' | 'alertKinds'>> {
  const windowOnly = { from: params.from, to: params.to };
  const marks = await store.all(
    `SELECT epoch_ms(time_bucket(to_seconds($bucket::DOUBLE), raised_at)) AS t, kind, count(*) AS n, arg_min(message, raised_at) AS message
     FROM gpu_alerts WHERE ${inWindow('raised_at')} GROUP BY ALL ORDER BY t, kind`,
    params,
  );
  const rows = await store.all(
    `SELECT raised_at, host, gpu_uuid, kind, message, value, threshold, run_id
     FROM gpu_alerts WHERE ${inWindow('raised_at')} ORDER BY raised_at DESC, kind LIMIT ${MAX_ALERT_ROWS}`,
    windowOnly,
  );
  const kinds = await store.all(
    `SELECT kind, count(*) AS n, count(DISTINCT gpu_uuid) AS gpus, min(raised_at) AS first, max(raised_at) AS last
     FROM gpu_alerts WHERE ${inWindow('raised_at')} GROUP BY kind ORDER BY n DESC, kind`,
    windowOnly,
  );
  return {
    alertMarks: marks.map((r) => ({ t: Number(r['t']), kind: String(r['kind']), count: Number(r['n']), message: String(r['message']) })),
    alerts: rows.map((r) => ({
      raisedAt: r['raised_at'] as Date, host: String(r['host']), gpuUuid: str(r['gpu_uuid']), kind: String(r['kind']), message: String(r['message']),
      value: num(r['value']), threshold: num(r['threshold']), runId: str(r['run_id']),
    })),
    alertKinds: kinds.map((r) => ({ kind: String(r['kind']), count: Number(r['n']), gpus: Number(r['gpus']), first: r['first'] as Date, last: r['last'] as Date })),
  };
}

async function loadPs(store: Store, params: Record<string, string | number>, bucketS: number): Promise<{ ps: PsSegment[]; series: number; segments: number }> {
  const gapMs = MAX_GAP_RESOLUTIONS * Math.max(bucketS * MS_PER_SECOND, DEFAULT_PS_INTERVAL_MS);
  const rows = await store.all(
    `WITH p AS (SELECT * FROM ollama_ps_samples WHERE ${inWindow('sampled_at')}),
     top AS (SELECT host, model FROM p GROUP BY host, model ORDER BY count(*) DESC, host, model LIMIT ${MAX_PS_SERIES}),
     b AS (
       SELECT host, model, time_bucket(to_seconds($bucket::DOUBLE), sampled_at) AS bucket, count(*) AS polls,
         max(size_bytes) AS size, min(size_vram_bytes) AS vram,
         min(CASE WHEN size_bytes > 0 THEN size_vram_bytes / size_bytes END) AS share
       FROM p JOIN top USING (host, model) GROUP BY host, model, bucket
     ),
     g AS (
       SELECT *, CASE WHEN lag(bucket) OVER w IS NULL OR epoch_ms(bucket) - epoch_ms(lag(bucket) OVER w) > ${gapMs}
                        OR round(share / ${OFFLOAD_SHARE_STEP}) IS DISTINCT FROM round(lag(share) OVER w / ${OFFLOAD_SHARE_STEP})
                      THEN 1 ELSE 0 END AS starts
       FROM b WINDOW w AS (PARTITION BY host, model ORDER BY bucket)
     ),
     seg AS (SELECT *, sum(starts) OVER (PARTITION BY host, model ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS segment FROM g),
     segments AS (
       SELECT host, model, segment, epoch_ms(min(bucket)) AS start_ms, epoch_ms(max(bucket)) + $bucket::DOUBLE * ${MS_PER_SECOND} AS end_ms,
         sum(polls) AS polls, max(size) AS size, min(vram) AS vram, min(share) AS share
       FROM seg GROUP BY host, model, segment
     )
     SELECT *, count(*) OVER () AS total_segments, (SELECT count(*) FROM (SELECT DISTINCT host, model FROM p)) AS total_series
     FROM segments ORDER BY start_ms DESC LIMIT ${MAX_PS_SEGMENTS}`,
    params,
  );
  const hosts = new Set(rows.map((r) => String(r['host'])));
  const ps = rows
    .map((r) => {
      const size = num(r['size']);
      const vram = num(r['vram']);
      const share = num(r['share']);
      return {
        host: String(r['host']),
        model: String(r['model']),
        series: hosts.size > 1 ? `${String(r['model'])} (${String(r['host'])})` : String(r['model']),
        start: Number(r['start_ms']),
        end: Number(r['end_ms']),
        polls: Number(r['polls']),
        sizeGib: size === null ? null : round(size / BYTES_PER_GIB, 2) ?? null,
        vramGib: vram === null ? null : round(vram / BYTES_PER_GIB, 2) ?? null,
        share: share === null ? null : round(share, SHARE_DECIMALS) ?? null,
      };
    })
    .sort((a, b) => a.series.localeCompare(b.series) || a.start - b.start);
  return { ps, series: Number(rows[0]?.['total_series'] ?? 0), segments: Number(rows[0]?.['total_segments'] ?? 0) };
}

async function loadRunSummaries(store: Store, params: Record<string, string | number>): Promise<{ summaries: RunGpuSummary[]; total: number }> {
  const rows = await store.all(
    `WITH r AS (SELECT run_id, max(sampled_at) AS last FROM gpu_samples WHERE run_id IS NOT NULL AND ${inWindow('sampled_at')} GROUP BY run_id)
     SELECT r.run_id, runs.kind, runs.suite, runs.status, runs.started_at, count(*) OVER () AS total
     FROM r LEFT JOIN runs USING (run_id)
     ORDER BY coalesce(runs.started_at, r.last) DESC, r.run_id DESC LIMIT ${MAX_RUN_SUMMARIES}`,
    params,
  );
  const summaries: RunGpuSummary[] = [];
  for (const r of rows) {
    const runId = String(r['run_id']);
    summaries.push({
      runId, kind: str(r['kind']), suite: str(r['suite']), status: str(r['status']), startedAt: (r['started_at'] as Date | null) ?? null,
      summary: await summarizeGpuRun(store, runId),
    });
  }
  return { summaries, total: Number(rows[0]?.['total'] ?? 0) };
}

const EMPTY_TOTALS: GpuDashboardData['totals'] = { devices: 0, runs: 0, phases: 0, alerts: 0, psSeries: 0, psSegments: 0, runSummaries: 0, sampleRows: 0 };

/** Everything the dashboard shows, for the window in `options` (see the header). */
export async function loadGpuDashboardData(store: Store, options: GpuDashboardWindowOptions = {}): Promise<GpuDashboardData> {
  const { hasTelemetry, window } = await resolveWindow(store, options);
  if (!window) {
    return { hasTelemetry, window: null, devices: [], series: [], runs: [], phases: [], alertMarks: [], alerts: [], alertKinds: [], ps: [], runSummaries: [], totals: EMPTY_TOTALS };
  }
  const params = { from: window.first.toISOString(), to: window.until.toISOString(), bucket: window.bucketS };
  const windowOnly = { from: params.from, to: params.to };
  const { devices, total: deviceTotal, sampleRows } = await loadDevices(store, windowOnly);
  const series = devices.length > 0 ? await loadSeries(store, params, devices) : [];
  const { runs, total: runTotal } = await loadRuns(store, windowOnly, window.until);
  const { phases, total: phaseTotal } = await loadPhases(store, windowOnly);
  const alerts = await loadAlerts(store, params);
  const ps = await loadPs(store, params, window.bucketS);
  const { summaries, total: summaryTotal } = await loadRunSummaries(store, windowOnly);
  return {
    hasTelemetry,
    window,
    devices,
    series,
    runs,
    phases,
    ...alerts,
    ps: ps.ps,
    runSummaries: summaries,
    totals: {
      devices: deviceTotal, runs: runTotal, phases: phaseTotal, alerts: alerts.alertKinds.reduce((n, k) => n + k.count, 0),
      psSeries: ps.series, psSegments: ps.segments, runSummaries: summaryTotal, sampleRows,
    },
  };
}
