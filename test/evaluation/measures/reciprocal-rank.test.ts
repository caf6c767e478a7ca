import { describe, expect, it } from 'vitest';

import { reciprocalRank } from '../../../lib/evaluation/measures/reciprocal-rank';
import { judged } from '../judged';

describe('reciprocalRank (trec_eval recip_rank)', () => {
  it('is 1 / rank of the first relevant doc', () => {
    // n (0) and m (-1) are not relevant; first relevant r at rank 3 -> 1/3
    expect(reciprocalRank(judged(['n', 'm', 'r', 's'], { n: 0, m: -1, r: 1, s: 2 }))).toBeCloseTo(1 / 3, 12);
  });

  it('is 1 when the top doc is relevant', () => {
    expect(reciprocalRank(judged(['r'], { r: 3 }))).toBe(1);
  });

  it('is 0 when no relevant doc is retrieved', () => {
    expect(reciprocalRank(judged(['n', 'x'], { n: 0, r: 1 }))).toBe(0);
  });
});
