/**
 * Rank fusion for hybrid retrieval: combines a lexical ranking (BM25, or the fused results of an
 * LLM's boolean queries) with a dense one.
 *
 * - RRF (Cormack, Clarke and Büttcher, SIGIR 2009): score = sum over rankings of 1 / (k + rank),
 *   k = 60 by default; ranks only, no score normalization.
 * - CombSUM and CombMNZ (Fox and Shaw, TREC-2 1994): each ranking's scores are normalized first,
 *   min-max (s - min) / (max - min) (a ranking whose scores are all equal gives 1 to each), or
 *   z-score (s - mean) / standard deviation (population; 0 when the deviation is 0); CombSUM
 *   adds a document's normalized scores, CombMNZ multiplies that sum by the number of rankings
 *   that hold the document. A document missing from a ranking gets nothing from it.
 *
 * The result is ordered as trec_eval orders a run (score descending, doc id descending).
 */
import type { ScoredDocument } from '../evaluation/types';
import { compareTrecEval } from '../evaluation/trec-order';
import { reciprocalRankFusion, RRF_K } from './reciprocal-rank-fusion';

export type FusionMethod = 'rrf' | 'combsum' | 'combmnz';
export type ScoreNormalization = 'minmax' | 'zscore';

export interface FusionSettings {
  method: FusionMethod;
  normalize: ScoreNormalization;
  rrfK: number;
}

export const DEFAULT_FUSION: FusionSettings = { method: 'rrf', normalize: 'minmax', rrfK: RRF_K };

const NORMALIZERS: Record<ScoreNormalization, (scores: number[]) => number[]> = {
  minmax: (scores) => {
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    return scores.map((s) => (max > min ? (s - min) / (max - min) : 1));
  },
  zscore: (scores) => {
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
    return scores.map((s) => (sd > 0 ? (s - mean) / sd : 0));
  },
};

/** `ranking` with its scores normalized. */
export function normalizeScores(ranking: readonly ScoredDocument[], method: ScoreNormalization): ScoredDocument[] {
  if (ranking.length === 0) return [];
  const normalized = NORMALIZERS[method](ranking.map((d) => d.score));
  return ranking.map((d, i) => ({ docId: d.docId, score: normalized[i] as number }));
}

function combine(rankings: readonly (readonly ScoredDocument[])[], normalize: ScoreNormalization, mnz: boolean): ScoredDocument[] {
  const sums = new Map<string, { sum: number; hits: number }>();
  for (const ranking of rankings) {
    for (const d of normalizeScores(ranking, normalize)) {
      const e = sums.get(d.docId) ?? { sum: 0, hits: 0 };
      e.sum += d.score;
      e.hits += 1;
      sums.set(d.docId, e);
    }
  }
  return [...sums].map(([docId, e]) => ({ docId, score: mnz ? e.sum * e.hits : e.sum })).sort(compareTrecEval);
}

const FUSERS: Record<FusionMethod, (rankings: readonly (readonly ScoredDocument[])[], settings: FusionSettings) => ScoredDocument[]> = {
  rrf: (rankings, s) => reciprocalRankFusion(rankings, s.rrfK),
  combsum: (rankings, s) => combine(rankings, s.normalize, false),
  combmnz: (rankings, s) => combine(rankings, s.normalize, true),
};

/** Fuses rankings (each best first) with the given method. */
export function fuseRankings(rankings: readonly (readonly ScoredDocument[])[], settings: FusionSettings = DEFAULT_FUSION): ScoredDocument[] {
  return FUSERS[settings.method](rankings, settings);
}
