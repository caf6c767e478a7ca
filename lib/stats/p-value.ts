/**
 * Owns the conversion of a t or z statistic into a p-value for each alternative, with SciPy's
 * conventions: 'greater' is the upper tail, 'less' the lower tail, and 'two-sided' twice the
 * smaller tail (capped at 1). Small tails come straight from the incomplete beta function
 * (t) or erfc (normal, via @stdlib/stats-base-dists-normal-cdf), never as 1 - cdf.
 */

import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

import { studentTCdf, studentTSf, studentTUpperTail } from './student-t-tails';
import type { Alternative } from './test-result';

/** p-value of a Student t statistic with `df` degrees of freedom. */
export function tPValue(t: number, df: number, alternative: Alternative): number {
  if (alternative === 'greater') return studentTSf(t, df);
  if (alternative === 'less') return studentTCdf(t, df);
  return Math.min(1, 2 * studentTUpperTail(Math.abs(t), df));
}

/** P(Z > z) for a standard normal Z, accurate in the far tail. */
export function normalSf(z: number): number {
  return normalCdf(-z, 0, 1);
}

/** p-value of a standard normal statistic. */
export function zPValue(z: number, alternative: Alternative): number {
  if (alternative === 'greater') return normalSf(z);
  if (alternative === 'less') return normalCdf(z, 0, 1);
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}
