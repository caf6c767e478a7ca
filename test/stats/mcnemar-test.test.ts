import { describe, expect, it } from 'vitest';

import { mcnemarTest } from '../../lib/stats/mcnemar-test';
import { pairedOutcomeTable } from '../../lib/stats/paired-outcome-table';
import type { Alternative } from '../../lib/stats/test-result';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  xOnly: number;
  yOnly: number;
  method: 'exact' | 'chi-square';
  correction?: boolean;
  alternative: Alternative;
  statistic: number;
  pValue: number;
  df?: number;
}

const { cases } = loadFixture<Case[]>('mcnemar');

describe('mcnemarTest against scipy.stats.binomtest and chi2.sf', () => {
  it.each(cases.map((c) => [`b=${c.xOnly} c=${c.yOnly} ${c.method} ${c.alternative} correction=${c.correction}`, c] as const))(
    '%s',
    (label, c) => {
      const options = c.correction === undefined ? { method: c.method, alternative: c.alternative } : { method: c.method, alternative: c.alternative, correction: c.correction };
      const result = mcnemarTest({ xOnly: c.xOnly, yOnly: c.yOnly }, options);
      if (result.degenerate) throw new Error(result.reason);
      expectClose(result.statistic, c.statistic, `${label} statistic`);
      expectClose(result.pValue, c.pValue, `${label} p`);
      if (c.df !== undefined) expect(result.df).toBe(c.df);
    },
  );
});

describe('mcnemarTest from paired outcomes', () => {
  it('cross-tabulates per-item correctness', () => {
    const table = pairedOutcomeTable([true, true, false, false, true], [true, false, true, false, false]);
    expect(table).toEqual({ both: 1, xOnly: 2, yOnly: 1, neither: 1 });
    expect(() => pairedOutcomeTable([true], [])).toThrow(RangeError);
  });

  it('is degenerate without discordant pairs', () => {
    expect(mcnemarTest({ xOnly: 0, yOnly: 0 })).toMatchObject({ degenerate: true, reason: 'there are no discordant pairs' });
    expect(mcnemarTest({ xOnly: -1, yOnly: 2 }).degenerate).toBe(true);
  });

  it('refuses a one-sided chi-square version', () => {
    expect(() => mcnemarTest({ xOnly: 3, yOnly: 9 }, { method: 'chi-square', alternative: 'less' })).toThrow(RangeError);
  });

  it('writes the discordant counts in the sentence', () => {
    expect(mcnemarTest({ xOnly: 10, yOnly: 3 }, { labels: ['B', 'A'] }).sentence).toBe(
      "Of 13 items where B and A disagree, B is right on 10 and A on 3; McNemar exact p = 0.092.",
    );
  });
});
