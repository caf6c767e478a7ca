/**
 * Migration 6: one row per item of a run. run_items gets PRIMARY KEY (run_id, item_key), so a
 * second writer of the same item (two resumes of one run, or a resume while the run's own
 * process still worked, before runs were locked) fails instead of storing the item twice.
 *
 * DuckDB cannot add a primary key with ALTER TABLE, so the table is rebuilt: created anew with
 * every column of migrations 1 and 5 in their order (Store.append writes rows positionally),
 * filled with the existing rows de-duplicated, the old table dropped and the new one renamed.
 *
 * Which duplicate is kept: the one with the latest created_at (the newest rowid among equal
 * ones). Each batch of items is stamped when it is written, and an item attempted again
 * replaces its old row, so the latest row is the one a run that wrote its items one process at
 * a time would have left: the newest attempt of the item.
 *
 * The pid of the process working on a run is stored in runs.config (`pid`), beside runs.host;
 * no column is needed for it.
 */
import type { Migration } from './migration';

export const runItemsKey: Migration = {
  version: 6,
  description: 'run_items: primary key (run_id, item_key), duplicates removed keeping the latest',
  statements: [
    `CREATE TABLE run_items_keyed (
      run_id VARCHAR NOT NULL,
      item_key VARCHAR NOT NULL,
      generator VARCHAR NOT NULL,
      model VARCHAR,
      query_id VARCHAR NOT NULL,
      repeat_index INTEGER NOT NULL,
      generated_queries JSON,
      parsed_count INTEGER,
      query_count INTEGER,
      docs_found INTEGER,
      latency_ms DOUBLE,
      prompt_tokens INTEGER,
      eval_tokens INTEGER,
      cache_hit BOOLEAN,
      error VARCHAR,
      created_at TIMESTAMP NOT NULL,
      status VARCHAR,
      error_kind VARCHAR,
      answer_read VARCHAR,
      query_checks JSON,
      load_ms DOUBLE,
      PRIMARY KEY (run_id, item_key)
    )`,
    `INSERT INTO run_items_keyed
      SELECT run_id, item_key, generator, model, query_id, repeat_index, generated_queries, parsed_count, query_count, docs_found,
             latency_ms, prompt_tokens, eval_tokens, cache_hit, error, created_at, status, error_kind, answer_read, query_checks, load_ms
        FROM run_items
     QUALIFY row_number() OVER (PARTITION BY run_id, item_key ORDER BY created_at DESC, rowid DESC) = 1`,
    `DROP TABLE run_items`,
    `ALTER TABLE run_items_keyed RENAME TO run_items`,
  ],
};
