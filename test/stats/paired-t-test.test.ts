import { describe, expect, it } from 'vitest';

import { pairedTTest } from '../../lib/stats/paired-t-test';
import type { Alternative } from '../../lib/stats/test-result';
import { expectClose, expectIntervalClose, loadFixture, sampleValues, type StoredSample } from './scipy-fixtures';

interface Case {
  name: string;
  x: StoredSample;
  y: StoredSample;
  alternative: Alternative;
  confidenceLevel: number;
  statistic: number;
  pValue: number;
  df: number;
  estimate: number;
  interval: [number, number];
}

const { cases } = loadFixture<Case[]>('paired-t');

describe('pairedTTest against scipy.stats.ttest_rel', () => {
  it.each(cases.map((c) => [`${c.name} ${c.alternative}`, c] as const))('%s', (label, c) => {
    const result = pairedTTest(sampleValues(c.x), sampleValues(c.y), { alternative: c.alternative, confidenceLevel: c.confidenceLevel });
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
    expectClose(result.df, c.df, `${label} df`);
    expectClose(result.estimate, c.estimate, `${label} estimate`);
    expectIntervalClose(result.interval, c.interval, c.estimate, `${label} interval`);
  });
});

describe('pairedTTest degenerate inputs and sentence', () => {
  it('is degenerate when all differences are equal', () => {
    const result = pairedTTest([0.6, 0.7, 0.8], [0.5, 0.6, 0.7]);
    expect(result).toMatchObject({ degenerate: true, test: 'Paired t-test', n: { pairs: 3 } });
  });

  it('is degenerate for one pair, unequal lengths, or NaN', () => {
    expect(pairedTTest([1], [2]).degenerate).toBe(true);
    expect(pairedTTest([1, 2], [2]).degenerate).toBe(true);
    expect(pairedTTest([1, 2, 3], [2, Number.NaN, 1]).degenerate).toBe(true);
  });

  it('matches the issue example sentence shape', () => {
    const b = [0.52, 0.61, 0.48, 0.7, 0.66, 0.59];
    const a = [0.5, 0.55, 0.47, 0.64, 0.6, 0.58];
    const result = pairedTTest(b, a, { labels: ['System B', 'System A'], metric: 'nDCG@10' });
    expect(result.sentence).toBe(
      "System B's mean nDCG@10 is 0.0367 higher than System A's (95% CI 0.00957 to 0.0638); paired t = 3.48, df = 5, p = 0.018.",
    );
  });
});
