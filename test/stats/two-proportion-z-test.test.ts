import { describe, expect, it } from 'vitest';

import type { Alternative } from '../../lib/stats/test-result';
import { type ProportionCounts, twoProportionZTest } from '../../lib/stats/two-proportion-z-test';
import { expectClose, expectIntervalClose, loadFixture } from './scipy-fixtures';

interface Case {
  name: string;
  x: ProportionCounts;
  y: ProportionCounts;
  alternative: Alternative;
  statistic: number;
  pValue: number;
  estimate: number;
  interval: [number, number];
}

const { cases } = loadFixture<Case[]>('two-proportion');

describe('twoProportionZTest against statsmodels proportions_ztest / confint_proportions_2indep', () => {
  it.each(cases.map((c) => [`${c.name} ${c.alternative}`, c] as const))('%s', (label, c) => {
    const result = twoProportionZTest(c.x, c.y, { alternative: c.alternative });
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.statistic, c.statistic, `${label} z`);
    expectClose(result.pValue, c.pValue, `${label} p`);
    expectClose(result.estimate, c.estimate, `${label} estimate`);
    expectIntervalClose(result.interval, c.interval, c.estimate, `${label} interval`);
  });
});

describe('twoProportionZTest degenerate inputs and sentence', () => {
  it('is degenerate when every trial succeeded or failed, or counts are invalid', () => {
    expect(twoProportionZTest({ successes: 0, trials: 10 }, { successes: 0, trials: 12 }).degenerate).toBe(true);
    expect(twoProportionZTest({ successes: 10, trials: 10 }, { successes: 12, trials: 12 }).degenerate).toBe(true);
    expect(twoProportionZTest({ successes: 11, trials: 10 }, { successes: 1, trials: 12 }).degenerate).toBe(true);
    expect(twoProportionZTest({ successes: 1, trials: 0 }, { successes: 1, trials: 12 }).degenerate).toBe(true);
  });

  it('reports percentage points', () => {
    const result = twoProportionZTest({ successes: 45, trials: 100 }, { successes: 30, trials: 100 }, { labels: ['B', 'A'], metric: 'success' });
    expect(result.sentence).toBe(
      "B's success rate is 45% vs 30% for A, a difference of 15 percentage points (95% CI 1.74 to 28.3); z = 2.19, p = 0.028.",
    );
  });
});
