/**
 * Test helper: builds a JudgedRanking from docids already in rank order and a plain
 * docid -> grade object, so measure tests state rankings directly.
 */

import type { JudgedRanking } from '../../lib/evaluation/judged-ranking';

export function judged(rankedDocIds: readonly string[], grades: Record<string, number>): JudgedRanking {
  const judgments = new Map(Object.entries(grades));
  return {
    ranked: rankedDocIds.map((docId) => ({ docId, grade: judgments.get(docId) ?? null })),
    judgments,
  };
}
