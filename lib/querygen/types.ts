/**
 * The query-generation contract: a generator turns one research question into boolean search
 * queries. LLM generators call a model; baselines need none, so every run has a control.
 * A generation carries every query it produced with its validity (invalid ones are recorded and
 * skipped, never run), how an LLM answer was read, and, when nothing usable came back, why.
 */
import type { LlmCall } from '../llm/llm-client';
import type { LlmErrorKind } from '../llm/llm-error';
import type { AnswerReading } from '../llm/answer-extraction';
import type { Query } from '../datasets/types';
import type { QueryCheck } from './query-repair';
import type { ScoredDocument } from '../evaluation/types';
import type { Store } from '../store/store';
import type { FusionSettings } from './fusion';

/**
 * `llm`, `question-or`, `tfidf-keywords`: boolean queries, executed and fused. `bm25`, `dense`,
 * `hybrid`: retrieval strategies that yield a ranking (see RankedRetrieval). `rag`: answers with
 * citations (lib/rag).
 */
export type GeneratorKind = 'llm' | 'question-or' | 'tfidf-keywords' | 'bm25' | 'dense' | 'hybrid' | 'rag';

/**
 * Why an item has no usable query: the model timed out, the server failed (HTTP 5xx), the
 * answer stream broke (an error record inside it, or malformed), the connection was reset
 * mid-answer, the host could not be reached, the answer held no valid query (`parse`), the
 * model's circuit was open, or the request itself was wrong (`request`: unknown model, option).
 */
export type ItemErrorKind = 'timeout' | 'server' | 'stream' | 'reset' | 'connection' | 'parse' | 'circuit' | 'request' | 'other';

export const ITEM_ERROR_KINDS: readonly ItemErrorKind[] = ['timeout', 'server', 'stream', 'reset', 'connection', 'parse', 'circuit', 'request', 'other'];

const FROM_LLM_ERROR: Record<LlmErrorKind, ItemErrorKind> = {
  timeout: 'timeout',
  server: 'server',
  'stream-error': 'stream',
  'malformed-response': 'stream',
  reset: 'reset',
  connection: 'connection',
  'circuit-open': 'circuit',
  'model-not-found': 'request',
  'bad-request': 'request',
  unknown: 'other',
};

export function itemErrorKind(kind: LlmErrorKind): ItemErrorKind {
  return FROM_LLM_ERROR[kind];
}

export interface GeneratedQueries {
  /** The queries to run: the valid ones (repaired where repairs are on). */
  queries: string[];
  /** Every query the generator produced, valid or not, with its repairs. */
  checks: QueryCheck[];
  /** How the LLM answer was read; null for baselines. */
  answerRead: AnswerReading | null;
  /** LLM calls made (none for baselines); each is stored in llm_calls. */
  calls: LlmCall[];
  /** Wall time of the generation, cache hits excluded from latency figures elsewhere. */
  latencyMs: number;
  /** Set only when no query is usable. */
  error: string | undefined;
  errorKind: ItemErrorKind | undefined;
  /** Retrieval strategies (bm25, dense, hybrid): how the item's ranking is made; absent for boolean generators. */
  retrieval?: RankedRetrieval | undefined;
}

/**
 * A strategy's ranking. `dense` is the dense ranking (absent for bm25); the item's `queries`
 * (the question as an OR query for bm25, an LLM's boolean queries for `hybrid with: llm:M`) are
 * run on the search backend as ranked queries; with both, they are fused (`fusion`). The item
 * gets the ranked measures only: a ranking has no boolean set to screen, so the set measures
 * (set_P, set_recall, set_F, num_ret) are not computed for it.
 */
export interface RankedRetrieval {
  dense?: ScoredDocument[] | undefined;
  fusion?: FusionSettings | undefined;
}

/** What a generator may do before the items run: compute or reuse document embeddings, embed the questions. */
export interface PrepareContext {
  questions: Query[];
  /** Ranking depth (the suite's top_k). */
  topK: number;
  /** Opens the store for one visit (waiting while another process holds it); never held across calls to a server. */
  withStore: <T>(work: (store: Store) => Promise<T>) => Promise<T>;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
}

export interface QueryGenerator {
  /** Stable id used in run items, e.g. `llm:qwen2.5:7b`, `baseline:question-or`. */
  readonly id: string;
  readonly kind: GeneratorKind;
  readonly model: string | undefined;
  /** The embedding model the generator's `prepare` runs (dense, hybrid, a RAG generator's dense or hybrid retriever). */
  readonly embeddingModel?: string | undefined;
  generate(question: Query): Promise<GeneratedQueries>;
  /** Work before the first item (retrieval strategies: embeddings); called once per run. */
  prepare?(context: PrepareContext): Promise<void>;
}

/** A baseline's generation: its queries are valid by construction, and it makes no call. */
export function baselineGeneration(queries: string[], started: number, emptyReason: string): GeneratedQueries {
  const checks = queries.map((q): QueryCheck => ({ original: q, query: q, repairs: [], valid: true }));
  return {
    queries,
    checks,
    answerRead: null,
    calls: [],
    latencyMs: performance.now() - started,
    error: queries.length === 0 ? emptyReason : undefined,
    errorKind: queries.length === 0 ? 'parse' : undefined,
  };
}
