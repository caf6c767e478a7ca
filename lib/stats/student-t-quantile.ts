/**
 * Owns the Student t quantile used for confidence intervals and critical values.
 *
 * @stdlib/stats-base-dists-t-quantile is only accurate to about 1e-10 relative (e.g.
 * 2.34506673655 vs SciPy's 2.34506673615 at p = 0.975, df = 7.3), so its answer is the start
 * of Newton steps on the accurate tails in student-t-tails.ts (upper tail for p > 1/2, so that
 * 1 - p is never the small quantity solved for). Two or three steps reach full double precision.
 */

import gammaln from '@stdlib/math-base-special-gammaln';
import log1p from '@stdlib/math-base-special-log1p';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

import { studentTCdf, studentTSf } from './student-t-tails';

const MAX_NEWTON_STEPS = 8;
const RELATIVE_STEP_TOLERANCE = 1e-15;
const HALF = 0.5;

function studentTPdf(t: number, df: number): number {
  const logDensity =
    gammaln((df + 1) / 2) - gammaln(df / 2) - HALF * Math.log(df * Math.PI) - ((df + 1) / 2) * log1p((t * t) / df);
  return Math.exp(logDensity);
}

/** The t value with P(T <= t) = p under Student's t with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p === HALF) return 0;
  let t = tQuantile(p, df);
  if (!Number.isFinite(t)) return t;
  const upper = p > HALF;
  const target = upper ? 1 - p : p;
  for (let step = 0; step < MAX_NEWTON_STEPS; step += 1) {
    const density = studentTPdf(t, df);
    if (!(density > 0)) break;
    const error = upper ? target - studentTSf(t, df) : studentTCdf(t, df) - target;
    const next = t - error / density;
    const converged = Math.abs(next - t) <= RELATIVE_STEP_TOLERANCE * Math.abs(next);
    t = next;
    if (converged) break;
  }
  return t;
}
