import { describe, expect, it } from 'vitest';
import { pairedInputProblem } from '../../lib/stats/paired-input-problem';

describe('pairedInputProblem', () => {
  it('names what makes paired input unusable, and nothing for usable input', () => {
    expect(pairedInputProblem([1, 2, 3], [1, 2], 2)).toBe('x has 3 values but y has 2');
    expect(pairedInputProblem([1, Number.NaN], [1, 2], 2)).toMatch(/NaN/);
    expect(pairedInputProblem([1], [2], 2)).toBe('needs at least 2 pairs');
    expect(pairedInputProblem([1, 2], [2, 3], 2)).toBeUndefined();
  });
});
