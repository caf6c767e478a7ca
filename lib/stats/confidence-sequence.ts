/**
 * Owns the sequential monitor for experiments that are looked at repeatedly: the asymptotic
 * confidence sequence (CS) of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform
 * central limit theory and asymptotic confidence sequences" (arXiv:2103.06476, 2021; Annals of
 * Statistics 2024), as GrowthBook implements it for a difference in means. With N units so far
 * (n_x + n_y unpaired, pairs when paired), estimate m (difference in means), its standard error
 * se and sigma^2 = N se^2,
 *   CS_N = m ± sigma sqrt( 2 (N rho^2 + 1) / (N^2 rho^2) * log( sqrt(N rho^2 + 1) / alpha ) )
 * (the normal-mixture boundary of the paper's Theorem 2.2), with the tuning parameter chosen so
 * the CS is narrowest at the planned sample size N*:
 *   rho = sqrt( (-2 log alpha + log(-2 log alpha + 1)) / N* ).
 * The always-valid p-value is the smallest alpha whose CS excludes 0,
 *   p_N = min(1, sqrt(N rho^2 + 1) exp(-(rho^2 N^2 m^2 / sigma^2) / (2 (N rho^2 + 1)))),
 * the inverse of the normal-mixture e-value (GrowthBook's sequential p-value, from the paper's
 * appendix, eq. 155 of v7). Looking after every
 * update keeps the type-I error at alpha (asymptotically), unlike a fixed-horizon t-test.
 */

import { degenerateResult } from './degenerate-result';
import { formatDirection, formatInterval, formatNumber, formatPValue } from './format-sentence';
import { assertProbability, DEFAULT_LABELS } from './options';
import { addToMoments, EMPTY_MOMENTS, momentsVariance, type RunningMoments } from './running-moments';
import type { DegenerateResult, SampleCounts, TestResult } from './test-result';

const TEST = 'Asymptotic confidence sequence';
const DEFAULT_CS_ALPHA = 0.05;
const MIN_PER_ARM = 2;

/** Settings of a sequential monitor. */
export interface ConfidenceSequenceOptions {
  readonly design: 'paired' | 'unpaired';
  /** The sample size N* (units, or pairs) at which the sequence should be narrowest. */
  readonly plannedSampleSize: number;
  /** Error rate over all looks; default 0.05. */
  readonly alpha?: number;
  readonly labels?: readonly [string, string];
  readonly metric?: string;
}

/** The monitor's state: running moments of each arm (or of the paired differences). */
export interface ConfidenceSequenceState {
  readonly options: ConfidenceSequenceOptions;
  readonly rho: number;
  readonly x: RunningMoments;
  readonly y: RunningMoments;
  readonly differences: RunningMoments;
  /** Set once an update brought unusable data; results are degenerate from then on. */
  readonly problem?: string;
}

/** The result of one look: the CS as `interval`, the always-valid p-value, and whether 0 is excluded. */
export type ConfidenceSequenceResult = (TestResult & { readonly excludesZero: boolean; readonly rho: number }) | DegenerateResult;

/** The tuning parameter rho that makes the CS narrowest at `plannedSampleSize` units. */
export function confidenceSequenceRho(alpha: number, plannedSampleSize: number): number {
  const logTerm = -2 * Math.log(alpha);
  return Math.sqrt((logTerm + Math.log(logTerm + 1)) / plannedSampleSize);
}

/** A monitor with no data yet. */
export function startConfidenceSequence(options: ConfidenceSequenceOptions): ConfidenceSequenceState {
  const alpha = options.alpha ?? DEFAULT_CS_ALPHA;
  assertProbability('alpha', alpha);
  if (!(options.plannedSampleSize > 0) || !Number.isFinite(options.plannedSampleSize)) {
    throw new RangeError(`plannedSampleSize must be positive, got ${options.plannedSampleSize}`);
  }
  return {
    options,
    rho: confidenceSequenceRho(alpha, options.plannedSampleSize),
    x: EMPTY_MOMENTS,
    y: EMPTY_MOMENTS,
    differences: EMPTY_MOMENTS,
  };
}

