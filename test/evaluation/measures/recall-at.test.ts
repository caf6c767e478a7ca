import { describe, expect, it } from 'vitest';

import { recallAt } from '../../../lib/evaluation/measures/recall-at';
import { judged } from '../judged';

describe('recallAt (trec_eval recall_k)', () => {
  // 3 relevant judged (r1, r2, r3); r3 never retrieved; n1 = 0 and m = -1 do not count.
  const query = judged(['r1', 'n1', 'r2', 'm'], { r1: 1, r2: 2, r3: 1, n1: 0, m: -1 });

  it('divides relevant docs in the top k by all relevant docs', () => {
    // top 2 holds r1 -> 1/3; top 3 holds r1, r2 -> 2/3
    expect(recallAt(query, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(query, 3)).toBeCloseTo(2 / 3, 12);
  });

  it('counts everything retrieved when k is past the end of the ranking', () => {
    expect(recallAt(query, 100)).toBeCloseTo(2 / 3, 12);
  });

  it('is 0 when the query has no relevant judgments', () => {
    expect(recallAt(judged(['a'], { a: 0 }), 10)).toBe(0);
  });
});
