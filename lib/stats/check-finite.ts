/**
 * Owns the input check every test runs first: a NaN or an Infinity anywhere makes the test
 * meaningless, and the test returns a degenerate result naming where it was found.
 */

/**
 * Returns a reason such as "x contains NaN at index 3" for the first non-finite value among the
 * named samples, or undefined when all values are finite numbers.
 */
export function nonFiniteReason(samples: Readonly<Record<string, readonly number[]>>): string | undefined {
  for (const [name, values] of Object.entries(samples)) {
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `${name} contains ${String(value)} at index ${i}`;
      }
    }
  }
  return undefined;
}
