import { describe, expect, it } from 'vitest';

import { averageRanks } from '../../lib/stats/average-ranks';
import { binomialHalfCdf } from '../../lib/stats/binomial-half-tails';
import { chiSquareSf } from '../../lib/stats/chi-square-sf';
import { quantileSorted, sampleMoments, sum } from '../../lib/stats/descriptive';
import { formatDf, formatInterval, formatNumber, formatPValue } from '../../lib/stats/format-sentence';
import { hypergeometricPmf } from '../../lib/stats/hypergeometric-tails';
import { isConstant } from '../../lib/stats/is-constant';
import { tPValue, zPValue } from '../../lib/stats/p-value';
import { roundSignificant } from '../../lib/stats/round-significant';
import { addToMoments, EMPTY_MOMENTS, momentsVariance } from '../../lib/stats/running-moments';
import { seededRandom } from '../../lib/stats/seeded-random';

describe('roundSignificant', () => {
  it('restores decimal ties and zeros', () => {
    expect(0.71 - 0.69 === 0.57 - 0.55).toBe(false);
    expect(roundSignificant(0.71 - 0.69)).toBe(roundSignificant(0.57 - 0.55));
    expect(roundSignificant(roundSignificant(0.1 + 0.2) - 0.3)).toBe(0);
    expect(roundSignificant(Number.NaN)).toBeNaN();
    expect(roundSignificant(-1.23456789012345)).toBe(-1.23456789012);
  });
});

describe('averageRanks', () => {
  it('averages ranks over ties and lists tie groups', () => {
    expect(averageRanks([3, 1, 3, 2, 3])).toEqual({ ranks: [4, 1, 4, 2, 4], tieGroupSizes: [3] });
    expect(averageRanks([])).toEqual({ ranks: [], tieGroupSizes: [] });
  });
});

describe('sums and moments', () => {
  it('compensates rounding error', () => {
    expect(sum([1e16, 1, -1e16])).toBe(1);
    expect(sum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
  });

  it('computes unbiased variance and running moments that agree', () => {
    const values = [0.3, 0.5, 0.9, 0.1, 0.75];
    const batch = sampleMoments(values);
    const running = addToMoments(addToMoments(EMPTY_MOMENTS, values.slice(0, 2)), values.slice(2));
    expect(batch.variance).toBeCloseTo(0.1055, 14);
    expect(running.mean).toBeCloseTo(batch.mean, 15);
    expect(momentsVariance(running)).toBeCloseTo(batch.variance, 15);
    expect(momentsVariance(EMPTY_MOMENTS)).toBeNaN();
  });

  it('treats values equal to 12 significant digits as constant', () => {
    expect(isConstant([0.7 - 0.6, 0.8 - 0.7, 0.1])).toBe(true);
    expect(isConstant([0.1, 0.1000001])).toBe(false);
    expect(isConstant([])).toBe(true);
  });
});

describe('tails', () => {
  it('keeps relative accuracy far below 1e-16', () => {
    expect(zPValue(12, 'greater')).toBeCloseTo(1.7764821120776e-33, 45);
    expect(zPValue(-12, 'greater')).toBe(1);
    expect(tPValue(0, 10, 'two-sided')).toBe(1);
    expect(tPValue(30, 20, 'greater')).toBeGreaterThan(0);
    expect(tPValue(30, 20, 'greater')).toBeLessThan(1e-17);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(400, 2)).toBeCloseTo(Math.exp(-200), 100);
  });

  it('computes binomial(n, 1/2) tails and hypergeometric pmfs that sum to one', () => {
    expect(binomialHalfCdf(0, 10)).toBeCloseTo(1 / 1024, 17);
    expect(binomialHalfCdf(10, 10)).toBe(1);
    expect(binomialHalfCdf(-1, 10)).toBe(0);
    const { low, high, pmf } = hypergeometricPmf(10, 6, 7);
    expect([low, high]).toEqual([1, 7]);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10], 0.3)).toBe(10);
  });
});

describe('seededRandom', () => {
  it('reproduces the reference Mersenne Twister stream', () => {
    // First output of MT19937 seeded with 5489 (the reference implementation's default seed).
    expect(seededRandom(5489).bits32()).toBe(3499211612);
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a.uniform(), a.index(10)]).toEqual([b.uniform(), b.index(10)]);
    expect(() => seededRandom(1.5)).toThrow(RangeError);
  });
});

describe('format-sentence', () => {
  it('formats numbers, p-values, df and intervals', () => {
    expect(formatNumber(0.04213)).toBe('0.0421');
    expect(formatNumber(12345)).toBe('12300');
    expect(formatNumber(1.234e-7)).toBe('1.23e-7');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('infinity');
    expect(formatPValue(0.0109)).toBe('p = 0.011');
    expect(formatPValue(0.00099)).toBe('p < 0.001');
    expect(formatDf(29)).toBe('df = 29');
    expect(formatDf(27.43)).toBe('df = 27.4');
    expect(formatInterval([0.011, Number.POSITIVE_INFINITY], 0.9)).toBe('90% CI 0.011 to infinity');
  });
});
