import { describe, expect, it } from 'vitest';

import { averagePrecision } from '../../../lib/evaluation/measures/average-precision';
import { judged } from '../judged';

describe('averagePrecision (trec_eval map)', () => {
  it('averages precision at each relevant rank over all relevant docs', () => {
    // relevant r1, r2, r3; retrieved at ranks 1 and 3 -> (1/1 + 2/3) / 3 = 5/9
    const query = judged(['r1', 'n1', 'r2', 'n2'], { r1: 1, r2: 1, r3: 1, n1: 0 });
    expect(averagePrecision(query)).toBeCloseTo(5 / 9, 12);
    expect(averagePrecision(query)).toBeCloseTo(0.5555555555555556, 12);
  });

  it('treats any grade >= 1 as relevant and grades <= 0 as non-relevant', () => {
    // a (2) at rank 1, b (1) at rank 4; c = 0, d = -1 neither relevant nor counted in num_rel
    // -> (1/1 + 2/4) / 2 = 0.75
    const query = judged(['a', 'c', 'd', 'b'], { a: 2, b: 1, c: 0, d: -1 });
    expect(averagePrecision(query)).toBeCloseTo(0.75, 12);
  });

  it('is 0 when no relevant doc is retrieved', () => {
    expect(averagePrecision(judged(['n1', 'n2'], { r1: 1, n1: 0 }))).toBe(0);
  });

  it('is 0 when the query has no relevant judgments', () => {
    expect(averagePrecision(judged(['a'], { a: 0, b: -1 }))).toBe(0);
  });

  it('is 0 for an empty ranking', () => {
    expect(averagePrecision(judged([], { a: 1 }))).toBe(0);
  });
});
