/**
 * Hodges-Lehmann estimates and their distribution-free intervals, checked without SciPy (which
 * has no Hodges-Lehmann estimator):
 *  - a published example: W. R. Stephenson, Iowa State University Stat 403 notes, "Walsh
 *    averages" (http://www.public.iastate.edu/~wrstephe/stat403/Walshties/Walshties.html):
 *    daily highs 31 32 20 36 23 24 27 28 30; the median of the 45 Walsh averages (the 23rd) is
 *    28, and the 7th to the 39th ordered Walsh averages, 24 to 31.5, form a 94.6% interval
 *    (Table G: P(T <= 6) = 0.027 for n = 9, so 1 - 2·14/512 = 0.9453);
 *  - brute force in this file: every Walsh average / pairwise difference listed and sorted,
 *    the signed-rank null distribution by enumerating all 2^n sign patterns, the Mann-Whitney
 *    one by enumerating all C(m + n, m) arrangements;
 *  - duality: just inside each bound the (SciPy-matched) rank test does not reject at α, just
 *    outside it does, for the exact and the tie-corrected normal intervals.
 */
import { describe, expect, it } from 'vitest';

import { hodgesLehmannPaired, hodgesLehmannShift, type HodgesLehmannOutcome, type HodgesLehmannResult } from '../../lib/stats/hodges-lehmann';
import { differenceOrderStatistics, walshOrderStatistics } from '../../lib/stats/order-statistic';
import { mannWhitneyU } from '../../lib/stats/mann-whitney-u';
import { wilcoxonSignedRank } from '../../lib/stats/wilcoxon-signed-rank';
import { seededRandom as seeded } from '../../lib/stats/seeded-random';

const seededRandom = (seed: number): (() => number) => seeded(seed).uniform;

function computed(r: HodgesLehmannOutcome): HodgesLehmannResult {
  if (r.degenerate) throw new Error(r.reason);
  return r;
}

const walshList = (d: readonly number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < d.length; i += 1) for (let j = i; j < d.length; j += 1) out.push(((d[i] as number) + (d[j] as number)) / 2);
  return out.sort((a, b) => a - b);
};
const differenceList = (x: readonly number[], y: readonly number[]): number[] => x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
const median = (sorted: readonly number[]): number => {
  const m = sorted.length;
  return m % 2 === 1 ? (sorted[(m - 1) / 2] as number) : ((sorted[m / 2 - 1] as number) + (sorted[m / 2] as number)) / 2;
};

/** P(T+ <= j) for j = 0.., by listing all 2^n sign patterns of the ranks 1..n. */
function signedRankCdfByEnumeration(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  for (let mask = 0; mask < 2 ** n; mask += 1) {
    let sum = 0;
    for (let r = 1; r <= n; r += 1) if (mask & (1 << (r - 1))) sum += r;
    counts[sum] = (counts[sum] as number) + 1;
  }
  let cumulative = 0;
  return counts.map((c) => (cumulative += c) / 2 ** n);
}

/** P(U <= j) for j = 0.., by listing every choice of the m ranks of x among m + n. */
function mannWhitneyCdfByEnumeration(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  const choose = (start: number, left: number, rankSum: number): void => {
    if (left === 0) {
      const u = rankSum - (m * (m + 1)) / 2;
      counts[u] = (counts[u] as number) + 1;
      return;
    }
    for (let r = start; r <= m + n - left + 1; r += 1) choose(r + 1, left - 1, rankSum + r);
  };
  choose(1, m, 0);
  const total = counts.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  return counts.map((c) => (cumulative += c) / total);
}

/** k with k - 1 = max { j : cdf(j) <= α/2 }, from a listed cdf. */
function rankFromCdf(cdf: readonly number[], alpha: number): number {
  let k = 1;
  cdf.forEach((p, j) => {
    if (p <= alpha / 2) k = j + 1;
  });
  return k;
}

