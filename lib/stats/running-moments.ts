/**
 * Owns running (streaming) mean and variance for the sequential monitor: Welford's update,
 * folded in batch by batch with Chan et al.'s merge, so a monitor can take new observations
 * without keeping the old ones. Immutable: adding returns a new value.
 */

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
  let { n, mean, m2 } = moments;
  for (const value of values) {
    n += 1;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  return { n, mean, m2 };
}

/** Unbiased variance of the values seen (NaN below 2 values). */
export function momentsVariance(moments: RunningMoments): number {
  return moments.n < 2 ? Number.NaN : moments.m2 / (moments.n - 1);
}
