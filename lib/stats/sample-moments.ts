/**
 * Owns the sample mean and unbiased variance used by the t-based tests and effect sizes:
 * two passes (mean, then squared deviations), each with compensated summation, as
 * numpy.var(ddof=1) does with pairwise summation.
 */

import { compensatedSum } from './compensated-sum';

/** Size, mean and unbiased (n - 1) variance of one sample. */
export interface SampleMoments {
  readonly n: number;
  readonly mean: number;
  /** Unbiased variance; NaN when n < 2 (callers check n first). */
  readonly variance: number;
}

/** Mean and unbiased variance of `values`. */
export function sampleMoments(values: readonly number[]): SampleMoments {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : compensatedSum(values) / n;
  const variance = n < 2 ? Number.NaN : compensatedSum(values.map((v) => (v - mean) ** 2)) / (n - 1);
  return { n, mean, variance };
}
