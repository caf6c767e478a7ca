import { describe, expect, it } from 'vitest';

import { adjustPValues, type PAdjustMethod } from '../../lib/stats/adjust-p-values';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  pValues: number[];
  method: PAdjustMethod;
  adjusted: number[];
}

const { cases } = loadFixture<Case[]>('p-adjust');

describe('adjustPValues against statsmodels multipletests', () => {
  it.each(cases.map((c, i) => [`${c.method} #${i}`, c] as const))('%s', (label, c) => {
    const input = [...c.pValues];
    const adjusted = adjustPValues(input, c.method);
    expect(input).toEqual(c.pValues);
    expect(adjusted).toHaveLength(c.adjusted.length);
    adjusted.forEach((value, i) => expectClose(value, c.adjusted[i] as number, `${label} [${i}]`));
  });
});

describe('adjustPValues behaviour', () => {
  it('never mutates the input, for every method', () => {
    for (const method of ['holm', 'bh', 'bonferroni'] as const) {
      const input = Object.freeze([0.01, 0.04, 0.03]);
      expect(() => adjustPValues(input, method)).not.toThrow();
      expect(input).toEqual([0.01, 0.04, 0.03]);
    }
  });

  it('handles an empty list and rejects invalid p-values', () => {
    expect(adjustPValues([], 'bh')).toEqual([]);
    expect(() => adjustPValues([0.1, Number.NaN])).toThrow(RangeError);
    expect(() => adjustPValues([1.2])).toThrow(RangeError);
    expect(() => adjustPValues([0.1], 'hommel' as PAdjustMethod)).toThrow(RangeError);
  });

  it('orders Bonferroni >= Holm >= BH', () => {
    const p = [0.001, 0.01, 0.02, 0.04, 0.3];
    const bonferroni = adjustPValues(p, 'bonferroni');
    const holm = adjustPValues(p, 'holm');
    const bh = adjustPValues(p, 'bh');
    p.forEach((_, i) => {
      expect(bonferroni[i]).toBeGreaterThanOrEqual(holm[i] as number);
      expect(holm[i]).toBeGreaterThanOrEqual(bh[i] as number);
    });
  });
});
