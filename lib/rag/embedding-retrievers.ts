/**
 * The RAG retrievers over document embeddings: `{type: dense, model, ...}` and
 * `{type: hybrid, model, fusion, ...}` as a RAG generator's `retriever`. Both share the run's
 * embedding pass with `dense:M` / `hybrid:M` generator rows of the same settings
 * (DenseRankingSource, lib/querygen/retrieval-strategies.ts): the document embeddings are computed
 * once, or reused from the store, in `prepare`, before the first question.
 *
 * How passages are labelled (citations are document ids):
 * - dense: the top k CHUNKS (DenseRetriever.retrieveChunks: the question embedded, one vector
 *   search over the chunks, their text read from the documents by offsets). Chunks of one document
 *   become ONE passage under the document's id, placed where its best chunk ranks, scored by that
 *   chunk, its chunks' text in document order (overlapping chunks merged by their offsets, a gap
 *   shown as `...`). So the model sees at most k passages, each id once: the context's ids are
 *   distinct, as citation precision / recall and the context's nDCG need, and a citation of a
 *   document covers every chunk of it that was shown.
 * - hybrid: the fused ranking's top k DOCUMENTS, exactly the `hybrid:M` strategy's ranking cut at
 *   k (the question's BM25 ranking and its dense ranking, both to the suite's top_k, fused by the
 *   entry's method), each with its text as the BM25 retriever gives it (title, then text; the
 *   prompt cuts a passage at MAX_PASSAGE_CHARS). The dense side is ranked for every question of
 *   the run in one search during `prepare`; each question's share of that time is added to its
 *   retrieval latency (precomputedMs).
 */
import type { Analyzer } from '../text/analyzer';
import type { DenseRetriever, RetrievedChunk } from '../embeddings/dense-retriever';
import { fuseRankings, type FusionSettings } from '../querygen/fusion';
import type { DenseRankingSource } from '../querygen/retrieval-strategies';
import { itemErrorKind, type PrepareContext } from '../querygen/types';
import { LlmError } from '../llm/llm-error';
import { bm25Ranking, documentPassages, RetrievalFailure, type RagRetriever, type RetrievedPassage, type SearchAccess } from './rag-retriever';

/** Shown between two chunks of one document that are not adjacent in it. */
export const CHUNK_GAP = ' ... ';

/** Chunks (best first) as passages, one per document: see the module header. */
export function passagesFromChunks(chunks: readonly RetrievedChunk[]): RetrievedPassage[] {
  const byDoc = new Map<string, RetrievedChunk[]>();
  for (const chunk of chunks) {
    const list = byDoc.get(chunk.docId);
    if (list) list.push(chunk);
    else byDoc.set(chunk.docId, [chunk]);
  }
  return [...byDoc].map(([docId, list]) => {
    const best = list[0] as RetrievedChunk;
    const ordered = [...list].sort((a, b) => a.start - b.start);
    let text = '';
    let end = -1;
    for (const c of ordered) {
      if (end < 0) text = c.text;
      else if (c.start <= end) text += c.text.slice(Math.min(c.text.length, end - c.start));
      else text += CHUNK_GAP + c.text;
      end = Math.max(end, c.end);
    }
    return { docId, score: best.score, text };
  });
}

export class DenseRagRetriever implements RagRetriever {
  readonly id: string;
  readonly embeddingModel: string;
  private retriever: DenseRetriever | undefined;

  constructor(private readonly source: DenseRankingSource) {
    this.id = `dense:${source.settings.model}`;
    this.embeddingModel = source.settings.model;
  }

  async prepare(context: PrepareContext): Promise<void> {
    this.retriever = await this.source.embeddings(context);
  }

  async retrieve(question: { id: string; text: string }, k: number): Promise<RetrievedPassage[]> {
    if (!this.retriever) throw new Error(`the ${this.id} retriever was not prepared`);
    const chunks = await this.retriever.retrieveChunks(question.text, k).catch((error: unknown) => {
      if (error instanceof LlmError) throw new RetrievalFailure(`the question could not be embedded: ${error.message}`, itemErrorKind(error.kind));
      throw error;
    });
    return passagesFromChunks(chunks);
  }
}

export class HybridRagRetriever implements RagRetriever {
  readonly id: string;
  readonly embeddingModel: string;
  private topK = 0;

  constructor(
    private readonly source: DenseRankingSource,
    private readonly access: SearchAccess,
    private readonly analyzer: Analyzer,
    private readonly fusion: FusionSettings,
  ) {
    this.id = `hybrid:${source.settings.model}`;
    this.embeddingModel = source.settings.model;
  }

  async prepare(context: PrepareContext): Promise<void> {
    this.topK = context.topK;
    await this.source.ensure(context);
  }

  precomputedMs(questionId: string): number {
    return this.source.ranking(questionId).latencyMs;
  }

  async retrieve(question: { id: string; text: string }, k: number): Promise<RetrievedPassage[]> {
    if (this.topK === 0) throw new Error(`the ${this.id} retriever was not prepared`);
    const dense = this.source.ranking(question.id);
    if (dense.error !== undefined) throw new RetrievalFailure(`the question could not be embedded: ${dense.error}`, 'other');
    const depth = Math.max(this.topK, k);
    return this.access(async (backend) => {
      const lexical = await bm25Ranking(backend, question, this.analyzer, depth);
      const fused = lexical.length === 0 ? dense.documents : fuseRankings([lexical, dense.documents], this.fusion);
      return documentPassages(backend, fused.slice(0, k));
    });
  }
}
