/**
 * Owns the rollout's notion of "now". Every library entry point takes a `clock` (or a fixed
 * `now`) so that tests and replays can put a look at an exact time; the default is the wall
 * clock. The commands take `--now ISO`, or BENCHLAB_NOW, the same way: `--now` beats the
 * variable, which beats the wall clock. Times must name their zone (Z or an offset).
 */
import { InputError } from '../input-error';

export type Clock = () => Date;

export const NOW_ENV_VAR = 'BENCHLAB_NOW';

/** ISO 8601 date-time with an explicit zone (Z or an offset): local times are ambiguous. */
export const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export const systemClock: Clock = () => new Date();

/** A clock that always answers `at`. */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return () => new Date(ms);
}

/** Parses an ISO time with a zone; `what` names it in the error (`--now`, BENCHLAB_NOW). */
export function parseNow(text: string, what: string): Date {
  const trimmed = text.trim();
  const date = new Date(trimmed);
  if (!ISO_WITH_ZONE.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new InputError(`${what}: '${text}' is not an ISO 8601 time with a zone (e.g. 2026-03-02T08:05:00Z)`);
  }
  return date;
}

/** The commands' clock: `--now`, else BENCHLAB_NOW, else the wall clock. */
export function commandClock(now: string | undefined, env: NodeJS.ProcessEnv = process.env): Clock {
  if (now !== undefined) return fixedClock(parseNow(now, '--now'));
  const fromEnv = env[NOW_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== '') return fixedClock(parseNow(fromEnv, NOW_ENV_VAR));
  return systemClock;
}

/** The time of one unit of work: a fixed `now` when given, else the clock's (default: the wall clock). */
export function nowOf(options: { now?: Date | undefined; clock?: Clock | undefined }): Date {
  return options.now ?? (options.clock ?? systemClock)();
}
