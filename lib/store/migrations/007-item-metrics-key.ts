/**
 * Migration 7: one value per item and measure of a run. item_metrics gets PRIMARY KEY
 * (run_id, item_key, measure), completing migration 6: before runs were locked, two resumes of
 * one run stored an item twice in run_items and its metrics twice here, so a mean over
 * item_metrics counted that item double. Migration 6 removed the run_items duplicates; this
 * removes the metric duplicates, and the key makes a second writer fail instead of adding them.
 *
 * Which duplicate is kept: the latest written (highest rowid), matching migration 6, which kept
 * each item's newest attempt; a metric row is written in the same transaction as its item row.
 *
 * llm_calls is left as it is: it is a log of requests, keyed by call_id since migration 1, and
 * both resumes' requests really reached the server, so both are true rows.
 */
import type { Migration } from './migration';

export const itemMetricsKey: Migration = {
  version: 7,
  description: 'item_metrics: primary key (run_id, item_key, measure), duplicates removed keeping the latest',
  statements: [
    `CREATE TABLE item_metrics_keyed (
      run_id VARCHAR NOT NULL,
      item_key VARCHAR NOT NULL,
      measure VARCHAR NOT NULL,
      value DOUBLE NOT NULL,
      PRIMARY KEY (run_id, item_key, measure)
    )`,
    `INSERT INTO item_metrics_keyed
      SELECT run_id, item_key, measure, value FROM item_metrics
     QUALIFY row_number() OVER (PARTITION BY run_id, item_key, measure ORDER BY rowid DESC) = 1`,
    `DROP TABLE item_metrics`,
    `ALTER TABLE item_metrics_keyed RENAME TO item_metrics`,
  ],
};
