/**
 * Owns the option checks and defaults shared by the tests: the confidence level, the
 * alternative, and the labels and metric name used in sentences. Invalid options are
 * programming errors and throw a RangeError at the boundary (data problems never throw; they
 * give degenerate results).
 */

import type { Alternative } from './test-result';

/** The confidence level used when none is given. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.95;

/** Labels used in sentences when none are given. */
export const DEFAULT_LABELS: readonly [string, string] = ['A', 'B'];

/** Options every two-sample test accepts. */
export interface CommonTestOptions {
  readonly alternative?: Alternative;
  /** Confidence level of the interval, in (0, 1); default 0.95. */
  readonly confidenceLevel?: number;
  /** Names of the two samples in the sentence, default ['A', 'B']. */
  readonly labels?: readonly [string, string];
  /** Name of the metric in the sentence, e.g. 'nDCG@10'. */
  readonly metric?: string;
}

/** The options with defaults filled in and checked. */
export interface ResolvedOptions {
  readonly alternative: Alternative;
  readonly confidenceLevel: number;
  readonly labels: readonly [string, string];
  readonly metric: string;
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

/** Checks a level or probability strictly inside (0, 1). */
export function assertProbability(name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be strictly between 0 and 1, got ${value}`);
}

/** Fills defaults and validates. */
export function resolveOptions(options: CommonTestOptions = {}): ResolvedOptions {
  const alternative = options.alternative ?? 'two-sided';
  if (!ALTERNATIVES.includes(alternative)) throw new RangeError(`unknown alternative '${String(alternative)}'`);
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  assertProbability('confidenceLevel', confidenceLevel);
  return {
    alternative,
    confidenceLevel,
    labels: options.labels ?? DEFAULT_LABELS,
    metric: options.metric === undefined || options.metric === '' ? '' : ` ${options.metric}`,
  };
}
