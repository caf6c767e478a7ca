/**
 * The benchmark engine's unit of work: an item (one repeat x generator x question), its key in
 * run_items, and the shapes stages hand each other: a completed item waiting to be stored
 * (PendingItem), and what a multi-model item needs of each model's item (StoredSingle).
 */
import type { LlmCall } from '../../llm/llm-client';
import type { AnswerReading } from '../../llm/answer-extraction';
import type { QueryCheck } from '../../querygen/query-repair';
import type { ItemErrorKind, RankedRetrieval } from '../../querygen/types';
import type { RagItem } from '../../rag/rag-generator';

/** `ok`: at least one usable query; `error`: attempted, nothing usable; `not-attempted`: the model's circuit stayed open. */
export type ItemStatus = 'ok' | 'error' | 'not-attempted';

/** One finished unit of work, before it is executed against the index. */
export interface PendingItem {
  key: string;
  generator: string;
  model: string | undefined;
  questionId: string;
  repeat: number;
  /** The valid queries, which are run. */
  queries: string[];
  checks: QueryCheck[];
  answerRead: AnswerReading | null;
  latencyMs: number;
  /** Model load over the item's calls; for a multi-model item, over its models' items. */
  loadMs: number | null;
  calls: LlmCall[];
  status: ItemStatus;
  error: string | undefined;
  errorKind: ItemErrorKind | undefined;
  /** Retrieval strategies: the dense ranking and fusion (see RankedRetrieval); absent for boolean generators. */
  retrieval?: RankedRetrieval | undefined;
  /** A RAG item's context, answer and latency split (lib/rag); absent for query generators. */
  rag?: RagItem | undefined;
}

/** What a multi-model item needs of each model's item for the same question. */
export interface StoredSingle {
  queries: string[];
  checks: QueryCheck[];
  latencyMs: number;
  loadMs: number | null;
  errorKind: ItemErrorKind | undefined;
}

export function itemKey(repeat: number, generator: string, questionId: string): string {
  return `r${repeat}|${generator}|${questionId}`;
}

export function sumOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? present.reduce((a, b) => a + b, 0) : null;
}

const NS_PER_MS = 1e6;

/** Model load time the server reported over the calls that reached it (cache hits load nothing). */
export function loadMs(calls: LlmCall[]): number | null {
  const fresh = calls.filter((c) => !c.cacheHit);
  const total = sumOrNull(fresh.map((c) => c.timings.loadNs));
  return total === null ? null : total / NS_PER_MS;
}
