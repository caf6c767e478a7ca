/**
 * Owns the input checks every paired statistic makes before it computes anything: both sides
 * have the same length, every value is finite, and there are enough pairs. Returns the reason
 * for a degenerate result, or undefined when the input is usable.
 */
import { nonFiniteReason } from './check-finite';

export function pairedInputProblem(x: readonly number[], y: readonly number[], minPairs: number): string | undefined {
  if (x.length !== y.length) return `x has ${x.length} values but y has ${y.length}`;
  const bad = nonFiniteReason({ x, y });
  if (bad !== undefined) return bad;
  if (x.length < minPairs) return `needs at least ${minPairs} pairs`;
  return undefined;
}
