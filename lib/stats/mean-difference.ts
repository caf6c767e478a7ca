/**
 * Owns the mean difference mean(x) - mean(y) as an effect size with its t interval: Welch's
 * interval for independent samples (the default) or the paired-t interval when `paired`.
 * It is the estimate and interval of welchTTest / pairedTTest without the test.
 */

import { type CommonTestOptions } from './options';
import { pairedTTest } from './paired-t-test';
import type { EstimateOutcome } from './test-result';
import { welchTTest } from './welch-t-test';

/** Options of meanDifference. */
export interface MeanDifferenceOptions extends Omit<CommonTestOptions, 'alternative'> {
  readonly paired?: boolean;
}

/** mean(x) - mean(y) with a Welch (unpaired) or paired t confidence interval. */
export function meanDifference(x: readonly number[], y: readonly number[], options: MeanDifferenceOptions = {}): EstimateOutcome {
  const paired = options.paired === true;
  const result = paired ? pairedTTest(x, y, options) : welchTTest(x, y, options);
  const test = 'Mean difference';
  if (result.degenerate) return { ...result, test, sentence: result.sentence.replace(result.test, test) };
  const { estimate, interval, confidenceLevel } = result;
  if (estimate === undefined || interval === undefined || confidenceLevel === undefined) {
    throw new Error('t-test result lacks its interval');
  }
  return {
    test,
    estimate,
    interval,
    confidenceLevel,
    method: paired ? 'paired t interval' : 'Welch t interval',
    n: result.n,
    sentence: result.sentence.replace(/; (paired|Welch) t = .*$/, '.'),
  };
}
