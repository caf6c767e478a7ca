/**
 * Energy from power samples: trapezoidal integration of watts over time, reported in watt-hours
 * (Wh; 1 Wh = 3,600 J). A segment between two samples counts only when both powers are known
 * and the gap is short enough to trust the straight line between them: at most
 * MAX_GAP_RESOLUTIONS sample resolutions, and never less than MIN_MAX_GAP_S. A longer gap (the
 * tool was down, the GPU missing) is left out rather than guessed.
 */

export const SECONDS_PER_HOUR = 3600;
export const MAX_GAP_RESOLUTIONS = 3;
export const MIN_MAX_GAP_S = 10;

/** The longest gap integrated across, for samples of the given resolutions (seconds). */
export function maxGapSeconds(resolutionS: number): number {
  return Math.max(MIN_MAX_GAP_S, MAX_GAP_RESOLUTIONS * resolutionS);
}

/** Wh of the segment between two samples; 0 when it is not to be integrated. */
export function segmentWh(powerA: number | null, powerB: number | null, seconds: number, resolutionS: number): number {
  if (powerA === null || powerB === null || !(seconds > 0) || seconds > maxGapSeconds(resolutionS)) return 0;
  return ((powerA + powerB) / 2) * (seconds / SECONDS_PER_HOUR);
}

/** Wh over a series of (time ms, watts) points of ONE GPU, in time order. */
export function trapezoidWh(points: readonly { atMs: number; powerW: number | null }[], resolutionS: number): number {
  let wh = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { atMs: number; powerW: number | null };
    const b = points[i] as { atMs: number; powerW: number | null };
    wh += segmentWh(a.powerW, b.powerW, (b.atMs - a.atMs) / 1000, resolutionS);
  }
  return wh;
}
