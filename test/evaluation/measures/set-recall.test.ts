import { describe, expect, it } from 'vitest';

import { setRecall } from '../../../lib/evaluation/measures/set-recall';
import { judged } from '../judged';

describe('setRecall (trec_eval set_recall)', () => {
  it('divides relevant retrieved by all relevant judgments (grade >= 1)', () => {
    // relevant: a, b, c (b unretrieved); n (0) and m (-1) are not relevant
    const query = judged(['a', 'n', 'c', 'm', 'x'], { a: 3, b: 1, c: 1, n: 0, m: -1 });
    expect(setRecall(query)).toBe(2 / 3);
  });

  it('is 1 when every relevant document is retrieved, however deep', () => {
    const ranked = [...Array.from({ length: 50 }, (_, i) => `n${i}`), 'r'];
    expect(setRecall(judged(ranked, { r: 1 }))).toBe(1);
  });

  it('is 0 when the query has no relevant document (trec_eval leaves the value at 0.0)', () => {
    expect(setRecall(judged(['a', 'b'], { a: 0, b: -1 }))).toBe(0);
  });

  it('is 0 for an empty retrieval', () => {
    expect(setRecall(judged([], { a: 1 }))).toBe(0);
  });
});
