/**
 * The row shape of `llm_calls` (one per LLM request, cache hits included), in the table's column
 * order: the one place that turns an `LlmCall` into what the store appends, so the benchmark run
 * and the rollout batch job always write the same columns. Error messages never carry an API key
 * (providers only put it in a header), and the answer text itself is not stored here: items keep
 * what was read from it, the cache keeps the text.
 */
import type { AppendValue } from '../store/store';
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
