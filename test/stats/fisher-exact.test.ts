import { describe, expect, it } from 'vitest';

import { fisherExact, type Table2x2 } from '../../lib/stats/fisher-exact';
import type { Alternative } from '../../lib/stats/test-result';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  name: string;
  table: Table2x2;
  alternative: Alternative;
  statistic: number;
  pValue: number;
}

const { cases } = loadFixture<Case[]>('fisher');

describe('fisherExact against scipy.stats.fisher_exact', () => {
  it.each(cases.map((c) => [`${c.name} ${c.alternative}`, c] as const))('%s', (label, c) => {
    const result = fisherExact(c.table, { alternative: c.alternative });
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} odds ratio`);
    expectClose(result.pValue, c.pValue, `${label} p`);
  });
});

describe('fisherExact degenerate inputs', () => {
  it('is degenerate for an empty row or column and for fractional counts', () => {
    expect(fisherExact([[0, 0], [3, 4]]).degenerate).toBe(true);
    expect(fisherExact([[0, 4], [0, 4]]).degenerate).toBe(true);
    expect(fisherExact([[1.5, 2], [3, 4]]).degenerate).toBe(true);
  });

  it('writes the odds ratio in the sentence', () => {
    expect(fisherExact([[8, 2], [1, 5]], { labels: ['B', 'A'] }).sentence).toBe(
      "The odds of the first outcome are 20 times as high in B as in A; Fisher's exact p = 0.035.",
    );
  });
});
