/**
 * A RAG item's scores, as item_metrics values: the ranked measures of its context (the k
 * passages given to the model, in their order, scored like any generator's ranking, so nDCG@10
 * says how good the context was), and its citation measures (citation-measures.ts) when an
 * answer was read. An item whose call failed keeps its context scores and has no citation values.
 */
import { evaluateRun } from '../evaluation/evaluate';
import type { Qrels } from '../evaluation/types';
import { itemMeasures } from '../querygen/execute-queries';
import { citationMetrics } from './citation-measures';
import type { RagItem } from './rag-generator';

export function ragItemMetrics(rag: RagItem, questionId: string, qrels: Qrels, top: number): Record<string, number> {
  const judged = qrels.get(questionId);
  const ranked = judged
    ? evaluateRun(new Map([[questionId, rag.context]]), new Map([[questionId, judged]]), itemMeasures(top), { depth: top }).perQuery.get(questionId) ?? {}
    : {};
  const cited = rag.read
    ? citationMetrics({ contextIds: rag.context.map((c) => c.docId), cited: rag.read.cited, hallucinated: rag.read.hallucinated, judgments: judged })
    : {};
  return { ...ranked, ...cited };
}
