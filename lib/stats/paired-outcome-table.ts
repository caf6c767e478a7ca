/**
 * Owns the 2 x 2 table of paired binary outcomes (did system x / system y get item i right?)
 * that McNemar's test reads its discordant counts from.
 */

/** Counts of items by which of the two systems succeeded. */
export interface PairedOutcomeTable {
  readonly both: number;
  /** Items only x got right (b in the usual [[a, b], [c, d]] layout). */
  readonly xOnly: number;
  /** Items only y got right (c). */
  readonly yOnly: number;
  readonly neither: number;
}

/** Cross-tabulates two equally long arrays of per-item successes. */
export function pairedOutcomeTable(x: readonly boolean[], y: readonly boolean[]): PairedOutcomeTable {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} outcomes but y has ${y.length}`);
  let both = 0;
  let xOnly = 0;
  let yOnly = 0;
  let neither = 0;
  x.forEach((xi, i) => {
    const yi = y[i] === true;
    if (xi && yi) both += 1;
    else if (xi) xOnly += 1;
    else if (yi) yOnly += 1;
    else neither += 1;
  });
  return { both, xOnly, yOnly, neither };
}
