/**
 * Owns running (streaming) mean and variance for the sequential monitor: each batch's mean and
 * sum of squared deviations come from descriptive.ts (simple-statistics), and are folded into
 * the moments so far with Chan et al.'s merge, so a monitor can take new observations without
 * keeping the old ones. One batch gives exactly sampleMoments' figures. Immutable: adding
 * returns a new value.
 */

import { mean as meanOf, sumSquaredDeviations } from './descriptive';

/** Count, mean and sum of squared deviations (M2) of the values seen so far. */
export interface RunningMoments {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

/** Moments of no values. */
export const EMPTY_MOMENTS: RunningMoments = { n: 0, mean: 0, m2: 0 };

/** Moments after adding `values`. */
export function addToMoments(moments: RunningMoments, values: readonly number[]): RunningMoments {
  if (values.length === 0) return moments;
  const added = values.length;
  const n = moments.n + added;
  const delta = meanOf(values) - moments.mean;
  return {
    n,
    mean: moments.mean + delta * (added / n),
    m2: moments.m2 + sumSquaredDeviations(values) + delta * delta * ((moments.n * added) / n),
  };
}

/** Unbiased variance of the values seen (NaN below 2 values). */
export function momentsVariance(moments: RunningMoments): number {
  return moments.n < 2 ? Number.NaN : moments.m2 / (moments.n - 1);
}
