/**
 * Owns the minimum detectable effect (MDE) of a planned t-test: the standardized effect
 * (Cohen's dz for paired designs, d for unpaired) whose exact power with the given n equals
 * the target, like statsmodels' solve_power(effect_size=None). Multiply by the standard
 * deviation (of the differences, for paired designs) for the effect in metric units. Positive
 * for 'two-sided' and 'greater', negative for 'less'.
 */

import { assertProbability } from './options';
import { solveIncreasing } from './solve-monotone';
import { DEFAULT_ALPHA, DEFAULT_POWER, type TTestDesign, tTestPower } from './t-test-power';

/** Standardized effect detected with probability `power` by a t-test with `n` pairs or first-group units. */
export function minimumDetectableEffect(n: number, design: TTestDesign & { readonly power?: number }): number {
  const power = design.power ?? DEFAULT_POWER;
  assertProbability('power', power);
  const alpha = design.alpha ?? DEFAULT_ALPHA;
  const alternative = design.alternative ?? 'two-sided';
  if (power <= alpha) throw new RangeError(`power must exceed the power at zero effect, alpha = ${alpha}`);
  const sign = alternative === 'less' ? -1 : 1;
  const effect = solveIncreasing((d) => tTestPower(sign * d, n, design), power, 0, 1);
  if (effect === undefined) throw new RangeError('the target power cannot be reached');
  return sign * effect;
}
