/**
 * Owns sample-size planning for t-tests: the smallest n (pairs for paired designs, first-group
 * units for unpaired) whose exact power (t-test-power.ts) reaches the target, as statsmodels'
 * TTestPower / TTestIndPower solve_power(nobs=None) computes it (fractional), and that n rounded
 * up, which is what a plan needs.
 */

import { assertProbability } from './options';
import { solveIncreasing } from './solve-monotone';
import { DEFAULT_POWER, type TTestDesign, tTestPower } from './t-test-power';

/** Fewest degrees of freedom searched; below it the t quantile is astronomically large. */
const MIN_DF = 0.01;

/** Planned sample size: `exact` is the fractional solution, `n` its ceiling. */
export interface SampleSizePlan {
  readonly n: number;
  readonly exact: number;
  /** Power at the rounded-up n. */
  readonly power: number;
}

/** Smallest fractional n at which a standardized effect `effectSize` is detected with `power`. */
export function tTestSampleSize(effectSize: number, design: TTestDesign & { readonly power?: number }): SampleSizePlan {
  const power = design.power ?? DEFAULT_POWER;
  assertProbability('power', power);
  if (!Number.isFinite(effectSize) || effectSize === 0) throw new RangeError(`effectSize must be finite and non-zero, got ${effectSize}`);
  const alternative = design.alternative ?? 'two-sided';
  if ((alternative === 'greater' && effectSize < 0) || (alternative === 'less' && effectSize > 0)) {
    throw new RangeError(`an effect of ${effectSize} points away from the '${alternative}' alternative`);
  }
  const ratio = design.design === 'unpaired' ? (design.ratio ?? 1) : 1;
  // Smallest n searched: MIN_DF degrees of freedom (paired n - 1, unpaired n (1 + ratio) - 2).
  const minimum = design.design === 'paired' ? 1 + MIN_DF : (2 + MIN_DF) / (1 + ratio);
  const exact = solveIncreasing((n) => tTestPower(effectSize, n, design), power, minimum, minimum + 1);
  if (exact === undefined) throw new RangeError('the target power cannot be reached');
  const n = Math.ceil(exact);
  return { n, exact, power: tTestPower(effectSize, n, design) };
}