describe('hodgesLehmannPaired', () => {
  const temperatures = [31, 32, 20, 36, 23, 24, 27, 28, 30];
  const zeros = temperatures.map(() => 0);

  it('reproduces the published example: estimate 28, the 7th to 39th Walsh averages 24 to 31.5 at 94.5%', () => {
    const r = computed(hodgesLehmannPaired(temperatures, zeros, { confidenceLevel: 0.945 }));
    expect(r.estimate).toBe(28);
    expect(r.elements).toBe(45);
    expect(r.rank).toBe(7);
    expect(r.interval).toEqual([24, 31.5]);
    expect(r.intervalMethod).toBe('exact');
    expect(r.achievedConfidenceLevel).toBeCloseTo(1 - (2 * 14) / 512, 15);
    // At 95% the 6th and 40th (R's qsignrank convention), covering 1 - 2·10/512.
    const r95 = computed(hodgesLehmannPaired(temperatures, zeros));
    expect([r95.rank, r95.interval, r95.achievedConfidenceLevel]).toEqual([6, [23.5, 32], 1 - 20 / 512]);
  });

  it('agrees with brute force: median of the listed Walsh averages, k from the enumerated signed-rank distribution', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 40; trial += 1) {
      const n = 1 + Math.floor(random() * 12);
      const x = Array.from({ length: n }, () => Math.round(random() * 1e6) / 1e3);
      const y = Array.from({ length: n }, () => Math.round(random() * 1e6) / 1e3);
      const d = x.map((v, i) => Number((v - (y[i] as number)).toPrecision(12)));
      if (new Set(d).size < n) continue; // ties switch to the approximation
      for (const level of [0.8, 0.9, 0.95, 0.99]) {
        const r = computed(hodgesLehmannPaired(x, y, { confidenceLevel: level }));
        const walsh = walshList(d);
        const cdf = signedRankCdfByEnumeration(n);
        const k = rankFromCdf(cdf, 1 - level);
        expect(r.intervalMethod).toBe('exact');
        expect(r.estimate).toBe(median(walsh));
        expect(r.rank).toBe(k);
        expect(r.interval).toEqual([walsh[k - 1], walsh[walsh.length - k]]);
        expect(r.achievedConfidenceLevel).toBeCloseTo(1 - 2 * (cdf[k - 1] as number), 12);
      }
    }
  });

  it('inverts the exact signed-rank test: rejected just outside each bound, not just inside', () => {
    const a = [12.1, 15.3, 9.8, 20.4, 11.7, 14.2, 18.9, 10.5, 13.3, 16.8, 21.6, 8.4];
    const b = [10.2, 14.1, 10.9, 16.0, 9.3, 14.8, 15.5, 9.1, 12.0, 13.9, 17.5, 9.3];
    const r = computed(hodgesLehmannPaired(a, b));
    expect(r.intervalMethod).toBe('exact');
    // The differences are multiples of 0.1 (no two equal), so the Walsh averages lie on a grid of 0.05.
    const gap = 0.05;
    const p = (theta: number): number => {
      const t = wilcoxonSignedRank(a, b.map((v) => v + theta), { method: 'exact' });
      if (t.degenerate) throw new Error(t.reason);
      return t.pValue;
    };
    const [low, high] = r.interval;
    expect(p(low + gap / 4)).toBeGreaterThan(0.05);
    expect(p(low - gap / 4)).toBeLessThanOrEqual(0.05);
    expect(p(high - gap / 4)).toBeGreaterThan(0.05);
    expect(p(high + gap / 4)).toBeLessThanOrEqual(0.05);
  });

  it('inverts the tie-corrected normal approximation when differences are tied', () => {
    // Differences on a grid of 1 with repeats: Walsh averages on a grid of 0.5.
    const d = [3, 3, -1, 5, 2, 2, 2, 7, -2, 4, 1, 6, 3, 0, 8, 2, 5, -3, 4, 4];
    const zero = d.map(() => 0);
    const r = computed(hodgesLehmannPaired(d, zero));
    expect(r.intervalMethod).toBe('approx');
    expect(r.estimate).toBe(median(walshList(d)));
    const p = (theta: number): number => {
      const t = wilcoxonSignedRank(d, zero.map(() => theta), { method: 'approx' });
      if (t.degenerate) throw new Error(t.reason);
      return t.pValue;
    };
    const [low, high] = r.interval;
    expect(p(low + 0.25)).toBeGreaterThanOrEqual(0.05);
    expect(p(low - 0.25)).toBeLessThan(0.05);
    expect(p(high - 0.25)).toBeGreaterThanOrEqual(0.05);
    expect(p(high + 0.25)).toBeLessThan(0.05);
  });

  it('is 0 with the interval [0, 0] when every difference is zero, and degenerate without pairs', () => {
    const r = computed(hodgesLehmannPaired([0.3, 0.1 + 0.2, 0.5], [0.3, 0.3, 0.5]));
    expect([r.estimate, r.interval]).toEqual([0, [0, 0]]);
    expect(hodgesLehmannPaired([], []).degenerate).toBe(true);
    expect(hodgesLehmannPaired([1, Number.NaN], [1, 2]).degenerate).toBe(true);
  });

  it('says when too few pairs reach the level: the whole range, with the coverage it has', () => {
    const r = computed(hodgesLehmannPaired([1, 2, 4], [0, 0, 0]));
    expect(r.rank).toBe(1);
    expect(r.interval).toEqual([1, 4]);
    expect(r.achievedConfidenceLevel).toBeCloseTo(1 - 2 / 8, 15);
    expect(r.method).toMatch(/achieved 75%/);
  });
});

