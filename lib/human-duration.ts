/**
 * Owns how a duration reads to a person, in reports and messages: `850 ms`, `1.06 s`,
 * `2 min 5 s`, `3 h 10 min`, `2 d 4 h`: the two largest units, never a run of unit letters
 * like `1s64ms`. (Duration *input* syntax stays with the modules that parse it.)
 */

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const MINUTES_PER_HOUR = 60;
const HOURS_PER_DAY = 24;
const MS_PER_MINUTE = MS_PER_SECOND * SECONDS_PER_MINUTE;
const MS_PER_HOUR = MS_PER_MINUTE * MINUTES_PER_HOUR;
const MS_PER_DAY = MS_PER_HOUR * HOURS_PER_DAY;
/** Significant digits of a duration under a minute, in seconds (1.06 s, 12.3 s). */
const SECOND_DIGITS = 3;

/** A larger unit and, where not zero, the next one down: "2 min 5 s", "3 h". */
function twoUnits(whole: number, size: number, big: string, small: string): string {
  const high = Math.floor(whole / size);
  const low = whole % size;
  return low === 0 ? `${high} ${big}` : `${high} ${big} ${low} ${small}`;
}

/** Milliseconds as a person reads them; NaN or infinite values print as they are. */
export function formatHumanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatHumanDuration(-ms)}`;
  if (ms < MS_PER_SECOND) return `${Math.round(ms)} ms`;
  const seconds = Number((ms / MS_PER_SECOND).toPrecision(SECOND_DIGITS));
  if (seconds < SECONDS_PER_MINUTE) return `${seconds} s`;
  if (ms < MS_PER_HOUR - MS_PER_SECOND / 2) return twoUnits(Math.round(ms / MS_PER_SECOND), SECONDS_PER_MINUTE, 'min', 's');
  if (ms < MS_PER_DAY - MS_PER_MINUTE / 2) return twoUnits(Math.round(ms / MS_PER_MINUTE), MINUTES_PER_HOUR, 'h', 'min');
  return twoUnits(Math.round(ms / MS_PER_HOUR), HOURS_PER_DAY, 'd', 'h');
}
