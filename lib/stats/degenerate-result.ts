/**
 * Owns the construction of degenerate results, so every test words them the same way:
 * "Welch t-test not computed: x has zero variance and so has y."
 */

import type { DegenerateResult, SampleCounts } from './test-result';

/** A degenerate result for `test` with the counts seen and the reason it could not be computed. */
export function degenerateResult(test: string, n: SampleCounts, reason: string): DegenerateResult {
  return { degenerate: true, reason, test, n, sentence: `${test} not computed: ${reason}.` };
}
