/**
 * Owns the confidence interval of a noncentrality parameter by inverting the noncentral t
 * distribution (Steiger & Fouladi 1997): the lower bound is the ncp under which the observed t
 * is at the (1 + level)/2 quantile, the upper bound the ncp under which it is at the
 * (1 - level)/2 quantile. P(T <= t; ncp) decreases in ncp, so each bound is found by bracketing
 * and bisection to full double precision. Used for the Cohen's d and dz intervals.
 */

import { noncentralTCdf } from './noncentral-t-cdf';
import type { Interval } from './test-result';

const MAX_BISECTIONS = 200;
const RELATIVE_WIDTH = 1e-15;
const INITIAL_STEP = 1;
const GROWTH = 2;
const MAX_BRACKET_STEPS = 64;

function solveNcp(t: number, df: number, target: number): number {
  const f = (ncp: number): number => noncentralTCdf(t, df, ncp) - target;
  let low = t - INITIAL_STEP;
  let high = t + INITIAL_STEP;
  let step = INITIAL_STEP;
  for (let i = 0; i < MAX_BRACKET_STEPS && f(low) < 0; i += 1) {
    step *= GROWTH;
    low = t - step;
  }
  step = INITIAL_STEP;
  for (let i = 0; i < MAX_BRACKET_STEPS && f(high) > 0; i += 1) {
    step *= GROWTH;
    high = t + step;
  }
  for (let i = 0; i < MAX_BISECTIONS; i += 1) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high || high - low <= RELATIVE_WIDTH * Math.abs(middle)) break;
    if (f(middle) > 0) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Two-sided `confidenceLevel` interval of the ncp of a noncentral t with observed value t. */
export function noncentralTInterval(t: number, df: number, confidenceLevel: number): Interval {
  return [solveNcp(t, df, (1 + confidenceLevel) / 2), solveNcp(t, df, (1 - confidenceLevel) / 2)];
}
