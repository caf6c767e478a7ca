/**
 * Owns Welch's unequal-variance t-test (scipy.stats.ttest_ind(x, y, equal_var=False)), the
 * default for comparing two independent samples.
 */

import { unpairedTTest, type UnpairedTTestOptions } from './unpaired-t-test';
import type { StatsResult } from './test-result';

/**
 * Welch t-test of mean(x) - mean(y), with the Welch-Satterthwaite df and the t interval of the
 * mean difference.
 *
 * @example welchTTest(systemB, systemA, { labels: ['System B', 'System A'], metric: 'nDCG@10' })
 */
export function welchTTest(x: readonly number[], y: readonly number[], options: UnpairedTTestOptions = {}): StatsResult {
  return unpairedTTest(x, y, false, options);
}
