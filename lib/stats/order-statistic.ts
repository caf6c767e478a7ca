/**
 * Owns selection of the k-th smallest of the n(n + 1)/2 Walsh averages (d_i + d_j)/2, i <= j,
 * of a sample, and of the k-th smallest of the m·n pairwise differences x_i - y_j of two samples,
 * without listing them all: the Hodges-Lehmann estimates and their intervals are such order
 * statistics, and a run of 20,000 paired items has 2·10^8 Walsh averages. Both sets are counted
 * below a value t in O(n) on the sorted samples (two pointers: the count is monotone in t), the
 * value is bisected until few candidates are left, and those are listed and sorted. Each
 * element is computed with the same floating-point expression everywhere, so the result is
 * exactly the value a brute-force listing gives. Written by hand: no npm package selects from
 * implicit sets of this kind.
 */

/** An implicit multiset of numbers that can be counted and partly listed. */
interface ImplicitSet {
  readonly size: number;
  readonly min: number;
  readonly max: number;
  /** Elements <= t. */
  countAtMost(t: number): number;
  /** Elements in (lo, hi]. */
  listBetween(lo: number, hi: number): number[];
}

/** The k-th smallest (1-based) element of the set. */
function select(set: ImplicitSet, k: number, candidates: number): number {
  if (!(k >= 1 && k <= set.size)) throw new RangeError(`k must be between 1 and ${set.size}, got ${k}`);
  let lo = set.min;
  let below = set.countAtMost(lo);
  if (below >= k) return lo;
  let hi = set.max;
  let atHi = set.size;
  // Invariant: below = count(<= lo) < k <= count(<= hi) = atHi.
  while (atHi - below > candidates) {
    const span = hi - lo;
    const mid = Number.isFinite(span) ? lo + span / 2 : lo / 2 + hi / 2;
    // No double lies strictly between lo and hi: every element in (lo, hi] equals hi.
    if (mid <= lo || mid >= hi) return hi;
    const count = set.countAtMost(mid);
    if (count >= k) {
      hi = mid;
      atHi = count;
    } else {
      lo = mid;
      below = count;
    }
  }
  const values = set.listBetween(lo, hi).sort((a, b) => a - b);
  return values[k - below - 1] as number;
}

/** Ascending copy. */
function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The Walsh average of two values, as every function here computes it. */
export function walshAverage(a: number, b: number): number {
  return (a + b) / 2;
}

function walshSet(d: readonly number[]): ImplicitSet {
  const n = d.length;
  const at = (i: number): number => d[i] as number;
  // Largest j >= i with walsh(i, j) <= t, found by a pointer that only moves down as i grows.
  const countAtMost = (t: number): number => {
    let count = 0;
    let j = n - 1;
    for (let i = 0; i < n; i += 1) {
      while (j >= i && walshAverage(at(i), at(j)) > t) j -= 1;
      if (j < i) break;
      count += j - i + 1;
    }
    return count;
  };
  const listBetween = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    let jHi = n - 1;
    let jLo = n - 1;
    for (let i = 0; i < n; i += 1) {
      while (jHi >= i && walshAverage(at(i), at(jHi)) > hi) jHi -= 1;
      if (jHi < i) break;
      while (jLo >= i && walshAverage(at(i), at(jLo)) > lo) jLo -= 1;
      for (let j = Math.max(jLo + 1, i); j <= jHi; j += 1) out.push(walshAverage(at(i), at(j)));
    }
    return out;
  };
  return { size: (n * (n + 1)) / 2, min: at(0), max: at(n - 1), countAtMost, listBetween };
}

function differenceSet(x: readonly number[], y: readonly number[]): ImplicitSet {
  const m = y.length;
  const xi = (i: number): number => x[i] as number;
  const yj = (j: number): number => y[j] as number;
  // For each x_i, the y_j with x_i - y_j <= t form a suffix of y; its start only moves up as x_i grows.
  const countAtMost = (t: number): number => {
    let count = 0;
    let start = 0;
    for (let i = 0; i < x.length; i += 1) {
      while (start < m && xi(i) - yj(start) > t) start += 1;
      count += m - start;
    }
    return count;
  };
  const listBetween = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    let startHi = 0;
    let startLo = 0;
    for (let i = 0; i < x.length; i += 1) {
      while (startHi < m && xi(i) - yj(startHi) > hi) startHi += 1;
      while (startLo < m && xi(i) - yj(startLo) > lo) startLo += 1;
      for (let j = startHi; j < startLo; j += 1) out.push(xi(i) - yj(j));
    }
    return out;
  };
  return { size: x.length * m, min: xi(0) - yj(m - 1), max: xi(x.length - 1) - yj(0), countAtMost, listBetween };
}

const candidateLimit = (n: number): number => Math.max(1024, 4 * n);

/** Order statistics of the Walsh averages of `d`: k-th smallest for each k asked (1-based). */
export function walshOrderStatistics(d: readonly number[], ks: readonly number[]): number[] {
  if (d.length === 0) throw new RangeError('no values');
  const set = walshSet(sorted(d));
  return ks.map((k) => select(set, k, candidateLimit(d.length)));
}

/** Order statistics of the pairwise differences x_i - y_j: k-th smallest for each k asked (1-based). */
export function differenceOrderStatistics(x: readonly number[], y: readonly number[], ks: readonly number[]): number[] {
  if (x.length === 0 || y.length === 0) throw new RangeError('no values');
  const set = differenceSet(sorted(x), sorted(y));
  return ks.map((k) => select(set, k, candidateLimit(x.length + y.length)));
}

/** The median of a set of `size` elements from its order statistics (mean of the middle two when even). */
export function medianRanks(size: number): [number, number] {
  return size % 2 === 1 ? [(size + 1) / 2, (size + 1) / 2] : [size / 2, size / 2 + 1];
}
