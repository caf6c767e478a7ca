/**
 * Retrieval strategies beside the boolean query generators: each yields a ranking for a question
 * instead of boolean queries to screen, and is scored with the same ranked measures.
 *
 * - `bm25` (id `bm25`): the question as a ranked OR query over the search backend (BM25 on the
 *   embedded engine).
 * - `dense` (id `dense:M`): the documents' top k by the cosine of their chunks' embeddings to the
 *   question's (a document scores the max, or sum, over its chunks).
 * - `hybrid` (id `hybrid:M`): the dense ranking fused (RRF, CombSUM, CombMNZ) with BM25's, or
 *   with the results of the named LLM generator's boolean queries (`with: llm:<model>`).
 *
 * Dense rankings are made before the items run (`prepare`): the documents' embeddings computed or
 * reused, every question embedded in batches, and one vector search for all questions. A dense and
 * a hybrid strategy with the same embedding settings share them (DenseRankingSource). An item's
 * latency is its share of that work (question embedding and search time over the questions).
 */
import type { Query } from '../datasets/types';
import type { ScoredDocument } from '../evaluation/types';
import { DenseRetriever, type DenseSettings } from '../embeddings/dense-retriever';
import { EmbeddingUnavailableError, type EmbeddingClient } from '../embeddings/embedding-client';
import { InputError } from '../input-error';
import type { EmbeddingProgress } from '../embeddings/embedding-progress';
import type { FusionSettings } from './fusion';
import { questionAsOrQuery } from './question-or-baseline';
import { Analyzer } from '../text/analyzer';
import { baselineGeneration, type GeneratedQueries, type PrepareContext, type QueryGenerator } from './types';

/**
 * The dense rankings of one embedding configuration, made once per run for every question; its
 * retriever (the document embeddings computed or reused) is shared with RAG retrievers of the same
 * settings (lib/rag), which ask only for the embeddings.
 */
export class DenseRankingSource {
  private embedded: Promise<DenseRetriever> | undefined;
  private ready: Promise<void> | undefined;
  private rankings = new Map<string, ScoredDocument[]>();
  private failures = new Map<string, string>();
  private perQuestionMs = 0;
  retriever: DenseRetriever | undefined;

  constructor(private readonly client: EmbeddingClient, readonly settings: DenseSettings, private readonly progress?: EmbeddingProgress) {}

  /** Embeds the documents (or reuses them); once, whoever asks first. */
  embeddings(context: Pick<PrepareContext, 'withStore' | 'log' | 'signal'>): Promise<DenseRetriever> {
    this.embedded ??= (async () => {
      const retriever = new DenseRetriever(this.client, context.withStore, this.settings);
      const pass = await retriever
        .prepare({ log: context.log, ...(context.signal ? { signal: context.signal } : {}), ...(this.progress ? { progress: this.progress } : {}) })
        .catch((error: unknown) => {
          if (error instanceof EmbeddingUnavailableError) {
            throw new InputError(`embedding model '${this.settings.model}' cannot embed on ${error.failure.host}: ${error.failure.message}`);
          }
          throw error;
        });
      context.log(
        `embeddings ${this.settings.model} on ${this.settings.dataset}: ${pass.computed} chunk(s) computed, ${pass.reused} reused, ${pass.present} already stored` +
          (pass.failed > 0 ? `, ${pass.failed} failed` : '') + ` (${pass.seconds.toFixed(1)} s)`,
      );
      this.retriever = retriever;
      return retriever;
    })();
    return this.embedded;
  }

  /** Embeds the documents (or reuses them) and ranks every question; once, whoever asks first. */
  ensure(context: PrepareContext): Promise<void> {
    this.ready ??= (async () => {
      const retriever = await this.embeddings(context);
      const ranked = await retriever.rankAll(context.questions.map((q) => ({ key: q.id, text: q.text })), context.topK);
      this.rankings = ranked.rankings;
      this.failures = ranked.failed;
      this.perQuestionMs = (ranked.embedMs + ranked.searchMs) / Math.max(1, context.questions.length);
      context.log(`dense search ${this.settings.model}: ${context.questions.length} question(s) in one pass, ${ranked.searchMs.toFixed(0)} ms`);
    })();
    return this.ready;
  }

  ranking(questionId: string): { documents: ScoredDocument[]; latencyMs: number; error: string | undefined } {
    return { documents: this.rankings.get(questionId) ?? [], latencyMs: this.perQuestionMs, error: this.failures.get(questionId) };
  }
}

/** The item of a ranking-only strategy. */
function rankedGeneration(queries: string[], dense: ScoredDocument[] | undefined, latencyMs: number, fusion: FusionSettings | undefined, error?: string): GeneratedQueries {
  const base = baselineGeneration(queries, performance.now(), '');
  return {
    ...base,
    latencyMs,
    error,
    errorKind: error ? 'other' : undefined,
    retrieval: { ...(dense ? { dense } : {}), ...(fusion ? { fusion } : {}) },
  };
}

export class Bm25Strategy implements QueryGenerator {
  readonly id = 'bm25';
  readonly kind = 'bm25' as const;
  readonly model = undefined;

  constructor(private readonly analyzer: Analyzer = new Analyzer()) {}

  async generate(question: Query): Promise<GeneratedQueries> {
    const started = performance.now();
    const query = questionAsOrQuery(question.text, this.analyzer);
    if (query === '') return { ...rankedGeneration([], undefined, 0, undefined, 'the question has no words'), errorKind: 'parse' };
    return rankedGeneration([query], undefined, performance.now() - started, undefined);
  }
}

export class DenseStrategy implements QueryGenerator {
  readonly id: string;
  readonly kind = 'dense' as const;
  readonly embeddingModel: string;

  constructor(private readonly source: DenseRankingSource, readonly model: string) {
    this.id = `dense:${model}`;
    this.embeddingModel = model;
  }

  prepare(context: PrepareContext): Promise<void> {
    return this.source.ensure(context);
  }

  async generate(question: Query): Promise<GeneratedQueries> {
    const r = this.source.ranking(question.id);
    return rankedGeneration([], r.documents, r.latencyMs, undefined, r.error);
  }
}

/** The lexical side of a hybrid: BM25 over the question, or an LLM generator's boolean queries. */
export type HybridLexical = { type: 'bm25'; analyzer: Analyzer } | { type: 'llm'; generator: QueryGenerator };

export class HybridStrategy implements QueryGenerator {
  readonly id: string;
  readonly kind = 'hybrid' as const;
  readonly embeddingModel: string;

  constructor(private readonly source: DenseRankingSource, readonly model: string, private readonly lexical: HybridLexical, private readonly fusion: FusionSettings) {
    this.id = `hybrid:${model}`;
    this.embeddingModel = model;
  }

  prepare(context: PrepareContext): Promise<void> {
    return this.source.ensure(context);
  }

  async generate(question: Query): Promise<GeneratedQueries> {
    const dense = this.source.ranking(question.id);
    if (this.lexical.type === 'bm25') {
      const query = questionAsOrQuery(question.text, this.lexical.analyzer);
      return rankedGeneration(query === '' ? [] : [query], dense.documents, dense.latencyMs, this.fusion, dense.error);
    }
    // The LLM's boolean queries (its call is logged with this item; a cached answer costs nothing).
    const generated = await this.lexical.generator.generate(question);
    return {
      ...generated,
      latencyMs: generated.latencyMs + dense.latencyMs,
      // The dense side still ranks when the model gave nothing usable.
      error: dense.error,
      errorKind: dense.error ? 'other' : undefined,
      retrieval: { dense: dense.documents, fusion: this.fusion },
    };
  }
}
