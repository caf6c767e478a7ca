import { describe, expect, it } from 'vitest';

import { mannWhitneyExactCdf } from '../../lib/stats/mann-whitney-exact';
import { mannWhitneyU } from '../../lib/stats/mann-whitney-u';
import type { Alternative } from '../../lib/stats/test-result';
import { expectClose, loadFixture, sampleValues, type StoredSample } from './scipy-fixtures';

interface Case {
  name: string;
  x: StoredSample;
  y: StoredSample;
  alternative: Alternative;
  method: 'auto' | 'asymptotic';
  useContinuity: boolean;
  methodUsed: 'exact' | 'asymptotic';
  statistic: number;
  pValue: number;
}

const { cases } = loadFixture<Case[]>('mann-whitney');

describe('mannWhitneyU against scipy.stats.mannwhitneyu', () => {
  it.each(cases.map((c) => [`${c.name} ${c.alternative} ${c.method} continuity=${c.useContinuity}`, c] as const))('%s', (label, c) => {
    const result = mannWhitneyU(sampleValues(c.x), sampleValues(c.y), {
      alternative: c.alternative,
      method: c.method,
      useContinuity: c.useContinuity,
    });
    if (result.degenerate) throw new Error(result.reason);
    expect(result.method).toBe(c.methodUsed);
    expectClose(result.statistic, c.statistic, `${label} U`);
    expectClose(result.pValue, c.pValue, `${label} p`);
  });
});

describe('mannWhitneyU behaviour', () => {
  it('treats 0.71 - 0.69 and 0.57 - 0.55 as tied', () => {
    const result = mannWhitneyU([0.71 - 0.69], [0.57 - 0.55]);
    expect(result.degenerate).toBe(true);
    if (result.degenerate) expect(result.reason).toBe('all values are tied');
  });

  it('falls back to the normal approximation for an explicit exact request with ties', () => {
    const result = mannWhitneyU([1, 2, 2], [2, 3, 4], { method: 'exact' });
    expect(result.degenerate ? undefined : result.method).toBe('asymptotic');
  });

  it('has an exact distribution summing to one and symmetric', () => {
    expect(mannWhitneyExactCdf(3 * 4, 3, 4)).toBe(1);
    expect(mannWhitneyExactCdf(0, 3, 4)).toBeCloseTo(1 / 35, 15);
    expect(mannWhitneyExactCdf(5, 3, 4) + mannWhitneyExactCdf(12 - 5 - 1, 3, 4)).toBeCloseTo(1, 14);
  });

  it('is degenerate for empty or non-finite samples', () => {
    expect(mannWhitneyU([], [1]).degenerate).toBe(true);
    expect(mannWhitneyU([1, Number.NEGATIVE_INFINITY], [1]).degenerate).toBe(true);
  });

  it('says which way the samples lean', () => {
    const result = mannWhitneyU([5, 6, 7], [1, 2, 3], { labels: ['B', 'A'] });
    expect(result.sentence).toBe('A random B value exceeds a random A value with probability 1 (ties count half); Mann-Whitney U = 9, p = 0.1 (exact).');
  });
});
