/**
 * Downsampling old GPU samples for the retention job: rows older than a cutoff and finer than
 * the target resolution are replaced, in one transaction, by one row per GPU, run and time
 * bucket that keeps the count (sample_count), the means (weighted by sample_count, unknown
 * values skipped), the extremes (utilization_min/max, memory_used_max, power_max,
 * temperature_max) and the union of throttle reasons. The row's sampled_at is the bucket start.
 *
 * Only whole buckets are touched (the cutoff is rounded down to a bucket boundary), so running it
 * again, or later with a newer cutoff, never makes two rows for one bucket. Rows already at the
 * target resolution or coarser are left alone, and coarser rows fold in correctly when the
 * resolution steps up (1 s -> 60 s -> 3600 s).
 */
import type { Store } from '../store/store';

export interface DownsampleOptions {
  /** Rows sampled before this (rounded down to a bucket boundary) are downsampled. */
  olderThan: Date;
  /** Bucket width in seconds, e.g. 60. */
  resolutionS: number;
}

export interface DownsampleResult {
  /** The bucket boundary actually used. */
  cutoff: Date;
  rowsDeleted: number;
  rowsWritten: number;
}

const weightedMean = (column: string) =>
  `sum(${column} * sample_count) / nullif(sum(CASE WHEN ${column} IS NOT NULL THEN sample_count END), 0)`;

export async function downsampleGpuSamples(store: Store, options: DownsampleOptions): Promise<DownsampleResult> {
  const { olderThan, resolutionS } = options;
  if (!(resolutionS > 0) || !Number.isFinite(resolutionS)) throw new RangeError(`resolutionS must be a positive number of seconds, got ${resolutionS}`);
  if (Number.isNaN(olderThan.getTime())) throw new RangeError('olderThan is not a valid date');
  return store.transaction(async () => {
    const boundary = await store.one<{ cutoff: Date }>(`SELECT time_bucket(to_seconds($res::DOUBLE), $older::TIMESTAMP) AS cutoff`, {
      res: resolutionS,
      older: olderThan.toISOString(),
    });
    const cutoff = boundary?.cutoff ?? olderThan;
    const params = { res: resolutionS, cutoff: cutoff.toISOString() };
    const where = `sampled_at < $cutoff::TIMESTAMP AND resolution_s < $res::DOUBLE`;
    const before = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM gpu_samples WHERE ${where}`, params);
    const rowsDeleted = Number(before?.n ?? 0);
    if (rowsDeleted === 0) return { cutoff, rowsDeleted: 0, rowsWritten: 0 };
    const written = await store.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM gpu_samples WHERE ${where}
         GROUP BY time_bucket(to_seconds($res::DOUBLE), sampled_at), host, source, gpu_uuid, run_id)`,
      params,
    );
    await store.run(
      `INSERT INTO gpu_samples (sampled_at, host, source, gpu_uuid, gpu_index, gpu_name, utilization_pct, memory_used_mib,
         memory_total_mib, power_w, temperature_c, throttle_reasons, run_id, resolution_s, sample_count, utilization_min,
         utilization_max, memory_used_max, power_max, temperature_max)
       SELECT time_bucket(to_seconds($res::DOUBLE), sampled_at) AS bucket, host, source, gpu_uuid, max(gpu_index), max(gpu_name),
         ${weightedMean('utilization_pct')}, ${weightedMean('memory_used_mib')}, max(memory_total_mib), ${weightedMean('power_w')},
         ${weightedMean('temperature_c')},
         CASE WHEN count(throttle_reasons) = 0 THEN NULL
              ELSE coalesce(array_to_string(list_sort(list_distinct(flatten(
                     list(string_split(throttle_reasons, ',')) FILTER (WHERE throttle_reasons <> '')))), ','), '') END,
         run_id, $res::DOUBLE, sum(sample_count), min(coalesce(utilization_min, utilization_pct)),
         max(coalesce(utilization_max, utilization_pct)), max(coalesce(memory_used_max, memory_used_mib)),
         max(coalesce(power_max, power_w)), max(coalesce(temperature_max, temperature_c))
       FROM gpu_samples WHERE ${where}
       GROUP BY bucket, host, source, gpu_uuid, run_id`,
      params,
    );
    await store.run(`DELETE FROM gpu_samples WHERE ${where}`, params);
    return { cutoff, rowsDeleted, rowsWritten: Number(written?.n ?? 0) };
  });
}
