import { describe, expect, it } from 'vitest';

import { studentTTest } from '../../lib/stats/student-t-test';
import type { Alternative } from '../../lib/stats/test-result';
import { welchTTest } from '../../lib/stats/welch-t-test';
import { expectClose, expectIntervalClose, loadFixture, sampleValues, type StoredSample } from './scipy-fixtures';

interface Case {
  name: string;
  x: StoredSample;
  y: StoredSample;
  equalVariance: boolean;
  alternative: Alternative;
  confidenceLevel: number;
  statistic: number;
  pValue: number;
  df: number;
  estimate: number;
  interval: [number, number];
}

const { cases } = loadFixture<Case[]>('unpaired-t');

describe('welchTTest and studentTTest against scipy.stats.ttest_ind', () => {
  it.each(cases.map((c) => [`${c.name} ${c.equalVariance ? 'Student' : 'Welch'} ${c.alternative}`, c] as const))('%s', (label, c) => {
    const test = c.equalVariance ? studentTTest : welchTTest;
    const result = test(sampleValues(c.x), sampleValues(c.y), { alternative: c.alternative, confidenceLevel: c.confidenceLevel });
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
    expectClose(result.df, c.df, `${label} df`);
    expectClose(result.estimate, c.estimate, `${label} estimate`);
    expectIntervalClose(result.interval, c.interval, c.estimate, `${label} interval`);
  });

  it('covers a p-value far below 1e-16', () => {
    expect(Math.min(...cases.map((c) => c.pValue))).toBeLessThan(1e-30);
  });
});

describe('welchTTest degenerate inputs and sentence', () => {
  it('reports zero variance instead of NaN', () => {
    const result = welchTTest([1, 1, 1], [1, 1]);
    expect(result.degenerate).toBe(true);
    if (result.degenerate) expect(result.reason).toMatch(/zero variance/);
  });

  it('needs two values per sample', () => {
    expect(welchTTest([1], [1, 2, 3]).degenerate).toBe(true);
    expect(studentTTest([1, 2], []).degenerate).toBe(true);
  });

  it('rejects NaN and Infinity with the index', () => {
    const result = welchTTest([1, Number.NaN, 2], [1, 2, 3]);
    expect(result).toMatchObject({ degenerate: true, reason: 'x contains NaN at index 1' });
    expect(welchTTest([1, 2], [3, Number.POSITIVE_INFINITY]).degenerate).toBe(true);
  });

  it('still works when one sample is constant', () => {
    const result = welchTTest([0.5, 0.5, 0.5], [0.1, 0.2, 0.4]);
    expect(result.degenerate).toBeUndefined();
    if (!result.degenerate) expect(result.df).toBeCloseTo(2, 12);
  });

  it('writes a plain-language sentence', () => {
    const result = welchTTest([0.61, 0.7, 0.66, 0.72, 0.69], [0.58, 0.6, 0.63, 0.55, 0.61], {
      labels: ['System B', 'System A'],
      metric: 'nDCG@10',
    });
    expect(result.sentence).toBe(
      "System B's mean nDCG@10 is 0.082 higher than System A's (95% CI 0.0268 to 0.137); Welch t = 3.49, df = 7.2, p = 0.0096.",
    );
  });

  it('throws for an invalid confidence level', () => {
    expect(() => welchTTest([1, 2], [3, 4], { confidenceLevel: 95 })).toThrow(RangeError);
  });
});
