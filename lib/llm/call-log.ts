/**
 * The row shape of `llm_calls` (one per LLM request, cache hits included), in the table's column
 * order: the one place that turns an `LlmCall` into what the store appends, so the benchmark run
 * and the rollout batch job always write the same columns. Error messages never carry an API key
 * (providers only put it in a header), and the answer text itself is not stored here: items keep
 * what was read from it, the cache keeps the text.
 *
 * lib/llm owns `llm_calls` and this module is the one that reads and writes it: other folders'
 * SQL that joins a run's calls with their own tables (GPU energy per model, the run report's
 * token rates and call counts) takes the relations below instead of naming the table.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { AppendValue, Store } from '../store/store';
import type { LlmCall } from './llm-client';

export function llmCallRow(call: LlmCall, runId: string | null, itemKey: string): AppendValue[] {
  return [
    call.callId, runId, itemKey, call.provider, call.host, call.model, call.cacheKey, call.cacheHit, JSON.stringify(call.options),
    call.startedAt.toISOString(), call.wallMs, call.ttftMs, call.timings.totalNs, call.timings.loadNs, call.timings.promptEvalNs,
    call.timings.evalNs, call.timings.promptTokens, call.timings.evalTokens, call.timings.tokensPerSecond, call.attempts,
    call.error ? 'error' : 'ok', call.error ? `${call.error.kind}: ${call.error.message}` : null,
    // migration 5
    call.formatUsed, call.error?.kind ?? null, call.thinking === '' ? null : call.thinking, call.thinkingMs, call.thinkingTokens,
  ];
}

/** Appends LLM calls, each with the run (null outside runs) and item or event it belongs to. */
export async function appendLlmCalls(store: Store, calls: readonly { call: LlmCall; runId: string | null; itemKey: string }[]): Promise<number> {
  return store.append('llm_calls', calls.map(({ call, runId, itemKey }) => llmCallRow(call, runId, itemKey)));
}

/** Deletes the calls of a run's items that are attempted again; call inside the batch's transaction. */
export async function deleteLlmCalls(store: Store, runId: string, itemKeys: string[]): Promise<void> {
  if (itemKeys.length === 0) return;
  await store.run(`DELETE FROM llm_calls WHERE run_id = $run AND list_contains($keys, item_key)`, { run: runId, keys: listValue(itemKeys) }, { keys: LIST(VARCHAR) });
}

/** A run's LLM calls (all columns of llm_calls), as a relation for a FROM clause; the query binds `$run`. */
export const RUN_LLM_CALLS = `(SELECT * FROM llm_calls WHERE run_id = $run)`;

/** A run's LLM calls that were not answered from the cache (the ones that ran on a model); the query binds `$run`. */
export const RUN_UNCACHED_LLM_CALLS = `(SELECT * FROM llm_calls WHERE run_id = $run AND NOT cache_hit)`;
