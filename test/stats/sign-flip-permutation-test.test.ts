import { describe, expect, it } from 'vitest';

import { signFlipPermutationTest } from '../../lib/stats/sign-flip-permutation-test';
import type { Alternative } from '../../lib/stats/test-result';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  name: string;
  x: number[];
  y: number[];
  alternative: Alternative;
  statistic: number;
  pValue: number;
}

const { cases } = loadFixture<Case[]>('permutation');

describe('signFlipPermutationTest (exact) against scipy.stats.permutation_test', () => {
  it.each(cases.map((c) => [`${c.name} ${c.alternative}`, c] as const))('%s', (label, c) => {
    const result = signFlipPermutationTest(c.x, c.y, { alternative: c.alternative });
    if (result.degenerate) throw new Error(result.reason);
    expect(result.method).toMatch(/^exact/);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
  });
});

describe('signFlipPermutationTest Monte Carlo', () => {
  const x = Array.from({ length: 40 }, (_, i) => 0.5 + 0.01 * ((i * 7) % 11) + 0.02);
  const y = Array.from({ length: 40 }, (_, i) => 0.5 + 0.01 * ((i * 5) % 13));

  it('is reproducible for a seed and differs across seeds', () => {
    const first = signFlipPermutationTest(x, y, { seed: 7, resamples: 2000 });
    const again = signFlipPermutationTest(x, y, { seed: 7, resamples: 2000 });
    const other = signFlipPermutationTest(x, y, { seed: 9, resamples: 2000 });
    expect(first).toEqual(again);
    expect(first.degenerate ? undefined : first.method).toBe('Monte Carlo, 2000 resamples, seed 7');
    expect(other.degenerate ? 0 : other.pValue).not.toBe(first.degenerate ? 0 : first.pValue);
  });

  it('never returns p = 0 (the +1 convention)', () => {
    const far = x.map((v) => v + 10);
    const result = signFlipPermutationTest(far, y, { resamples: 999, alternative: 'greater' });
    expect(result.degenerate ? undefined : result.pValue).toBe(1 / 1000);
  });

  it('agrees with exact enumeration within Monte Carlo error', () => {
    const xs = [0.12, -0.05, 0.3, 0.08, -0.02, 0.15, 0.22, -0.1, 0.05, 0.11, 0.02, -0.04];
    const zeros = xs.map(() => 0);
    const exact = signFlipPermutationTest(xs, zeros);
    const sampled = signFlipPermutationTest(xs, zeros, { exactMaxPairs: 0, resamples: 20_000, seed: 3 });
    if (exact.degenerate || sampled.degenerate) throw new Error('degenerate');
    const standardError = Math.sqrt((exact.pValue * (1 - exact.pValue)) / 20_000) * 2;
    expect(Math.abs(sampled.pValue - exact.pValue)).toBeLessThan(4 * standardError);
  });

  it('is degenerate when all differences are zero or input is bad', () => {
    expect(signFlipPermutationTest([1, 2], [1, 2]).degenerate).toBe(true);
    expect(signFlipPermutationTest([1, 2], [1]).degenerate).toBe(true);
    expect(signFlipPermutationTest([1, Number.NaN], [1, 2]).degenerate).toBe(true);
  });
});
