/**
 * Owns the hypergeometric probabilities behind Fisher's exact test. The pmf of X = a (top-left
 * cell) given the margins is built outward from its mode with the exact ratio
 * pmf(x + 1) / pmf(x) = (r1 - x)(c1 - x) / ((x + 1)(r2 - c1 + x + 1)) and normalised by its sum,
 * so every term keeps full relative accuracy (no lgamma differences, no 1 - cdf); tails below
 * ~1e-308 of the mode underflow to 0. Written by hand: @stdlib's hypergeometric pmf goes
 * through exp(lgamma sums), which loses relative accuracy for large tables.
 */

/** Support and normalised pmf of X = a for a 2 x 2 table with row totals r1, r2 and first column total c1. */
export interface HypergeometricPmf {
  readonly low: number;
  readonly high: number;
  /** pmf[x - low] = P(X = x). */
  readonly pmf: Float64Array;
}

/** The hypergeometric pmf of the top-left cell given the margins. */
export function hypergeometricPmf(r1: number, r2: number, c1: number): HypergeometricPmf {
  const low = Math.max(0, c1 - r2);
  const high = Math.min(c1, r1);
  const mode = Math.min(high, Math.max(low, Math.floor(((c1 + 1) * (r1 + 1)) / (r1 + r2 + 2))));
  const weights = new Float64Array(high - low + 1);
  weights[mode - low] = 1;
  for (let x = mode; x < high; x += 1) {
    const ratio = ((r1 - x) * (c1 - x)) / ((x + 1) * (r2 - c1 + x + 1));
    weights[x + 1 - low] = (weights[x - low] as number) * ratio;
  }
  for (let x = mode; x > low; x -= 1) {
    const ratio = (x * (r2 - c1 + x)) / ((r1 - x + 1) * (c1 - x + 1));
    weights[x - 1 - low] = (weights[x - low] as number) * ratio;
  }
  let total = 0;
  for (const w of weights) total += w;
  return { low, high, pmf: weights.map((w) => w / total) };
}
