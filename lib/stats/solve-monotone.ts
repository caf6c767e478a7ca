/**
 * Owns the root finding behind sample-size and minimum-detectable-effect planning: bisection
 * on an increasing function between a bracket found by doubling, to full double precision.
 * Written by hand: a dozen lines, and bisection cannot fail on a monotone function the way an
 * unbracketed Newton step can.
 */

const MAX_DOUBLINGS = 80;
const MAX_BISECTIONS = 200;

/** The x >= low with f(x) = target for increasing f, or undefined when f never reaches target. */
export function solveIncreasing(f: (x: number) => number, target: number, low: number, start: number): number | undefined {
  let high = Math.max(start, low);
  let doublings = 0;
  while (f(high) < target) {
    if (doublings >= MAX_DOUBLINGS) return undefined;
    high = low + 2 * (high - low) + 1;
    doublings += 1;
  }
  let lo = low;
  let hi = high;
  for (let i = 0; i < MAX_BISECTIONS; i += 1) {
    const middle = (lo + hi) / 2;
    if (middle === lo || middle === hi) break;
    if (f(middle) < target) lo = middle;
    else hi = middle;
  }
  return hi;
}
