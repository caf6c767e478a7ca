/**
 * Owns the rounding applied before ranking and zero detection in the rank tests.
 *
 * Decimal data are not exact as doubles: 0.71 - 0.69 = 0.020000000000000018 while
 * 0.57 - 0.55 = 0.019999999999999907, so two differences a person sees as tied would get
 * different ranks, and (0.1 + 0.2) - 0.3 is not zero. Rounding inputs (and differences) to
 * TIE_SIGNIFICANT_DIGITS significant digits restores those ties. The SciPy fixture generator
 * applies the same rounding ('%.12g'), so both sides see the same ties. Written by hand: it is
 * one call to Number.prototype.toPrecision, which rounds the exact binary value (JavaScript
 * breaks an exact decimal half upward, Python to even; that differs only for values with 13 or
 * more significant digits ending in an exact 5, such as large integers).
 */

/** Significant digits kept before ranking and before testing a difference for zero. */
export const TIE_SIGNIFICANT_DIGITS = 12;

/**
 * Rounds `value` to `digits` significant digits (default TIE_SIGNIFICANT_DIGITS).
 * Non-finite values and zero are returned unchanged.
 *
 * @example roundSignificant(0.71 - 0.69) === roundSignificant(0.57 - 0.55) // true
 */
export function roundSignificant(value: number, digits: number = TIE_SIGNIFICANT_DIGITS): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
