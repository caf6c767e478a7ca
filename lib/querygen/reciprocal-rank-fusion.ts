/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): each document scores
 * sum over rankings of 1 / (k + rank), with k = 60 as in the paper. Used to merge the rankings of
 * several generated queries (and several models) into one.
 */
import type { ScoredDocument } from '../evaluation/types';
import { compareTrecEval } from '../evaluation/trec-order';

export const RRF_K = 60;

/** Fuses rankings (each already ordered best first) into one, ordered the trec_eval way. */
export function reciprocalRankFusion(rankings: readonly (readonly ScoredDocument[])[], k: number = RRF_K): ScoredDocument[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((doc, index) => scores.set(doc.docId, (scores.get(doc.docId) ?? 0) + 1 / (k + index + 1)));
  }
  return [...scores].map(([docId, score]) => ({ docId, score })).sort(compareTrecEval);
}
