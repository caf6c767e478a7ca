/**
 * Owns Student t tail probabilities, computed from the regularized incomplete beta function
 * (@stdlib/math-base-special-betainc, a port of Boost's ibeta) and never as 1 - cdf for the small
 * tail, so p-values as small as 1e-300 keep their relative accuracy:
 *   P(T > a) = I_{df/(df+a^2)}(df/2, 1/2) / 2 = I^c_{a^2/(df+a^2)}(1/2, df/2) / 2   (a >= 0).
 * The second (upper-regularized) form is used when a^2 < df so that 1 - x is never formed.
 * This mirrors what SciPy does through cdflib's cumt.
 */

import betainc from '@stdlib/math-base-special-betainc';

const HALF = 0.5;

/** P(T > a) for a >= 0 under Student's t with `df` degrees of freedom. */
export function studentTUpperTail(a: number, df: number): number {
  if (a === 0) return HALF;
  if (a === Number.POSITIVE_INFINITY) return 0;
  const a2 = a * a;
  if (a2 < df) return HALF * betainc(a2 / (df + a2), HALF, df / 2, true, true);
  return HALF * betainc(df / (df + a2), df / 2, HALF, true, false);
}

/** P(T <= t), the cumulative distribution function of Student's t. */
export function studentTCdf(t: number, df: number): number {
  return t < 0 ? studentTUpperTail(-t, df) : 1 - studentTUpperTail(t, df);
}

/** P(T > t), the survival function of Student's t. */
export function studentTSf(t: number, df: number): number {
  return t >= 0 ? studentTUpperTail(t, df) : 1 - studentTUpperTail(-t, df);
}
