import { describe, expect, it } from 'vitest';
import { tInterval } from '../../lib/stats/confidence-interval';

describe('tInterval', () => {
  it('is mean ± t(0.975, n−1)·s/√n', () => {
    // t(0.975, 9) = 2.262157; s = 1, n = 10: half-width 0.715357.
    const ci = tInterval({ n: 10, mean: 0.5, sd: 1 });
    expect(ci.halfWidth).toBeCloseTo(0.715357, 5);
    expect(ci.low).toBeCloseTo(0.5 - 0.715357, 5);
    expect(ci.high).toBeCloseTo(0.5 + 0.715357, 5);
    // t(0.975, 1) = 12.7062: two items give a wide interval.
    expect(tInterval({ n: 2, mean: 0, sd: 1 }).halfWidth).toBeCloseTo(12.7062 / Math.SQRT2, 3);
  });

  it('approaches the normal interval for large n', () => {
    expect(tInterval({ n: 100_000, mean: 0, sd: 1 }).halfWidth).toBeCloseTo(1.95998 / Math.sqrt(100_000), 6);
  });

  it('has no interval below two items or without a standard deviation', () => {
    expect(tInterval({ n: 1, mean: 0.3, sd: null })).toEqual({ mean: 0.3, low: null, high: null, halfWidth: null, n: 1 });
    expect(tInterval({ n: 0, mean: null, sd: null }).halfWidth).toBeNull();
  });

  it('is zero-width when every item has the same value', () => {
    expect(tInterval({ n: 5, mean: 1, sd: 0 })).toMatchObject({ low: 1, high: 1, halfWidth: 0 });
  });
});
