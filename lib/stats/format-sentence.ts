/**
 * Owns the number formatting of the plain-language `sentence` every result carries:
 * three significant digits for estimates and statistics, APA-style p-values (two significant
 * digits, "p < 0.001" below 0.001), whole degrees of freedom when they are whole, and the
 * "95% CI a to b" phrase.
 */

import type { Interval } from './test-result';

const SIGNIFICANT_DIGITS = 3;
const P_VALUE_DIGITS = 2;
const P_VALUE_FLOOR = 0.001;
const DF_DECIMALS = 1;
const PERCENT = 100;
const PLAIN_RANGE_LOW = 1e-4;
const PLAIN_RANGE_HIGH = 1e9;

/** A number with `digits` significant digits, without exponent notation in ordinary ranges. */
export function formatNumber(value: number, digits: number = SIGNIFICANT_DIGITS): string {
  if (value === Number.POSITIVE_INFINITY) return 'infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-infinity';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= PLAIN_RANGE_LOW && magnitude < PLAIN_RANGE_HIGH) return String(Number(value.toPrecision(digits)));
  return value.toPrecision(digits);
}

/** "p = 0.011", "p = 0.25", or "p < 0.001". */
export function formatPValue(p: number): string {
  if (p < P_VALUE_FLOOR) return `p < ${P_VALUE_FLOOR}`;
  return `p = ${formatNumber(p, P_VALUE_DIGITS)}`;
}

/** "df = 29" or "df = 27.4". */
export function formatDf(df: number): string {
  return Number.isInteger(df) ? `df = ${df}` : `df = ${df.toFixed(DF_DECIMALS)}`;
}

/** "95%" for 0.95, "99.9%" for 0.999. */
export function formatLevel(confidenceLevel: number): string {
  return `${Number((confidenceLevel * PERCENT).toPrecision(P_VALUE_DIGITS + 2))}%`;
}

/** "95% CI 0.011 to 0.073" (open ends read "infinity"). */
export function formatInterval(interval: Interval, confidenceLevel: number): string {
  return `${formatLevel(confidenceLevel)} CI ${formatNumber(interval[0])} to ${formatNumber(interval[1])}`;
}

/** "0.042 higher" / "0.042 lower" / "the same". */
export function formatDirection(difference: number): string {
  if (difference === 0) return 'the same as';
  return `${formatNumber(Math.abs(difference))} ${difference > 0 ? 'higher' : 'lower'} than`;
}
