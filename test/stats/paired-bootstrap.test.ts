import { describe, expect, it } from 'vitest';

import { pairedBootstrap } from '../../lib/stats/paired-bootstrap';
import { pairedTTest } from '../../lib/stats/paired-t-test';
import { seededRandom } from '../../lib/stats/seeded-random';

const random = seededRandom(99);
const y = Array.from({ length: 200 }, () => random.uniform());
const x = y.map((v) => v + 0.05 + (random.uniform() - 0.5) * 0.2);

describe('pairedBootstrap', () => {
  it('is reproducible for a seed', () => {
    expect(pairedBootstrap(x, y, { seed: 5, resamples: 500 })).toEqual(pairedBootstrap(x, y, { seed: 5, resamples: 500 }));
  });

  it('gives a percentile interval close to the paired t interval for a large, near-normal sample', () => {
    const boot = pairedBootstrap(x, y, { resamples: 4000 });
    const t = pairedTTest(x, y);
    if (boot.degenerate || t.degenerate || t.interval === undefined) throw new Error('degenerate');
    const width = t.interval[1] - t.interval[0];
    expect(boot.estimate).toBeCloseTo(t.estimate ?? Number.NaN, 12);
    expect(Math.abs(boot.interval[0] - t.interval[0])).toBeLessThan(0.1 * width);
    expect(Math.abs(boot.interval[1] - t.interval[1])).toBeLessThan(0.1 * width);
  });

  it('is degenerate for fewer than two pairs, mismatched lengths or NaN', () => {
    expect(pairedBootstrap([1], [2]).degenerate).toBe(true);
    expect(pairedBootstrap([1, 2], [2]).degenerate).toBe(true);
    expect(pairedBootstrap([1, Number.NaN], [2, 3]).degenerate).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => pairedBootstrap(x, y, { resamples: 0 })).toThrow(RangeError);
    expect(() => pairedBootstrap(x, y, { seed: 0 })).toThrow(RangeError);
  });

  it('names the seed in the sentence', () => {
    const result = pairedBootstrap([0.5, 0.6, 0.7, 0.65], [0.45, 0.5, 0.66, 0.6], { seed: 3, resamples: 1000, labels: ['B', 'A'] });
    expect(result.sentence).toMatch(/^B's mean is 0\.06 higher than A's \(95% CI .* to .*, paired bootstrap, 1000 resamples, seed 3\)\.$/);
  });
});
