/**
 * Migration 4: staged rollouts of LLM keyword extraction (lib/rollout, lib/keywords).
 *
 * - experiments.stage_started_at: when the current stage (or percentage) took effect, so gates
 *   read the stage's own units and the batch job knows which documents this stage has done.
 * - keyword_cache: validated LLM keyword answers keyed by document hash, prompt (NAME@VERSION)
 *   and model. Only valid answers are cached; a failed call is tried again next time.
 * - keyword_extractions: every keyword extraction of the batch job, one row per event, with the
 *   keywords, the hallucinated ones, the time, the error and the cache flag.
 * - rollout_quality: per-query nDCG@10 of the plain index and of the index expanded with each
 *   arm's keywords, one evaluation per batch look.
 */
import type { Migration } from './migration';

export const rolloutSchema: Migration = {
  version: 4,
  description: 'staged rollouts: stage start, keyword cache, keyword extractions, rollout quality',
  statements: [
    `ALTER TABLE experiments ADD COLUMN stage_started_at TIMESTAMP`,
    `CREATE TABLE keyword_cache (
      doc_hash VARCHAR NOT NULL,
      prompt VARCHAR NOT NULL,
      model VARCHAR NOT NULL,
      keywords VARCHAR[] NOT NULL,
      created_at TIMESTAMP NOT NULL,
      PRIMARY KEY (doc_hash, prompt, model)
    )`,
    `CREATE TABLE keyword_extractions (
      event_id VARCHAR PRIMARY KEY,
      experiment_key VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      doc_id VARCHAR NOT NULL,
      arm VARCHAR NOT NULL,
      method VARCHAR NOT NULL,
      model VARCHAR,
      prompt VARCHAR,
      keywords VARCHAR[] NOT NULL,
      hallucinated VARCHAR[] NOT NULL,
      processing_ms DOUBLE NOT NULL,
      cache_hit BOOLEAN NOT NULL,
      error VARCHAR,
      created_at TIMESTAMP NOT NULL
    )`,
    `CREATE TABLE rollout_quality (
      evaluation_id VARCHAR NOT NULL,
      experiment_key VARCHAR NOT NULL,
      evaluated_at TIMESTAMP NOT NULL,
      stage_index INTEGER NOT NULL,
      dataset VARCHAR NOT NULL,
      query_id VARCHAR NOT NULL,
      plain_ndcg10 DOUBLE NOT NULL,
      control_ndcg10 DOUBLE NOT NULL,
      treatment_ndcg10 DOUBLE NOT NULL,
      control_docs INTEGER NOT NULL,
      treatment_docs INTEGER NOT NULL
    )`,
  ],
};
