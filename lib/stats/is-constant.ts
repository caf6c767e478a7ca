/**
 * Owns the zero-variance check of the t-based methods. Decimal data that are equal on paper
 * are not always equal as doubles (0.7 - 0.6 and 0.8 - 0.7 differ in the 16th digit), which
 * would give a variance of 1e-33 and a t statistic of 1e15 instead of "no variance". Values that
 * agree to TIE_SIGNIFICANT_DIGITS significant digits therefore count as constant.
 */

import { roundSignificant } from './round-significant';

/** True when every value rounds to the same 12-significant-digit number (or there are none). */
export function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  if (first === undefined) return true;
  const reference = roundSignificant(first);
  return values.every((v) => roundSignificant(v) === reference);
}
