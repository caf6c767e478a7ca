/**
 * Owns the tails of Binomial(n, 1/2), the null distribution of the exact McNemar test:
 * P(X <= k) = I_{1/2}(n - k, k + 1), the regularized incomplete beta function
 * (@stdlib/math-base-special-betainc), accurate to full relative precision in the far tail.
 */

import betainc from '@stdlib/math-base-special-betainc';

const HALF = 0.5;

/** P(X <= k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return betainc(HALF, n - k, k + 1, true, false);
}
