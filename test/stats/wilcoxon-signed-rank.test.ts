import { describe, expect, it } from 'vitest';

import { signedRankTails } from '../../lib/stats/signed-rank-exact';
import type { Alternative } from '../../lib/stats/test-result';
import { wilcoxonSignedRank, type ZeroMethod } from '../../lib/stats/wilcoxon-signed-rank';
import { expectClose, loadFixture, sampleValues, type StoredSample } from './scipy-fixtures';

interface Case {
  name: string;
  x: StoredSample;
  y: StoredSample;
  zeroMethod: ZeroMethod;
  alternative: Alternative;
  method: 'auto' | 'approx';
  correction: boolean;
  methodUsed: 'exact' | 'approx';
  statistic: number;
  pValue: number;
}

const { cases } = loadFixture<Case[]>('wilcoxon');

describe('wilcoxonSignedRank against scipy.stats.wilcoxon', () => {
  it.each(
    cases.map((c) => [`${c.name} ${c.zeroMethod} ${c.alternative} ${c.method} correction=${c.correction}`, c] as const),
  )('%s', (label, c) => {
    const result = wilcoxonSignedRank(sampleValues(c.x), sampleValues(c.y), {
      zeroMethod: c.zeroMethod,
      alternative: c.alternative,
      method: c.method,
      correction: c.correction,
    });
    if (result.degenerate) throw new Error(result.reason);
    expect(result.method).toBe(c.methodUsed);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
  });
});

describe('wilcoxonSignedRank behaviour', () => {
  it('is degenerate when every difference is zero, whatever the zero method', () => {
    for (const zeroMethod of ['wilcox', 'pratt', 'zsplit'] as const) {
      const result = wilcoxonSignedRank([0.3, 0.1 + 0.2], [0.3, 0.3], { zeroMethod });
      expect(result).toMatchObject({ degenerate: true, reason: 'all differences are zero' });
    }
  });

  it('detects (0.1 + 0.2) - 0.3 as a zero difference after rounding', () => {
    const result = wilcoxonSignedRank([0.1 + 0.2, 1, 2, 3], [0.3, 0, 0, 0]);
    expect(result.degenerate ? undefined : result.n).toEqual({ pairs: 4, zeros: 1 });
  });

  it('switches exact to the normal approximation with ties', () => {
    const result = wilcoxonSignedRank([0.71, 0.57, 0.9], [0.69, 0.55, 0.5], { method: 'exact' });
    expect(result.degenerate ? undefined : result.method).toBe('approx');
  });

  it('has exact tails that add up to one plus the point mass', () => {
    const { lower, upper } = signedRankTails(10, 8);
    expect(lower + upper).toBeGreaterThan(1);
    expect(signedRankTails(0, 5).lower).toBeCloseTo(1 / 32, 15);
    expect(signedRankTails(15, 5).upper).toBeCloseTo(1 / 32, 15);
  });

  it('is degenerate for mismatched lengths and NaN', () => {
    expect(wilcoxonSignedRank([1, 2], [1]).degenerate).toBe(true);
    expect(wilcoxonSignedRank([1, Number.NaN], [0, 0]).degenerate).toBe(true);
  });

  it('counts wins, losses and ties in the sentence', () => {
    const result = wilcoxonSignedRank([0.5, 0.6, 0.7, 0.4], [0.4, 0.6, 0.5, 0.45], { labels: ['B', 'A'] });
    expect(result.sentence).toMatch(/^B beats A on 2 of 4 items \(1 behind, 1 tied\); Wilcoxon signed-rank T = 1, p = 0\.\d+ \(approx\)\.$/);
  });
});