/** The monitor after new observations of x and y (paired designs take them as aligned pairs). */
export function updateConfidenceSequence(
  state: ConfidenceSequenceState,
  batch: { readonly x?: readonly number[]; readonly y?: readonly number[] },
): ConfidenceSequenceState {
  if (state.problem !== undefined) return state;
  const x = batch.x ?? [];
  const y = batch.y ?? [];
  const bad = [...x, ...y].find((v) => !Number.isFinite(v));
  if (bad !== undefined) return { ...state, problem: `an update contained ${bad}` };
  if (state.options.design === 'paired') {
    if (x.length !== y.length) return { ...state, problem: `a paired update had ${x.length} x values but ${y.length} y values` };
    return {
      ...state,
      x: addToMoments(state.x, x),
      y: addToMoments(state.y, y),
      differences: addToMoments(state.differences, x.map((v, i) => v - (y[i] as number))),
    };
  }
  return { ...state, x: addToMoments(state.x, x), y: addToMoments(state.y, y) };
}

/** The CS and always-valid p-value at the current look. */
export function confidenceSequenceResult(state: ConfidenceSequenceState): ConfidenceSequenceResult {
  const alpha = state.options.alpha ?? DEFAULT_CS_ALPHA;
  const paired = state.options.design === 'paired';
  const n: SampleCounts = paired ? { pairs: state.differences.n } : { x: state.x.n, y: state.y.n };
  if (state.problem !== undefined) return degenerateResult(TEST, n, state.problem);
  let estimate: number;
  let variance: number;
  let units: number;
  if (paired) {
    if (state.differences.n < MIN_PER_ARM) return degenerateResult(TEST, n, `needs at least ${MIN_PER_ARM} pairs`);
    units = state.differences.n;
    estimate = state.differences.mean;
    variance = momentsVariance(state.differences);
  } else {
    if (state.x.n < MIN_PER_ARM || state.y.n < MIN_PER_ARM) return degenerateResult(TEST, n, `each arm needs at least ${MIN_PER_ARM} values`);
    units = state.x.n + state.y.n;
    estimate = state.x.mean - state.y.mean;
    const standardErrorSquared = momentsVariance(state.x) / state.x.n + momentsVariance(state.y) / state.y.n;
    variance = standardErrorSquared * units;
  }
  if (!(variance > 0)) return degenerateResult(TEST, n, 'the observations have zero variance');
  const rho2 = state.rho ** 2;
  const growth = units * rho2 + 1;
  const halfWidth = Math.sqrt(variance) * Math.sqrt(((2 * growth) / (units * units * rho2)) * Math.log(Math.sqrt(growth) / alpha));
  const interval: [number, number] = [estimate - halfWidth, estimate + halfWidth];
  const logP = 0.5 * Math.log(growth) - (rho2 * units * units * estimate * estimate) / (variance * 2 * growth);
  const pValue = Math.min(1, Math.exp(logP));
  const excludesZero = interval[0] > 0 || interval[1] < 0;
  const [labelX, labelY] = state.options.labels ?? DEFAULT_LABELS;
  const metric = state.options.metric ? ` ${state.options.metric}` : '';
  const sentence =
    `${labelX}'s mean${metric} is ${formatDirection(estimate)} ${labelY}'s ` +
    `(${formatInterval(interval, 1 - alpha)} valid at every look, after ${formatNumber(units)} ${paired ? 'pairs' : 'units'}); ` +
    `always-valid ${formatPValue(pValue)}; ${excludesZero ? 'the sequence excludes 0, so the difference is significant' : 'the sequence still includes 0'}.`;
  return {
    test: TEST,
    statistic: estimate / Math.sqrt(variance / units),
    pValue,
    estimate,
    interval,
    confidenceLevel: 1 - alpha,
    alternative: 'two-sided',
    n,
    method: paired ? 'paired' : 'unpaired',
    sentence,
    excludesZero,
    rho: state.rho,
  };
}
