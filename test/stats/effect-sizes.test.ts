import { describe, expect, it } from 'vitest';

import { cohensD } from '../../lib/stats/cohens-d';
import { cohensDz } from '../../lib/stats/cohens-dz';
import type { Table2x2 } from '../../lib/stats/fisher-exact';
import { meanDifference } from '../../lib/stats/mean-difference';
import { oddsRatio } from '../../lib/stats/odds-ratio';
import { relativeLift } from '../../lib/stats/relative-lift';
import type { EstimateOutcome } from '../../lib/stats/test-result';
import { welchTTest } from '../../lib/stats/welch-t-test';
import { expectClose, expectIntervalClose, loadFixture } from './scipy-fixtures';

interface Case {
  kind: 'cohensD' | 'cohensDz' | 'relativeLift' | 'oddsRatio';
  name: string;
  x?: number[];
  y?: number[];
  table?: Table2x2;
  paired?: boolean;
  confidenceLevel: number;
  estimate: number;
  interval: [number, number];
}

const { cases } = loadFixture<Case[]>('effect-sizes');

function compute(c: Case): EstimateOutcome {
  const options = { confidenceLevel: c.confidenceLevel };
  if (c.kind === 'oddsRatio') return oddsRatio(c.table as Table2x2, options);
  const x = c.x ?? [];
  const y = c.y ?? [];
  if (c.kind === 'cohensD') return cohensD(x, y, options);
  if (c.kind === 'cohensDz') return cohensDz(x, y, options);
  return relativeLift(x, y, { ...options, paired: c.paired === true });
}

describe('effect sizes against SciPy (nct inversion, contingency.odds_ratio) and the delta-method formula', () => {
  it.each(cases.map((c) => [`${c.kind}${c.paired ? ' paired' : ''} ${c.name} ${c.confidenceLevel}`, c] as const))('%s', (label, c) => {
    const result = compute(c);
    if (result.degenerate) throw new Error(result.reason);
    expectClose(result.estimate, c.estimate, `${label} estimate`);
    expectIntervalClose(result.interval, c.interval, c.estimate, `${label} interval`);
  });
});

describe('effect size behaviour', () => {
  it('meanDifference carries the Welch interval without the test', () => {
    const x = [0.61, 0.7, 0.66, 0.72, 0.69];
    const y = [0.58, 0.6, 0.63, 0.55, 0.61];
    const difference = meanDifference(x, y);
    const test = welchTTest(x, y);
    if (difference.degenerate || test.degenerate) throw new Error('degenerate');
    expect(difference.interval).toEqual(test.interval);
    expect(difference.sentence).toBe("A's mean is 0.082 higher than B's (95% CI 0.0268 to 0.137).");
    expect(meanDifference([1, 2], [0, 1], { paired: true }).degenerate).toBe(true);
  });

  it('uses the Haldane correction only when a cell is zero, and says so', () => {
    const zero = oddsRatio([[0, 5], [6, 3]]);
    const plain = oddsRatio([[20, 10], [12, 25]]);
    expect(zero.degenerate ? '' : zero.method).toMatch(/Haldane/);
    expect(plain.degenerate ? '' : plain.method).toBe('Woolf log interval');
    expect(oddsRatio([[0, 0], [6, 3]]).degenerate).toBe(true);
  });

  it('is degenerate for constant samples and a zero baseline', () => {
    expect(cohensD([1, 1, 1], [2, 2, 2]).degenerate).toBe(true);
    expect(cohensDz([0.7, 0.8, 0.9], [0.6, 0.7, 0.8]).degenerate).toBe(true);
    expect(relativeLift([1, 2, 3], [-1, 1, 0]).degenerate).toBe(true);
  });

  it('gives the Cohen\'s d interval its nominal coverage on a known configuration', () => {
    const result = cohensD([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], { confidenceLevel: 0.95 });
    if (result.degenerate) throw new Error(result.reason);
    expect(result.estimate).toBeCloseTo(-2 / Math.sqrt(2.5), 12);
    expect(result.interval[0]).toBeLessThan(result.estimate);
    expect(result.interval[1]).toBeGreaterThan(result.estimate);
  });

  it('writes relative lift in percent', () => {
    expect(relativeLift([1.1, 1.2, 1.3, 1.2], [1, 1.1, 1, 0.9], { labels: ['B', 'A'] }).sentence).toMatch(
      /^B's mean is 20% higher than A's \(95% CI \d+\.\d+ to \d+\.\d+ in percent, delta method\)\.$/,
    );
  });
});
