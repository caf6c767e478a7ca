/**
 * Owns confidence intervals of the form estimate ± quantile × standard error, for t and normal
 * reference distributions, with SciPy's one-sided convention: 'greater' gives
 * [estimate - q(level) se, Infinity] and 'less' gives [-Infinity, estimate + q(level) se].
 */

import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import { studentTQuantile } from './student-t-quantile';
import type { Alternative, Interval } from './test-result';

function intervalFromQuantile(
  estimate: number,
  standardError: number,
  confidenceLevel: number,
  alternative: Alternative,
  quantile: (p: number) => number,
): Interval {
  if (alternative === 'two-sided') {
    const half = quantile((1 + confidenceLevel) / 2) * standardError;
    return [estimate - half, estimate + half];
  }
  const half = quantile(confidenceLevel) * standardError;
  return alternative === 'greater' ? [estimate - half, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, estimate + half];
}

/** Interval from Student's t with `df` degrees of freedom. */
export function tInterval(
  estimate: number,
  standardError: number,
  df: number,
  confidenceLevel: number,
  alternative: Alternative,
): Interval {
  return intervalFromQuantile(estimate, standardError, confidenceLevel, alternative, (p) => studentTQuantile(p, df));
}

/** Interval from the standard normal distribution. */
export function normalInterval(
  estimate: number,
  standardError: number,
  confidenceLevel: number,
  alternative: Alternative,
): Interval {
  return intervalFromQuantile(estimate, standardError, confidenceLevel, alternative, (p) => normalQuantile(p, 0, 1));
}
