/**
 * Store retention: deletes rows older than a per-table age, and downsamples old GPU telemetry
 * (fine-grained gpu_samples, e.g. 1 s) into coarser buckets (e.g. 1 min) that keep the mean
 * (weighted by sample count), min and max of each measure, so long-term charts stay right while
 * the table stays small. Each operation runs in one transaction: a failure changes nothing.
 *
 * Time arithmetic is on epoch microseconds (UTC), never on the session time zone, and the
 * downsampling cut-off is aligned to a bucket boundary so a later pass never produces a second
 * row for a bucket an earlier pass already wrote.
 */
import { timestampValue } from '@duckdb/node-api';
import type { Store } from '../store/store';

/** Tables retention may prune, and the column holding each row's time. */
export const PRUNABLE_TABLES = {
  gpu_samples: { timeColumn: 'sampled_at', keep: undefined },
  gpu_alerts: { timeColumn: 'raised_at', keep: undefined },
  ollama_ps_samples: { timeColumn: 'sampled_at', keep: undefined },
  llm_cache: { timeColumn: 'created_at', keep: undefined },
  // A running job's row is never pruned, however old.
  job_runs: { timeColumn: 'started_at', keep: "status = 'running'" },
} as const satisfies Record<string, { timeColumn: string; keep: string | undefined }>;

export type PrunableTable = keyof typeof PRUNABLE_TABLES;

export const MS_PER_DAY = 86_400_000;
const MICROS_PER_MS = 1000;
const MICROS_PER_SECOND = 1_000_000;

/** The instant `days` days before `now`, in epoch microseconds. */
function cutoffMicros(now: Date, days: number): bigint {
  return BigInt(Math.round((now.getTime() - days * MS_PER_DAY) * MICROS_PER_MS));
}

/** Deletes the table's rows older than `days` days; returns how many. */
export async function pruneTable(store: Store, table: PrunableTable, days: number, now: Date = new Date()): Promise<number> {
  const { timeColumn, keep } = PRUNABLE_TABLES[table];
  // Table and column names come from PRUNABLE_TABLES above, never from input.
  const result = await store.connection.run(
    `DELETE FROM ${table} WHERE ${timeColumn} < $cutoff${keep ? ` AND NOT (${keep})` : ''}`,
    { cutoff: timestampValue(cutoffMicros(now, days)) },
  );
  return result.rowsChanged;
}

export interface DownsampleResult {
  /** Fine-grained rows replaced. */
  rowsDeleted: number;
  /** Bucket rows written in their place. */
  rowsWritten: number;
  /** Rows before this instant (a bucket boundary) were downsampled. */
  cutoff: Date;
}

/** Weighted mean of a measure: each row counts with its sample_count (a row may already be a bucket). */
const weightedMean = (column: string) =>
  `sum(${column} * sample_count) / sum(CASE WHEN ${column} IS NOT NULL THEN sample_count END)`;

/** The distinct throttle reasons of a group's rows (each a comma-separated list), sorted, comma-joined; NULL when none. */
const throttleUnion = `nullif(array_to_string(list_sort(list_distinct(list_filter(
  list_transform(flatten(list(string_split(throttle_reasons, ','))), r -> trim(r)), r -> r <> ''))), ','), '')`;

/**
 * Replaces gpu_samples rows older than `afterDays` whose resolution is finer than `bucketSeconds`
 * with one row per bucket, GPU, host, source and run: means weighted by sample_count, minimum
 * and maximum utilization, maximum memory, power and temperature, the union of throttle
 * reasons, and the summed sample_count.
 */
export async function downsampleGpuSamples(store: Store, afterDays: number, bucketSeconds: number, now: Date = new Date()): Promise<DownsampleResult> {
  const bucketMicros = BigInt(Math.round(bucketSeconds * MICROS_PER_SECOND));
  const cutoff = (cutoffMicros(now, afterDays) / bucketMicros) * bucketMicros;
  const params = { cutoff: timestampValue(cutoff), bucket_us: bucketMicros, bucket_s: bucketSeconds };
  const fine = `sampled_at < $cutoff AND resolution_s < $bucket_s`;
  return store.transaction(async () => {
    const inserted = await store.connection.run(
      `INSERT INTO gpu_samples (
         sampled_at, host, source, gpu_uuid, gpu_index, gpu_name,
         utilization_pct, memory_used_mib, memory_total_mib, power_w, temperature_c, throttle_reasons,
         run_id, resolution_s, sample_count,
         utilization_min, utilization_max, memory_used_max, power_max, temperature_max)
       SELECT
         make_timestamp(epoch_us(sampled_at) // $bucket_us::BIGINT * $bucket_us::BIGINT) AS bucket,
         host, source, gpu_uuid, max(gpu_index), max(gpu_name),
         ${weightedMean('utilization_pct')}, ${weightedMean('memory_used_mib')}, max(memory_total_mib),
         ${weightedMean('power_w')}, ${weightedMean('temperature_c')},
         ${throttleUnion},
         run_id, $bucket_s, sum(sample_count),
         min(coalesce(utilization_min, utilization_pct)), max(coalesce(utilization_max, utilization_pct)),
         max(coalesce(memory_used_max, memory_used_mib)), max(coalesce(power_max, power_w)),
         max(coalesce(temperature_max, temperature_c))
       FROM gpu_samples
       WHERE ${fine}
       GROUP BY bucket, host, source, gpu_uuid, run_id`,
      params,
    );
    const deleted = await store.connection.run(`DELETE FROM gpu_samples WHERE ${fine}`, { cutoff: params.cutoff, bucket_s: bucketSeconds });
    return { rowsDeleted: deleted.rowsChanged, rowsWritten: inserted.rowsChanged, cutoff: new Date(Number(cutoff / BigInt(MICROS_PER_MS))) };
  });
}
