/**
 * Migration 2: the analysis views over model_selections (see lib/scoring/selection-log.ts for
 * what a selection row holds; the breakdown JSON has flat keys role, benchmark_score, coverage,
 * local_score, local_items, blended_score, already_loaded, ...).
 * - models_per_category: which models were chosen for each category, how often, how well.
 * - multi_category_effectiveness: per model, the categories it served and its mean confidence,
 *   with its scores when chosen for its primary category against a secondary one.
 * - performance_by_category: per category, the selections' scores, coverage, local evidence,
 *   GPU placement and selection time.
 */

import type { Migration } from './migration';

export const selectionViews: Migration = {
  version: 2,
  description: 'analysis views over model_selections',
  statements: [
    `CREATE VIEW models_per_category AS
      SELECT category,
             model,
             count(*) AS selections,
             bool_or(is_primary_category) AS is_primary_category,
             avg(confidence) AS mean_confidence,
             avg(final_score) AS mean_final_score,
             min(selected_at) AS first_selected_at,
             max(selected_at) AS last_selected_at
        FROM model_selections
       GROUP BY category, model`,
    `CREATE VIEW multi_category_effectiveness AS
      SELECT model,
             count(DISTINCT category) AS categories_served,
             list_sort(list(DISTINCT category)) AS categories,
             count(*) AS selections,
             count(*) FILTER (WHERE is_primary_category) AS primary_selections,
             count(*) FILTER (WHERE NOT is_primary_category) AS secondary_selections,
             avg(confidence) AS mean_confidence,
             avg(final_score) AS mean_final_score,
             avg(final_score) FILTER (WHERE is_primary_category) AS mean_final_score_primary,
             avg(final_score) FILTER (WHERE NOT is_primary_category) AS mean_final_score_secondary
        FROM model_selections
       GROUP BY model`,
    `CREATE VIEW performance_by_category AS
      SELECT category,
             count(*) AS selections,
             count(DISTINCT model) AS models,
             avg(final_score) AS mean_final_score,
             min(final_score) AS min_final_score,
             max(final_score) AS max_final_score,
             avg(confidence) AS mean_confidence,
             avg(TRY_CAST(json_extract_string(breakdown, '$.benchmark_score') AS DOUBLE)) AS mean_benchmark_score,
             avg(TRY_CAST(json_extract_string(breakdown, '$.coverage') AS DOUBLE)) AS mean_coverage,
             avg(TRY_CAST(json_extract_string(breakdown, '$.local_score') AS DOUBLE)) AS mean_local_score,
             sum(coalesce(TRY_CAST(json_extract_string(breakdown, '$.local_items') AS BIGINT), 0)) AS local_items,
             avg(CASE WHEN gpu_uuid IS NULL THEN 0.0 ELSE 1.0 END) AS gpu_placed_share,
             avg(CASE WHEN TRY_CAST(json_extract_string(breakdown, '$.already_loaded') AS BOOLEAN) THEN 1.0 ELSE 0.0 END) AS already_loaded_share,
             avg(duration_ms) AS mean_duration_ms,
             max(duration_ms) AS max_duration_ms
        FROM model_selections
       GROUP BY category`,
  ],
};
