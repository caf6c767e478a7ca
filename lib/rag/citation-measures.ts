/**
 * The citation measures of a RAG answer, as a small typed registry: each kind has its name (as
 * item_metrics stores it), its label, how a run summarizes it over items, and its pure
 * implementation over one answered question (a kind without a definition is a compile error).
 * Summaries, expectations and reports read the names from here, never as strings of their own.
 *
 *   citation_precision      cited documents that are relevant (qrels grade > 0, as trec_eval's
 *                           default relevance level 1), over the cited documents that were in the
 *                           context given to the model; no value when it cited none of them.
 *   citation_recall         relevant documents of the context that are cited, over the relevant
 *                           documents of the context (the k passages given, not the whole
 *                           collection: the model cannot cite what it was not shown); no value
 *                           when the context held no relevant document.
 *   citations               distinct citations given (in the context or not).
 *   hallucinated_citations  distinct citations that are not ids of the context's passages.
 *
 * Precision and recall have no value for an unjudged question. The run's hallucination rate is
 * sum(hallucinated_citations) / sum(citations) over the generator's items (a micro rate: every
 * citation counts once), see hallucinationRate.
 *
 * Why a registry of its own and not lib/evaluation/measure-registry.ts: that registry owns
 * trec_eval's measures, each computed from a judged ranking (JudgedRanking) and named as
 * trec_eval prints it; every command that takes a measure (`retrieve`, `compare --metric`,
 * `evaluate`) resolves names there and would then accept measures that no ranking can give.
 * Citation measures take another input (the context, the citations, the judgments), have no
 * cutoff or parameter forms and no trec_eval counterpart, so they live here, typed the same way.
 */

/** One answered question, its citations already resolved against the context (rag-answer-reading.ts). */
export interface CitedAnswer {
  /** The ids of the passages given to the model, in their order. */
  contextIds: readonly string[];
  /** Distinct cited ids that are in the context. */
  cited: readonly string[];
  /** Distinct citations that are not ids of the context (as read, normalized). */
  hallucinated: readonly string[];
  /** The question's judgments (doc id -> grade); undefined when the question is not judged. */
  judgments: ReadonlyMap<string, number> | undefined;
}

export const RAG_MEASURE_KINDS = ['citation_precision', 'citation_recall', 'citations', 'hallucinated_citations'] as const;
export type RagMeasureKind = (typeof RAG_MEASURE_KINDS)[number];

export interface RagMeasureDefinition {
  /** The name item_metrics stores (the kind itself). */
  readonly name: RagMeasureKind;
  readonly label: string;
  /** `mean` over items (rates), `sum` over items (counts). */
  readonly summary: 'mean' | 'sum';
  /** The value for one answer; null when it has none (then no item_metrics row is stored). */
  readonly compute: (answer: CitedAnswer) => number | null;
}

const isRelevant = (judgments: ReadonlyMap<string, number>, docId: string): boolean => (judgments.get(docId) ?? 0) > 0;

/** Relevant cited documents over cited documents of the context; null when none of the context is cited or the question is unjudged. */
export function citationPrecision(answer: CitedAnswer): number | null {
  const { judgments, cited } = answer;
  const inContext = new Set(answer.contextIds);
  const citedInContext = [...new Set(cited)].filter((id) => inContext.has(id));
  if (judgments === undefined || citedInContext.length === 0) return null;
  return citedInContext.filter((id) => isRelevant(judgments, id)).length / citedInContext.length;
}

/** Relevant documents of the context that are cited, over the relevant documents of the context; null when there are none or the question is unjudged. */
export function citationRecall(answer: CitedAnswer): number | null {
  const { judgments } = answer;
  if (judgments === undefined) return null;
  const relevant = [...new Set(answer.contextIds)].filter((id) => isRelevant(judgments, id));
  if (relevant.length === 0) return null;
  const cited = new Set(answer.cited);
  return relevant.filter((id) => cited.has(id)).length / relevant.length;
}

/** Every distinct citation given, in the context or not. */
export function citationCount(answer: CitedAnswer): number {
  return new Set(answer.cited).size + new Set(answer.hallucinated).size;
}

/** Distinct citations that are not ids of the context. */
export function hallucinatedCount(answer: CitedAnswer): number {
  return new Set(answer.hallucinated).size;
}

/** Every citation measure kind with its definition. A kind without one fails to compile. */
export const RAG_MEASURES: { readonly [K in RagMeasureKind]: RagMeasureDefinition & { readonly name: K } } = {
  citation_precision: { name: 'citation_precision', label: 'citation precision', summary: 'mean', compute: citationPrecision },
  citation_recall: { name: 'citation_recall', label: 'citation recall', summary: 'mean', compute: citationRecall },
  citations: { name: 'citations', label: 'citations', summary: 'sum', compute: citationCount },
  hallucinated_citations: { name: 'hallucinated_citations', label: 'hallucinated citations', summary: 'sum', compute: hallucinatedCount },
};

/** The names of every citation measure, as item_metrics stores them. */
export const RAG_MEASURE_NAMES: readonly RagMeasureKind[] = RAG_MEASURE_KINDS;

/** An answer's item_metrics values: every measure that has one. */
export function citationMetrics(answer: CitedAnswer): Record<string, number> {
  const values: Record<string, number> = {};
  for (const kind of RAG_MEASURE_KINDS) {
    const value = RAG_MEASURES[kind].compute(answer);
    if (value !== null) values[kind] = value;
  }
  return values;
}

/** Hallucinated citations over all citations (a micro rate); null when nothing was cited. */
export function hallucinationRate(hallucinated: number, citations: number): number | null {
  return citations > 0 ? hallucinated / citations : null;
}
