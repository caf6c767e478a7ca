/**
 * The query-generation contract: a generator turns one research question into boolean search
 * queries. LLM generators call a model; baselines need none, so every run has a control.
 */
import type { LlmCall } from '../llm/llm-client';
import type { Query } from '../datasets/types';

export type GeneratorKind = 'llm' | 'question-or' | 'tfidf-keywords';

export interface GeneratedQueries {
  queries: string[];
  /** LLM calls made (none for baselines); each is stored in llm_calls. */
  calls: LlmCall[];
  /** Wall time of the generation, cache hits excluded from latency figures elsewhere. */
  latencyMs: number;
  error: string | undefined;
}

export interface QueryGenerator {
  /** Stable id used in run items, e.g. `llm:qwen2.5:7b`, `baseline:question-or`. */
  readonly id: string;
  readonly kind: GeneratorKind;
  readonly model: string | undefined;
  generate(question: Query): Promise<GeneratedQueries>;
}
