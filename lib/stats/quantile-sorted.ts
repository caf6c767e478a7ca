/**
 * Owns the sample quantile of sorted values with linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy.quantile's default), used by the percentile bootstrap.
 */

/** The p-quantile of ascending `sorted` values (non-empty), p in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}
