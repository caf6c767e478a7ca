/**
 * Owns the chi-square survival function, P(X > x) = Q(df/2, x/2), computed with the upper
 * regularized incomplete gamma function (@stdlib/math-base-special-gammainc with upper = true),
 * so tails far below 1e-16 keep their relative accuracy (SciPy's chi2.sf computes the same Q).
 */

import gammainc from '@stdlib/math-base-special-gammainc';

/** P(X > x) for X ~ chi-square with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
