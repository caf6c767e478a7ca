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
 * resolution steps up (1 s -> 60 s -> 3600 s). The statements are in lib/gpu/gpu-store.ts
 * (`rollUpGpuSamples`), the one writer of the GPU tables.
 */
import type { Store } from '../store/store';
import { rollUpGpuSamples } from './gpu-store';

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

export async function downsampleGpuSamples(store: Store, options: DownsampleOptions): Promise<DownsampleResult> {
  const { olderThan, resolutionS } = options;
  if (!(resolutionS > 0) || !Number.isFinite(resolutionS)) throw new RangeError(`resolutionS must be a positive number of seconds, got ${resolutionS}`);
  if (Number.isNaN(olderThan.getTime())) throw new RangeError('olderThan is not a valid date');
  return rollUpGpuSamples(store, olderThan, resolutionS);
}
