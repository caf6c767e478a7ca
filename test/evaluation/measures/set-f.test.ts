import { describe, expect, it } from 'vitest';

import { setF } from '../../../lib/evaluation/measures/set-f';
import { setPrecision } from '../../../lib/evaluation/measures/set-precision';
import { setRecall } from '../../../lib/evaluation/measures/set-recall';
import { judged } from '../judged';

describe('setF (trec_eval set_F)', () => {
  // P = 2/5 (a, c of 5 retrieved), R = 2/4 (a, c of a, b, c, d)
  const query = judged(['a', 'n', 'c', 'x', 'm'], { a: 1, b: 2, c: 3, d: 1, n: 0, m: -1 });
  const P = 2 / 5;
  const R = 2 / 4;

  it('defaults to x = 1: the harmonic mean of set_P and set_recall', () => {
    expect(setPrecision(query)).toBe(P);
    expect(setRecall(query)).toBe(R);
    expect(setF(query)).toBe((2 * P * R) / (P + R));
    expect(setF(query)).toBeCloseTo(4 / 9, 15);
  });

  it('uses x as the weight (x+1)PR/(xP+R), i.e. x = beta^2', () => {
    expect(setF(query, 3)).toBe(((3 + 1) * P * R) / (3 * P + R));
    // van Rijsbergen F_beta with beta = 3 is x = 9
    const beta = 3;
    expect(setF(query, 9)).toBeCloseTo(((1 + beta * beta) * P * R) / (beta * beta * P + R), 15);
    expect(setF(query, 9)).toBeCloseTo(20 / 41, 15);
  });

  it('is set_P for x = 0 and tends to set_recall for large x', () => {
    expect(setF(query, 0)).toBeCloseTo(P, 15);
    expect(setF(query, 1e9)).toBeCloseTo(R, 6);
  });

  it('is 0 when no relevant document was retrieved, never NaN', () => {
    expect(setF(judged([], { a: 1 }))).toBe(0); // empty retrieval
    expect(setF(judged(['a', 'b'], { a: 0 }))).toBe(0); // no relevant document at all
    expect(setF(judged(['n'], { n: 0, r: 1 }), 9)).toBe(0); // relevant exists, none retrieved
  });

  it('rejects a negative or non-finite weight', () => {
    expect(() => setF(query, -1)).toThrow(RangeError);
    expect(() => setF(query, Number.NaN)).toThrow(RangeError);
    expect(() => setF(query, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
