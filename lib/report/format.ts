/**
 * How reports print numbers: metric values with a fixed number of decimals, milliseconds,
 * rates as percentages, counts with thousands separators, confidence intervals, durations and UTC times.
 * A missing value prints as an en dash.
 */
import { formatHumanDuration } from '../human-duration';
import { MISSING } from './table';
import type { Interval } from '../stats/confidence-interval';

export const METRIC_DECIMALS = 3;
const PERCENT = 100;
const RATE_DECIMALS = 1;
const MS_DECIMALS_BELOW_TEN = 1;
const MS_DECIMALS_BELOW_ONE = 2;
const TEN = 10;
const ISO_MINUTES_LENGTH = 16;

const isMissing = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

export function formatMetric(value: number | null | undefined, decimals = METRIC_DECIMALS): string {
  return isMissing(value) ? MISSING : value.toFixed(decimals);
}

/** Milliseconds: two decimals below 1 ms, one below 10 ms, whole numbers with separators above. */
export function formatMs(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const magnitude = Math.abs(value);
  if (magnitude < 1) return value.toFixed(MS_DECIMALS_BELOW_ONE);
  return magnitude < TEN ? value.toFixed(MS_DECIMALS_BELOW_TEN) : Math.round(value).toLocaleString('en-US');
}

/** A 0..1 rate as a percentage, e.g. 0.125 -> "12.5%". */
export function formatRate(value: number | null | undefined): string {
  return isMissing(value) ? MISSING : `${(value * PERCENT).toFixed(RATE_DECIMALS)}%`;
}

/** A percentage already in percent, e.g. 35.2 -> "+35.2%". */
export function formatSignedPercent(value: number | null | undefined): string {
  return isMissing(value) ? MISSING : `${value >= 0 ? '+' : ''}${value.toFixed(RATE_DECIMALS)}%`;
}

export function formatCount(value: number | bigint | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  return (typeof value === 'bigint' ? value : Math.round(value)).toLocaleString('en-US');
}

/** "0.512 ± 0.041" (mean ± half-width), or the mean alone when there is no interval. */
export function formatMeanCi(interval: Interval, decimals = METRIC_DECIMALS): string {
  if (isMissing(interval.mean)) return MISSING;
  if (isMissing(interval.halfWidth)) return formatMetric(interval.mean, decimals);
  return `${interval.mean.toFixed(decimals)} ± ${interval.halfWidth.toFixed(decimals)}`;
}

/** "[0.471, 0.553]", or a dash when there is no interval. */
export function formatCiBounds(interval: Interval, decimals = METRIC_DECIMALS): string {
  if (isMissing(interval.low) || isMissing(interval.high)) return MISSING;
  return `[${interval.low.toFixed(decimals)}, ${interval.high.toFixed(decimals)}]`;
}

/** A timestamp as "2026-11-21 10:15 UTC". */
export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, ISO_MINUTES_LENGTH).replace('T', ' ')} UTC`;
}

/** A duration as a person reads it: "850 ms", "1.06 s", "2 min 5 s", "3 h 10 min" (formatHumanDuration). */
export function formatDuration(ms: number | null | undefined): string {
  return isMissing(ms) ? MISSING : formatHumanDuration(ms);
}
