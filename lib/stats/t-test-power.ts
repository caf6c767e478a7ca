/**
 * Owns the exact power of one- and two-sample t-tests from the noncentral t distribution,
 * with statsmodels' formulas (TTestPower for paired designs, TTestIndPower for independent
 * ones):
 *   paired:   df = n - 1,            ncp = d sqrt(n)
 *   unpaired: df = n1 + n2 - 2,      ncp = d sqrt(n1 n2 / (n1 + n2)),  n2 = ratio x n1
 *   power = P(T > t_{1 - a'}) + P(T < t_{a'})  with a' = alpha / 2 two-sided, alpha one-sided,
 * keeping only the upper term for 'greater' and the lower for 'less'. d is the standardized
 * effect (Cohen's dz for paired, d for unpaired). The noncentral t CDF is AS 243
 * (noncentral-t-cdf.ts).
 */

import { noncentralTCdf, noncentralTSf } from './noncentral-t-cdf';
import { assertProbability } from './options';
import { studentTQuantile } from './student-t-quantile';
import type { Alternative } from './test-result';

/** Paired (one-sample t on differences) or unpaired (two independent samples). */
export type PowerDesign = 'paired' | 'unpaired';

/** The design of a planned t-test. */
export interface TTestDesign {
  readonly design: PowerDesign;
  /** Significance level; default 0.05. */
  readonly alpha?: number;
  readonly alternative?: Alternative;
  /** Unpaired only: size of the second group over the first (statsmodels' ratio); default 1. */
  readonly ratio?: number;
}

/** Significance level used when none is given. */
export const DEFAULT_ALPHA = 0.05;
/** Target power used when none is given. */
export const DEFAULT_POWER = 0.8;

/** Degrees of freedom and the ncp per unit effect for `n` (pairs, or first-group size). */
export function designParameters(n: number, design: TTestDesign): { df: number; ncpPerEffect: number } {
  if (design.design === 'paired') return { df: n - 1, ncpPerEffect: Math.sqrt(n) };
  const ratio = design.ratio ?? 1;
  if (!(ratio > 0)) throw new RangeError(`ratio must be positive, got ${ratio}`);
  const n2 = ratio * n;
  return { df: n + n2 - 2, ncpPerEffect: Math.sqrt((n * n2) / (n + n2)) };
}

/** Power of the t-test to detect standardized effect `effectSize` with `n` pairs (paired) or first-group units (unpaired). */
export function tTestPower(effectSize: number, n: number, design: TTestDesign): number {
  const alpha = design.alpha ?? DEFAULT_ALPHA;
  assertProbability('alpha', alpha);
  const alternative = design.alternative ?? 'two-sided';
  const { df, ncpPerEffect } = designParameters(n, design);
  if (!(df > 0)) throw new RangeError(`n = ${n} leaves no degrees of freedom`);
  if (!Number.isFinite(effectSize)) throw new RangeError(`effectSize must be finite, got ${effectSize}`);
  const ncp = effectSize * ncpPerEffect;
  const tailAlpha = alternative === 'two-sided' ? alpha / 2 : alpha;
  let power = 0;
  if (alternative !== 'less') power += noncentralTSf(studentTQuantile(1 - tailAlpha, df), df, ncp);
  if (alternative !== 'greater') power += noncentralTCdf(studentTQuantile(tailAlpha, df), df, ncp);
  return power;
}
