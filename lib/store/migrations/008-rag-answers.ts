/**
 * Migration 8: the answers of RAG items (lib/rag/rag-answers.ts writes and reads them).
 *
 * One row per RAG item of a benchmark run, keyed like run_items (run_id, item_key): the
 * generator, question and repeat (so lib/rag reads its rows without run_items), the ids of the
 * passages given to the model in their order (`context_ids`), the answer text and the citations
 * as read (untrusted model output, stored as data only), how each citation was read
 * (`citation_reads`: raw text, the passage id it resolved to, how), and the item's latency split:
 * retrieval, and from the LLM call the server's load, prompt evaluation and generation times
 * (null for a response-cache hit, whose timings are the original call's) and the call's wall time.
 * The citation measures themselves are item_metrics rows (lib/runs), like every per-item measure.
 */
import type { Migration } from './migration';

export const ragAnswers: Migration = {
  version: 8,
  description: 'rag_answers: RAG answers, citations, context and latency split per item',
  statements: [
    `CREATE TABLE rag_answers (
      run_id VARCHAR NOT NULL,
      item_key VARCHAR NOT NULL,
      generator VARCHAR NOT NULL,
      query_id VARCHAR NOT NULL,
      repeat_index INTEGER NOT NULL,
      retriever VARCHAR NOT NULL,
      k INTEGER NOT NULL,
      context_ids JSON NOT NULL,
      answer VARCHAR,
      citations JSON NOT NULL,
      citation_reads JSON NOT NULL,
      retrieval_ms DOUBLE NOT NULL,
      llm_ms DOUBLE,
      load_ms DOUBLE,
      prompt_eval_ms DOUBLE,
      eval_ms DOUBLE,
      cache_hit BOOLEAN,
      PRIMARY KEY (run_id, item_key)
    )`,
  ],
};