describe('hodgesLehmannShift', () => {
  it('agrees with brute force: median of the listed differences, k from the enumerated U distribution', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 30; trial += 1) {
      const m = 1 + Math.floor(random() * 7);
      const n = 1 + Math.floor(random() * 7);
      // Rounded to 12 significant digits, as the estimate rounds its inputs.
      const x = Array.from({ length: m }, () => Number((Math.round(random() * 1e5) / 100).toPrecision(12)));
      const y = Array.from({ length: n }, () => Number((Math.round(random() * 1e5) / 100 - 100).toPrecision(12)));
      if (new Set(x).size < m || new Set(y).size < n) continue;
      const cdf = mannWhitneyCdfByEnumeration(m, n);
      for (const level of [0.8, 0.95]) {
        const r = computed(hodgesLehmannShift(x, y, { confidenceLevel: level }));
        const diffs = differenceList(x, y);
        const k = rankFromCdf(cdf, 1 - level);
        expect(r.intervalMethod).toBe('exact');
        expect(r.estimate).toBe(median(diffs));
        expect(r.rank).toBe(k);
        expect(r.interval).toEqual([diffs[k - 1], diffs[diffs.length - k]]);
        expect(r.achievedConfidenceLevel).toBeCloseTo(1 - 2 * (cdf[k - 1] as number), 12);
      }
    }
  });

  it('inverts the tie-corrected Mann-Whitney approximation when values are tied within a sample', () => {
    const x = [5, 7, 7, 9, 12, 12, 12, 15, 16, 20, 22, 25, 5, 8];
    const y = [1, 3, 3, 4, 6, 6, 8, 10, 11, 11, 13];
    const r = computed(hodgesLehmannShift(x, y));
    expect(r.intervalMethod).toBe('approx');
    expect(r.estimate).toBe(median(differenceList(x, y)));
    const p = (theta: number): number => {
      const t = mannWhitneyU(x.map((v) => v - theta), y, { method: 'asymptotic', useContinuity: false });
      if (t.degenerate) throw new Error(t.reason);
      return t.pValue;
    };
    const [low, high] = r.interval;
    expect(p(low + 0.25)).toBeGreaterThanOrEqual(0.05);
    expect(p(low - 0.25)).toBeLessThan(0.05);
    expect(p(high - 0.25)).toBeGreaterThanOrEqual(0.05);
    expect(p(high + 0.25)).toBeLessThan(0.05);
  });
});

describe('order statistics without listing', () => {
  it('select the same Walsh averages and differences as a sorted list, ties and negatives included', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 25; trial += 1) {
      const n = 1 + Math.floor(random() * 150);
      const d = Array.from({ length: n }, () => (random() < 0.3 ? Math.round(random() * 5) : (random() - 0.5) * 1e3));
      const walsh = walshList(d);
      const ks = [1, walsh.length, ...Array.from({ length: 20 }, () => 1 + Math.floor(random() * walsh.length))];
      expect(walshOrderStatistics(d, ks)).toEqual(ks.map((k) => walsh[k - 1]));
      const y = Array.from({ length: 1 + Math.floor(random() * 150) }, () => (random() < 0.3 ? 2 : random() * 50));
      const diffs = differenceList(d, y);
      const kd = [1, diffs.length, ...Array.from({ length: 20 }, () => 1 + Math.floor(random() * diffs.length))];
      expect(differenceOrderStatistics(d, y, kd)).toEqual(kd.map((k) => diffs[k - 1]));
    }
  });

  it('handle 20,000 pairs (2·10^8 Walsh averages) quickly', () => {
    const random = seededRandom(5);
    const a = Array.from({ length: 20_000 }, () => 500 + random() * 4000);
    const b = a.map((v) => v * (0.8 + random() * 0.3));
    const started = Date.now();
    const r = computed(hodgesLehmannPaired(b, a));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.intervalMethod).toBe('approx');
    expect(r.interval[0]).toBeLessThan(r.estimate);
    expect(r.interval[1]).toBeGreaterThan(r.estimate);
    expect(r.estimate).toBeLessThan(0);
  });
});
