import { describe, expect, it } from 'vitest';

import { buildJudgedRanking } from '../../../lib/evaluation/judged-ranking';
import { precisionAt } from '../../../lib/evaluation/measures/precision-at';
import { setPrecision } from '../../../lib/evaluation/measures/set-precision';
import { judged } from '../judged';

describe('setPrecision (trec_eval set_P)', () => {
  it('divides relevant retrieved by the number retrieved', () => {
    // a (2) and c (1) relevant; n (0), m (-1) and x (unjudged) are not; b relevant but unretrieved
    const query = judged(['a', 'n', 'x', 'c', 'm'], { a: 2, b: 1, c: 1, n: 0, m: -1 });
    expect(setPrecision(query)).toBe(2 / 5);
  });

  it('does not fill a short ranking up to a cutoff, unlike P_k', () => {
    const query = judged(['a', 'n'], { a: 1, n: 0 });
    expect(setPrecision(query)).toBe(1 / 2);
    expect(precisionAt(query, 10)).toBe(1 / 10);
  });

  it('counts only the documents kept by the evaluation depth (-M)', () => {
    const docs = [
      { docId: 'n1', score: 3 },
      { docId: 'r1', score: 2 },
      { docId: 'r2', score: 1 },
    ];
    const judgments = new Map([['n1', 0], ['r1', 1], ['r2', 1]]);
    expect(setPrecision(buildJudgedRanking('q', docs, judgments, 2))).toBe(1 / 2);
    expect(setPrecision(buildJudgedRanking('q', docs, judgments, 3))).toBe(2 / 3);
  });

  it('is 0 for an empty retrieval (trec_eval leaves the value at 0.0)', () => {
    expect(setPrecision(judged([], { a: 1 }))).toBe(0);
  });

  it('is 0 when the query has no relevant document', () => {
    expect(setPrecision(judged(['a', 'b'], { a: 0 }))).toBe(0);
  });
});
