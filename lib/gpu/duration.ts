/**
 * Durations as the GPU command takes them: `250ms`, `1s`, `1.5s`, `2m`, `1h`, or a bare number of
 * seconds. Written by hand: the grammar is five units and a number, and a bad value must fail
 * with a message naming the option (the `ms` package returns undefined for bad input and accepts
 * forms like "1 year" that make no sense here).
 */
import { InputError } from '../input-error';

const MS_PER_SECOND = 1000;
const UNIT_MS: Record<string, number> = { ms: 1, s: MS_PER_SECOND, m: 60 * MS_PER_SECOND, h: 3600 * MS_PER_SECOND };
/** Decimals kept when a duration is printed in seconds. */
const SECOND_DECIMALS = 3;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/** Milliseconds for `raw`; InputError (naming `option`) when it is not a duration. */
export function parseDuration(raw: string, option: string): number {
  const match = DURATION.exec(raw.trim());
  const unit = UNIT_MS[match?.[2] ?? 's'];
  if (!match || unit === undefined) throw new InputError(`${option} must be a duration such as 500ms, 1s, 2m or 1h, got '${raw}'`);
  const ms = Number(match[1]) * unit;
  if (!(ms > 0)) throw new InputError(`${option} must be more than 0, got '${raw}'`);
  return ms;
}

/** `1500` -> `1.5s`, `250` -> `250ms`, for messages. */
export function formatDuration(ms: number): string {
  return ms < MS_PER_SECOND ? `${ms}ms` : `${Number((ms / MS_PER_SECOND).toFixed(SECOND_DECIMALS))}s`;
}
