/**
 * Hybrid fusion against values computed by hand: RRF with k = 60, CombSUM and CombMNZ over
 * min-max and z-score normalized scores.
 */
import { describe, expect, it } from 'vitest';

import { fuseRankings, normalizeScores } from '../../lib/querygen/fusion';

const BM25 = [
  { docId: 'a', score: 10 },
  { docId: 'b', score: 6 },
  { docId: 'c', score: 2 },
];
const DENSE = [
  { docId: 'c', score: 0.9 },
  { docId: 'a', score: 0.5 },
  { docId: 'd', score: 0.1 },
];

const scores = (r: { docId: string; score: number }[]) => Object.fromEntries(r.map((d) => [d.docId, Number(d.score.toFixed(6))]));

describe('fusion', () => {
  it('RRF, k = 60: 1/(60+rank) summed', () => {
    const fused = fuseRankings([BM25, DENSE], { method: 'rrf', normalize: 'minmax', rrfK: 60 });
    // a: 1/61 + 1/62 = 0.032522; c: 1/63 + 1/61 = 0.032266; b: 1/62 = 0.016129; d: 1/63 = 0.015873
    expect(fused.map((d) => d.docId)).toEqual(['a', 'c', 'b', 'd']);
    expect(scores(fused)).toEqual({ a: 0.032522, c: 0.032266, b: 0.016129, d: 0.015873 });
  });

  it('min-max: (s - min) / (max - min)', () => {
    expect(scores(normalizeScores(BM25, 'minmax'))).toEqual({ a: 1, b: 0.5, c: 0 });
    expect(scores(normalizeScores([{ docId: 'x', score: 3 }], 'minmax'))).toEqual({ x: 1 });
  });

  it('z-score: (s - mean) / population sd', () => {
    // mean 6, sd sqrt(32/3) = 3.265986: a 1.224745, b 0, c -1.224745
    expect(scores(normalizeScores(BM25, 'zscore'))).toEqual({ a: 1.224745, b: 0, c: -1.224745 });
  });

  it('CombSUM over min-max scores', () => {
    // BM25 minmax: a 1, b 0.5, c 0. Dense minmax: c 1, a 0.5, d 0.
    const fused = fuseRankings([BM25, DENSE], { method: 'combsum', normalize: 'minmax', rrfK: 60 });
    expect(scores(fused)).toEqual({ a: 1.5, c: 1, b: 0.5, d: 0 });
    expect(fused.map((d) => d.docId)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('CombMNZ multiplies by the number of rankings holding the document', () => {
    const fused = fuseRankings([BM25, DENSE], { method: 'combmnz', normalize: 'minmax', rrfK: 60 });
    expect(scores(fused)).toEqual({ a: 3, c: 2, b: 0.5, d: 0 });
  });

  it('CombSUM over z-scores', () => {
    // Dense: mean 0.5, sd sqrt(0.32/3) = 0.326599: c 1.224745, a 0, d -1.224745
    const fused = fuseRankings([BM25, DENSE], { method: 'combsum', normalize: 'zscore', rrfK: 60 });
    expect(scores(fused)).toEqual({ a: 1.224745, c: 0, b: 0, d: -1.224745 });
    expect(fused.map((d) => d.docId)).toEqual(['a', 'c', 'b', 'd']); // c and b tie: doc id descending
  });
});
