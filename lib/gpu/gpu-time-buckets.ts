/**
 * Time buckets for the GPU dashboard: a time span is cut into at most a target number of
 * buckets of a "round" width (1 s, 5 s, 1 min, 30 min, 1 h, 1 day, ...), so axis ticks and
 * tooltips read naturally and a week of 1-second samples becomes a few hundred points. Widths
 * are whole seconds; DuckDB's time_bucket aligns them to midnight (UTC).
 */

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;

/** Round bucket widths in seconds, finest first; spans needing more than a day use whole days. */
export const ROUND_BUCKET_SECONDS: readonly number[] = [
  1, 2, 5, 10, 15, 30,
  SECONDS_PER_MINUTE, 2 * SECONDS_PER_MINUTE, 5 * SECONDS_PER_MINUTE, 10 * SECONDS_PER_MINUTE, 15 * SECONDS_PER_MINUTE, 30 * SECONDS_PER_MINUTE,
  SECONDS_PER_HOUR, 2 * SECONDS_PER_HOUR, 3 * SECONDS_PER_HOUR, 6 * SECONDS_PER_HOUR, 12 * SECONDS_PER_HOUR,
  SECONDS_PER_DAY,
];

/** The narrowest round width that cuts `spanS` seconds into at most `maxBuckets` buckets. */
export function bucketSeconds(spanS: number, maxBuckets: number): number {
  if (!(maxBuckets >= 1)) throw new RangeError(`maxBuckets must be at least 1, got ${maxBuckets}`);
  const needed = Math.max(spanS, 0) / maxBuckets;
  const round = ROUND_BUCKET_SECONDS.find((width) => width >= needed);
  return round ?? Math.ceil(needed / SECONDS_PER_DAY) * SECONDS_PER_DAY;
}

/** "1 s", "15 min", "2 h", "3 days": a bucket width for captions. */
export function describeBucket(seconds: number): string {
  if (seconds < SECONDS_PER_MINUTE) return `${seconds} s`;
  if (seconds < SECONDS_PER_HOUR) return `${seconds / SECONDS_PER_MINUTE} min`;
  if (seconds < SECONDS_PER_DAY) return `${seconds / SECONDS_PER_HOUR} h`;
  const days = seconds / SECONDS_PER_DAY;
  return `${days} day${days === 1 ? '' : 's'}`;
}
