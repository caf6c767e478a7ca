/**
 * Migration 5: how LLM answers were asked for and read, and why items failed.
 *
 * - llm_calls.format_used: what the request asked the server for (`schema` = the prompt's JSON
 *   Schema, `json` = plain JSON mode on servers too old for schemas, `none`).
 * - llm_calls.error_kind: the classified failure (timeout, server, stream-error, reset, ...), so
 *   summaries count errors by kind without parsing messages.
 * - llm_calls.thinking / thinking_ms / thinking_tokens: a thinking model's reasoning, kept apart
 *   from the answer (never parsed as it), the client-measured time spent on it, and its token
 *   count where the server reports one.
 * - llm_cache.thinking: the thinking of a cached answer.
 * - run_items.status: `ok`, `error` (the item was attempted and nothing usable came back) or
 *   `not-attempted` (the model's circuit stayed open); `error_kind` says why.
 * - run_items.answer_read: how the answer was read (`strict`, `variant:<name>`, `fenced`,
 *   `lines`, `none`); `query_checks`: per generated query, its validity (position, message) and
 *   the repairs applied.
 * - run_items.load_ms: the model load time Ollama reported (`load_duration`) over the item's
 *   calls, so latency figures can leave cold starts out and report them apart.
 */
import type { Migration } from './migration';

export const llmAnswers: Migration = {
  version: 5,
  description: 'LLM answers: format used, thinking, error kinds, item status, answer reading, query checks, load time',
  statements: [
    `ALTER TABLE llm_calls ADD COLUMN format_used VARCHAR`,
    `ALTER TABLE llm_calls ADD COLUMN error_kind VARCHAR`,
    `ALTER TABLE llm_calls ADD COLUMN thinking VARCHAR`,
    `ALTER TABLE llm_calls ADD COLUMN thinking_ms DOUBLE`,
    `ALTER TABLE llm_calls ADD COLUMN thinking_tokens INTEGER`,
    `ALTER TABLE llm_cache ADD COLUMN thinking VARCHAR`,
    `ALTER TABLE run_items ADD COLUMN status VARCHAR`,
    `ALTER TABLE run_items ADD COLUMN error_kind VARCHAR`,
    `ALTER TABLE run_items ADD COLUMN answer_read VARCHAR`,
    `ALTER TABLE run_items ADD COLUMN query_checks JSON`,
    `ALTER TABLE run_items ADD COLUMN load_ms DOUBLE`,
    // Items stored before this migration: an error string meant the item failed.
    `UPDATE run_items SET status = CASE WHEN error IS NULL THEN 'ok' ELSE 'error' END`,
  ],
};
