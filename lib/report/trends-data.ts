/**
 * The data of the trends report: for every benchmark run (newest MAX_TREND_RUNS) and generator,
 * the mean quality measures, the median latency (cache hits and items not attempted left out)
 * and the error rate (items attempted that gave no usable query, status `error`, as in the run
 * summary; items not attempted are not errors), aggregated in DuckDB with one row per run and
 * generator, ordered by the run's start time.
 */
import type { Store } from '../store/store';
import { DEFAULT_RECALL_CUTOFF } from './run-data';

/** The newest runs the trends report covers. */
export const MAX_TREND_RUNS = 500;

export interface TrendPoint {
  dataset: string;
  runId: string;
  startedAt: Date;
  status: string;
  recallCutoff: number;
  generator: string;
  items: number;
  ndcg10: number | null;
  recall: number | null;
  map: number | null;
  latencyP50Ms: number | null;
  /** Share of the items with status `error`. */
  errorRate: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function loadTrendPoints(store: Store): Promise<TrendPoint[]> {
  const rows = await store.all(
    `WITH r AS (
       SELECT run_id, coalesce(dataset, '(none)') AS dataset, started_at, status,
         coalesce(try_cast(json_extract_string(config, '$.suite.top_k') AS INTEGER), ${DEFAULT_RECALL_CUTOFF}) AS top_k
       FROM runs WHERE kind = 'bench' ORDER BY started_at DESC LIMIT ${MAX_TREND_RUNS}
     ),
     metrics AS (
       SELECT m.run_id, m.item_key,
         max(m.value) FILTER (WHERE m.measure = 'ndcg_cut_10') AS ndcg10,
         max(m.value) FILTER (WHERE m.measure = 'recall_' || r.top_k) AS recall,
         max(m.value) FILTER (WHERE m.measure = 'map') AS map
       FROM item_metrics m JOIN r USING (run_id)
       GROUP BY m.run_id, m.item_key
     )
     SELECT r.dataset, r.run_id, r.started_at, r.status, r.top_k, i.generator, count(*) AS items,
       avg(x.ndcg10) AS ndcg10, avg(x.recall) AS recall, avg(x.map) AS map,
       quantile_cont(i.latency_ms, 0.5) FILTER (WHERE NOT coalesce(i.cache_hit, false) AND i.status IS DISTINCT FROM 'not-attempted') AS p50,
       count(*) FILTER (WHERE i.status = 'error') / count(*) AS error_rate
     FROM run_items i JOIN r USING (run_id) LEFT JOIN metrics x USING (run_id, item_key)
     GROUP BY ALL
     ORDER BY r.dataset, r.started_at, i.generator`,
  );
  return rows.map((r) => ({
    dataset: String(r['dataset']),
    runId: String(r['run_id']),
    startedAt: r['started_at'] as Date,
    status: String(r['status']),
    recallCutoff: Number(r['top_k']),
    generator: String(r['generator']),
    items: Number(r['items']),
    ndcg10: num(r['ndcg10']),
    recall: num(r['recall']),
    map: num(r['map']),
    latencyP50Ms: num(r['p50']),
    errorRate: Number(r['error_rate']),
  }));
}
