/**
 * Owns ranking with ties: 1-based ranks where tied values share the mean of the ranks they
 * span (scipy.stats.rankdata(method='average')), plus the sizes of the tie groups that the
 * normal approximations of the rank tests need for their variance corrections. Values are
 * compared exactly; callers round with roundSignificant first so decimal ties are real ties.
 */

/** Average ranks and the sizes of tie groups (only groups of 2 or more are listed). */
export interface AverageRanks {
  readonly ranks: number[];
  readonly tieGroupSizes: number[];
}

/** Ranks `values` (1 = smallest), averaging ranks over ties. */
export function averageRanks(values: readonly number[]): AverageRanks {
  const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const ranks = new Array<number>(values.length).fill(0);
  const tieGroupSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const value = values[order[start] as number];
    while (end < order.length && values[order[end] as number] === value) end += 1;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) ranks[order[k] as number] = rank;
    if (end - start > 1) tieGroupSizes.push(end - start);
    start = end;
  }
  return { ranks, tieGroupSizes };
}
