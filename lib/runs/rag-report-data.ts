/**
 * The RAG part of a benchmark run's report (its view model): per RAG generator the summary
 * (rag-summary.ts: citation precision and recall with intervals, hallucinated citations, latency
 * split, cache-hit latency), and a bounded per-question table of the answers with their
 * citations (each marked in the context or not, and relevant or not per the qrels) and the
 * item's citation precision and recall. Answers are untrusted model output: carried as text,
 * cut to MAX_RAG_ANSWER_CHARS; the renderer escapes them.
 */
import type { Store } from '../store/store';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { loadQrels } from '../datasets/catalog';
import { RAG_MEASURES } from '../rag/citation-measures';
import { countRagAnswers, loadRagAnswers } from '../rag/rag-answers';
import type { CitationHow } from '../rag/rag-answer-reading';
import type { RagGeneratorSummary } from './rag-summary';

/** Answers listed in the per-question table; the rest stay in the database (rag_answers). */
export const MAX_RAG_ANSWER_ROWS = 400;
/** Characters of an answer shown. */
export const MAX_RAG_ANSWER_CHARS = 1_500;

export interface RagCitationCell {
  /** The passage id, or the citation as written when it is not in the context. */
  id: string;
  raw: string;
  how: CitationHow;
  /** Per the qrels: true relevant, false judged not relevant or unjudged; null when the question is unjudged. */
  relevant: boolean | null;
}

export interface RagAnswerRow {
  queryId: string;
  question: string | null;
  generator: string;
  repeat: number;
  answer: string | null;
  citations: RagCitationCell[];
  contextIds: string[];
  citationPrecision: number | null;
  citationRecall: number | null;
  retrievalMs: number;
  llmMs: number | null;
  cacheHit: boolean | null;
}

export interface RagReportData {
  generators: RagGeneratorSummary[];
  answers: RagAnswerRow[];
  /** Every RAG item of the run (answers beyond MAX_RAG_ANSWER_ROWS are not listed). */
  answerCount: number;
}

/** The run's RAG view model; null for a run without RAG items. */
export async function loadRagReportData(store: Store, runId: string, dataset: string | null, generators: RagGeneratorSummary[], questions: ReadonlyMap<string, string>): Promise<RagReportData | null> {
  if (generators.length === 0) return null;
  const stored = await loadRagAnswers(store, runId, MAX_RAG_ANSWER_ROWS, MAX_RAG_ANSWER_CHARS);
  const metrics = await store.all<{ item_key: string; measure: string; value: number }>(
    `SELECT item_key, measure, value FROM item_metrics WHERE run_id = $run AND measure IN ($precision, $recall) AND list_contains($keys, item_key)`,
    { run: runId, precision: RAG_MEASURES.citation_precision.name, recall: RAG_MEASURES.citation_recall.name, keys: listValue(stored.map((a) => a.itemKey)) },
    { keys: LIST(VARCHAR) },
  );
  const value = (key: string, measure: string) => metrics.find((m) => m.item_key === key && m.measure === measure)?.value ?? null;
  const qrels = dataset !== null ? await loadQrels(store, dataset) : new Map<string, Map<string, number>>();
  const answers = stored.map((a): RagAnswerRow => {
    const judged = qrels.get(a.queryId);
    return {
      queryId: a.queryId, question: questions.get(a.queryId) ?? null, generator: a.generator, repeat: a.repeat, answer: a.answer,
      citations: a.citationReads.map((c) => ({ id: c.id, raw: c.raw, how: c.how, relevant: judged ? (judged.get(c.id) ?? 0) > 0 : null })),
      contextIds: a.contextIds,
      citationPrecision: value(a.itemKey, RAG_MEASURES.citation_precision.name),
      citationRecall: value(a.itemKey, RAG_MEASURES.citation_recall.name),
      retrievalMs: a.retrievalMs, llmMs: a.llmMs, cacheHit: a.cacheHit,
    };
  });
  return { generators, answers, answerCount: await countRagAnswers(store, runId) };
}
