import { describe, expect, it } from 'vitest';

import { chiSquareIndependence } from '../../lib/stats/chi-square-independence';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  name: string;
  table: number[][];
  correction: boolean;
  statistic: number;
  pValue: number;
  df: number;
}

const { cases } = loadFixture<Case[]>('chi-square');

describe('chiSquareIndependence against scipy.stats.chi2_contingency', () => {
  it.each(cases.map((c) => [`${c.name} correction=${c.correction}`, c] as const))('%s', (label, c) => {
    const result = chiSquareIndependence(c.table, { correction: c.correction });
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} statistic`);
    expectClose(result.pValue, c.pValue, `${label} p`);
    expectClose(result.df, c.df, `${label} df`);
  });
});

describe('chiSquareIndependence degenerate inputs', () => {
  it('rejects an all-zero row, a ragged table, negative or NaN counts, and 1-row tables', () => {
    expect(chiSquareIndependence([[0, 0], [3, 4]]).degenerate).toBe(true);
    expect(chiSquareIndependence([[1, 2, 3], [3, 4]]).degenerate).toBe(true);
    expect(chiSquareIndependence([[1, -2], [3, 4]]).degenerate).toBe(true);
    expect(chiSquareIndependence([[1, Number.NaN], [3, 4]]).degenerate).toBe(true);
    expect(chiSquareIndependence([[1, 2]]).degenerate).toBe(true);
  });

  it('does not apply Yates beyond 2 x 2 and says when it does', () => {
    const corrected = chiSquareIndependence([[12, 5], [7, 14]], { correction: true });
    expect(corrected.degenerate ? '' : corrected.sentence).toMatch(/\(Yates-corrected\)\.$/);
    const wide = chiSquareIndependence([[20, 15, 5], [10, 25, 12]], { correction: true });
    expect(wide.degenerate ? '' : wide.method).toBe('pearson');
  });
});
