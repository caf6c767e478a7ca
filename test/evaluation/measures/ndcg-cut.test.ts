import { describe, expect, it } from 'vitest';

import { ndcgCut } from '../../../lib/evaluation/measures/ndcg-cut';
import { judged } from '../judged';

// Grades: a = 2, b = 1, e = 1 (never retrieved), c = 0, d = -1. Ranking: b, c, a, d, x (x unjudged).
const GRADES = { a: 2, b: 1, c: 0, d: -1, e: 1 };
const RANKING = ['b', 'c', 'a', 'd', 'x'];

describe('ndcgCut (trec_eval ndcg_cut_k)', () => {
  it('uses linear gains, log2(rank + 1) discounts and an ideal from all positive grades', () => {
    // DCG@5 = 1/log2(2) [b, rank 1] + 2/log2(4) [a, rank 3] = 1 + 1 = 2   (c: 0, d: -1, x: unjudged add nothing)
    // IDCG@5 = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.6309297535714575 + 0.5
    // nDCG@5 = 2 / 3.1309297535714575
    const value = ndcgCut(judged(RANKING, GRADES), 5);
    expect(value).toBeCloseTo(2 / (2 + 1 / Math.log2(3) + 0.5), 12);
    expect(value).toBeCloseTo(0.6387878864795979, 12);
  });

  it('cuts both DCG and ideal DCG at k', () => {
    // DCG@2 = 1 (b; c is 0). IDCG@2 = 2 + 1/log2(3). nDCG@2 = 1 / 2.6309297535714575
    expect(ndcgCut(judged(RANKING, GRADES), 2)).toBeCloseTo(0.38009376671593426, 12);
  });

  it('scores a cutoff past the end of the ranking against the full ideal at k', () => {
    // Only a (1) retrieved, b (1) judged: DCG@10 = 1; IDCG@10 = 1 + 1/log2(3) -> 0.6131471927654584
    expect(ndcgCut(judged(['a'], { a: 1, b: 1 }), 10)).toBeCloseTo(0.6131471927654584, 12);
  });

  it('is 1 for an ideal ranking', () => {
    expect(ndcgCut(judged(['a', 'b', 'e', 'c'], GRADES), 10)).toBeCloseTo(1, 12);
  });

  it('is 0 when no document has a positive grade, negative grades included', () => {
    expect(ndcgCut(judged(['d', 'c'], { c: 0, d: -1 }), 10)).toBe(0);
  });

  it('rejects a non-positive or fractional cutoff', () => {
    expect(() => ndcgCut(judged(['a'], { a: 1 }), 0)).toThrow(/positive integer/);
    expect(() => ndcgCut(judged(['a'], { a: 1 }), 2.5)).toThrow(/positive integer/);
  });
});
