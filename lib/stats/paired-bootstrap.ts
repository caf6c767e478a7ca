/**
 * Owns the seeded paired bootstrap of the mean difference: items are resampled with
 * replacement (x[i] and y[i] stay together), the mean of x - y is recomputed for each resample,
 * and the percentile interval takes the (1 - level)/2 and (1 + level)/2 quantiles of those means
 * (linear interpolation, numpy's default). Deterministic for a given seed (Mersenne Twister).
 */

import { pairedInputProblem } from './paired-input-problem';
import { degenerateResult } from './degenerate-result';
import { formatDirection, formatInterval } from './format-sentence';
import { type CommonTestOptions, resolveOptions } from './options';
import { mean, quantileSorted } from './descriptive';
import { DEFAULT_SEED, seededRandom } from './seeded-random';
import type { EstimateOutcome } from './test-result';

const TEST = 'Paired bootstrap of the mean difference';
/** Resamples used when none is given. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 10_000;
const MIN_PAIRS = 2;

/** Options of pairedBootstrap. */
export interface PairedBootstrapOptions extends Omit<CommonTestOptions, 'alternative'> {
  readonly resamples?: number;
  readonly seed?: number;
}

/** Percentile-bootstrap interval of mean(x - y) over paired items. */
export function pairedBootstrap(x: readonly number[], y: readonly number[], options: PairedBootstrapOptions = {}): EstimateOutcome {
  const resolved = resolveOptions({ ...options, alternative: 'two-sided' });
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  const n = { pairs: Math.min(x.length, y.length) };
  const problem = pairedInputProblem(x, y, MIN_PAIRS);
  if (problem !== undefined) return degenerateResult(TEST, n, problem);
  const d = x.map((v, i) => v - (y[i] as number));
  const estimate = mean(d);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let sum = 0;
    for (let i = 0; i < d.length; i += 1) sum += d[random.index(d.length)] as number;
    means[r] = sum / d.length;
  }
  means.sort();
  const tail = (1 - resolved.confidenceLevel) / 2;
  const interval: [number, number] = [quantileSorted(means, tail), quantileSorted(means, 1 - tail)];
  const [labelX, labelY] = resolved.labels;
  const sentence =
    `${labelX}'s mean${resolved.metric} is ${formatDirection(estimate)} ${labelY}'s ` +
    `(${formatInterval(interval, resolved.confidenceLevel)}, paired bootstrap, ${resamples} resamples, seed ${seed}).`;
  return {
    test: TEST,
    estimate,
    interval,
    confidenceLevel: resolved.confidenceLevel,
    method: `percentile bootstrap, ${resamples} resamples, seed ${seed}`,
    n,
    sentence,
  };
}
