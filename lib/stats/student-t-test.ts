/**
 * Owns Student's pooled-variance t-test (scipy.stats.ttest_ind(x, y, equal_var=True)).
 */

import { unpairedTTest, type UnpairedTTestOptions } from './unpaired-t-test';
import type { StatsResult } from './test-result';

/** Student t-test of mean(x) - mean(y) with pooled variance and n_x + n_y - 2 df. */
export function studentTTest(x: readonly number[], y: readonly number[], options: UnpairedTTestOptions = {}): StatsResult {
  return unpairedTTest(x, y, true, options);
}
