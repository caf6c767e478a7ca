import { describe, expect, it } from 'vitest';

import { sampleRatioMismatch } from '../../lib/stats/sample-ratio-mismatch';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  observed: number[];
  weights: number[];
  statistic: number;
  pValue: number;
  df: number;
  mismatch: boolean;
}

const { cases } = loadFixture<Case[]>('srm');

describe('sampleRatioMismatch against scipy.stats.chisquare', () => {
  it.each(cases.map((c) => [`${c.observed.join('/')} vs ${c.weights.join(':')}`, c] as const))('%s', (label, c) => {
    const result = sampleRatioMismatch(c.observed, c.weights);
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
    expect(result.df).toBe(c.df);
    expect(result.mismatch).toBe(c.mismatch);
  });
});

describe('sampleRatioMismatch behaviour', () => {
  it('flags at p < 0.001 like GrowthBook and says so', () => {
    const result = sampleRatioMismatch([5300, 4700], [0.5, 0.5], { labels: ['control', 'treatment'] });
    if (result.degenerate) throw new Error(result.reason);
    expect(result.mismatch).toBe(true);
    expect(result.sentence).toBe(
      'Sample ratio mismatch: observed control 5300, treatment 4700 against the planned split; chi-square = 36, df = 1, p < 0.001 (threshold 0.001).',
    );
  });

  it('is degenerate for bad counts or weights', () => {
    expect(sampleRatioMismatch([10], [1]).degenerate).toBe(true);
    expect(sampleRatioMismatch([10, 5], [1]).degenerate).toBe(true);
    expect(sampleRatioMismatch([0, 0], [1, 1]).degenerate).toBe(true);
    expect(sampleRatioMismatch([10, -1], [1, 1]).degenerate).toBe(true);
    expect(sampleRatioMismatch([10, 5], [1, 0]).degenerate).toBe(true);
    expect(() => sampleRatioMismatch([10, 5], [1, 1], { threshold: 2 })).toThrow(RangeError);
  });
});
