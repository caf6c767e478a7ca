import { describe, expect, it } from 'vitest';

import { numRelevant, numRelevantRetrieved, numRetrieved } from '../../../lib/evaluation/measures/counts';
import { judged } from '../judged';

describe('count measures (num_ret, num_rel, num_rel_ret)', () => {
  // retrieved: a (2), n (0), x (unjudged), m (-1); judged but unretrieved: b (1)
  const query = judged(['a', 'n', 'x', 'm'], { a: 2, b: 1, n: 0, m: -1 });

  it('counts retrieved docs', () => {
    expect(numRetrieved(query)).toBe(4);
  });

  it('counts relevant judgments (grade >= 1) whether retrieved or not', () => {
    expect(numRelevant(query)).toBe(2);
  });

  it('counts relevant retrieved docs', () => {
    expect(numRelevantRetrieved(query)).toBe(1);
  });
});
