import { describe, expect, it } from 'vitest';

import { precisionAt } from '../../../lib/evaluation/measures/precision-at';
import { judged } from '../judged';

describe('precisionAt (trec_eval P_k)', () => {
  const query = judged(['r1', 'n1', 'r2'], { r1: 1, r2: 2, n1: 0, r3: 1 });

  it('counts relevant docs in the top k over k', () => {
    // top 2 = r1, n1 -> 1/2
    expect(precisionAt(query, 2)).toBeCloseTo(0.5, 12);
    // top 1 = r1 -> 1/1
    expect(precisionAt(query, 1)).toBeCloseTo(1, 12);
  });

  it('divides by k even when fewer than k docs were retrieved', () => {
    // 3 retrieved, 2 relevant -> P_5 = 2/5, P_10 = 2/10 (not 2/3)
    expect(precisionAt(query, 5)).toBeCloseTo(0.4, 12);
    expect(precisionAt(query, 10)).toBeCloseTo(0.2, 12);
  });

  it('does not count zero, negative or unjudged docs', () => {
    expect(precisionAt(judged(['z', 'n', 'x'], { z: 0, n: -1 }), 3)).toBe(0);
  });
});
