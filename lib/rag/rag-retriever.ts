/**
 * Where a RAG generator's passages come from: the RagRetriever interface (a question in, the top
 * k passages out, each with its document id, text and score), and its BM25 implementation over
 * a suite's search backend (lib/backends): the question as an OR query of its analyzed words,
 * as the question-or baseline and a `{type: bm25}` strategy rank it, the top k ranked by the
 * backend, their text fetched by id. The dense and hybrid retrievers (embedding-retrievers.ts)
 * implement the same interface. The backend is reached through a SearchAccess, so the engine decides how the store
 * is visited (one short visit per question; it is never held during an LLM call).
 */
import type { SearchBackend } from '../backends/search-backend';
import type { ScoredDocument } from '../evaluation/types';
import { questionAsOrQuery } from '../querygen/question-or-baseline';
import type { ItemErrorKind, PrepareContext } from '../querygen/types';
import type { Analyzer } from '../text/analyzer';

export interface RetrievedPassage {
  docId: string;
  text: string;
  score: number;
}

export interface RagRetriever {
  /** How the retriever is named in rag_answers and reports, e.g. `bm25`. */
  readonly id: string;
  /** The embedding model the retriever runs (dense, hybrid); none for bm25. */
  readonly embeddingModel?: string | undefined;
  retrieve(question: { id: string; text: string }, k: number): Promise<RetrievedPassage[]>;
  /** Work before the first question (dense, hybrid: the document embeddings); once per run. */
  prepare?(context: PrepareContext): Promise<void>;
  /** Retrieval time spent for this question before it was asked (hybrid: its share of the one dense search), in ms. */
  precomputedMs?(questionId: string): number;
}

/** A question the retriever could not serve (its embedding failed after its retries): the item is an error, the run goes on. */
export class RetrievalFailure extends Error {
  constructor(message: string, readonly kind: ItemErrorKind) {
    super(message);
    this.name = 'RetrievalFailure';
  }
}

/** Runs `work` with the suite's search backend (the engine opens the store around it). */
export type SearchAccess = <T>(work: (backend: SearchBackend) => Promise<T>) => Promise<T>;

/** The fields of a document as one passage: title first, then the text, then any other field. */
export function passageText(fields: Record<string, string> | undefined): string {
  if (!fields) return '';
  const ordered = [fields['title'], fields['text'], ...Object.entries(fields).filter(([k]) => k !== 'title' && k !== 'text').map(([, v]) => v)];
  return ordered.filter((v): v is string => typeof v === 'string' && v.trim() !== '').join('\n');
}

/** The question's BM25 ranking on the backend, top `top`: its OR query (empty when the question has no words). */
export async function bm25Ranking(backend: SearchBackend, question: { id: string; text: string }, analyzer: Analyzer, top: number): Promise<ScoredDocument[]> {
  const query = questionAsOrQuery(question.text, analyzer);
  if (query === '') return [];
  const [result] = await backend.search([{ key: question.id, text: query }], { top });
  if (!result) return [];
  // The query is the analyzer's own words joined with OR: it always parses.
  if (!result.ok) throw new Error(`the question's OR query did not parse at ${result.error.position}: ${result.error.message}`);
  return result.results;
}

/** The ranked documents as passages: each with its text (passageText), fetched by id in one read. */
export async function documentPassages(backend: SearchBackend, ranked: readonly ScoredDocument[]): Promise<RetrievedPassage[]> {
  if (ranked.length === 0) return [];
  const documents = await backend.fetchDocuments(ranked.map((r) => r.docId));
  return ranked.map((r) => ({ docId: r.docId, score: r.score, text: passageText(documents.get(r.docId)) }));
}

export class Bm25RagRetriever implements RagRetriever {
  readonly id = 'bm25';

  constructor(private readonly access: SearchAccess, private readonly analyzer: Analyzer) {}

  async retrieve(question: { id: string; text: string }, k: number): Promise<RetrievedPassage[]> {
    if (questionAsOrQuery(question.text, this.analyzer) === '') return [];
    return this.access(async (backend) => documentPassages(backend, await bm25Ranking(backend, question, this.analyzer, k)));
  }
}
