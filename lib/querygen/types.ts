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

export type GeneratorKind = 'llm' | 'question-or' | 'tfidf-keywords' | 'rag';

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
}

export interface QueryGenerator {
  /** Stable id used in run items, e.g. `llm:qwen2.5:7b`, `baseline:question-or`. */
  readonly id: string;
  readonly kind: GeneratorKind;
  readonly model: string | undefined;
  generate(question: Query): Promise<GeneratedQueries>;
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
