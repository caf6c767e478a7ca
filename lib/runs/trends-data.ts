/**
 * The data of the trends report, over the newest MAX_TREND_RUNS benchmark and retrieval runs:
 * - per benchmark run and generator, the mean quality measures, the median latency (cache hits
 *   and items not attempted left out) and the error rate (items attempted that gave no usable
 *   query, status `error`, as in the run summary; items not attempted are not errors);
 * - per retrieval run (`benchlab retrieve`, generator `retrieve:<system>`), the mean measures
 *   over the dataset's queries (no latency or error rate);
 * aggregated in DuckDB with one row per run and generator, ordered by the run's start time.
 * Each row gets its configuration (see lib/runs/run-fingerprint.ts), read from the run's
 * stored config, and the series it belongs to: the generator and a label of what differs from
 * the generator's other configurations on the dataset. A changed configuration is a new series.
 * This is the trends report's view model: lib/report/trends-report.ts renders it.
 */
import type { Store } from '../store/store';
import { DEFAULT_RECALL_CUTOFF, MAP_MEASURE, PRIMARY_MEASURE } from '../evaluation/measure-registry';
import {
  benchConfiguration, configurationLabels, describeConfiguration, retrievalConfiguration, RETRIEVAL_GENERATOR_PREFIX, type RunConfiguration,
} from './run-fingerprint';
import { BM25_SYSTEM } from './retrieval-run';
import { DEFAULT_TOP_K } from '../retrieval/bm25';

/** The newest runs the trends report covers. */
export const MAX_TREND_RUNS = 500;

export type TrendRunKind = 'bench' | 'retrieve';

export interface TrendPoint {
  dataset: string;
  runId: string;
  kind: TrendRunKind;
  startedAt: Date;
  status: string;
  recallCutoff: number;
  generator: string;
  /** Hash of the generator's configuration in this run (lib/runs/run-fingerprint.ts). */
  fingerprint: string;
  /** Every setting of the configuration, e.g. `top_k=100, k1=1.2, b=0.75, keywords=5`. */
  configuration: string;
  /** What differs from the generator's other configurations on the dataset (may be empty). */
  configurationLabel: string;
  /** The line the point is on: the generator, with the configuration label when there is one. */
  series: string;
  items: number;
  ndcg10: number | null;
  recall: number | null;
  map: number | null;
  latencyP50Ms: number | null;
  /** Share of the items with status `error`; null for retrieval runs. */
  errorRate: number | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The series name: `baseline:tfidf-keywords (keywords=3)`, or the generator alone. */
export function seriesName(generator: string, label: string): string {
  return label === '' ? generator : `${generator} (${label})`;
}

export async function loadTrendPoints(store: Store): Promise<TrendPoint[]> {
  const rows = await store.all(
    `WITH r AS (
       SELECT run_id, kind, coalesce(dataset, '(none)') AS dataset, started_at, status, CAST(config AS VARCHAR) AS config,
         CASE WHEN kind = 'bench'
           THEN coalesce(try_cast(json_extract_string(config, '$.suite.top_k') AS INTEGER), CAST($defaultRecallCutoff AS INTEGER))
           ELSE coalesce(try_cast(json_extract_string(config, '$.top') AS INTEGER), ${DEFAULT_TOP_K}) END AS top_k
       FROM runs WHERE kind IN ('bench', 'retrieve') ORDER BY started_at DESC LIMIT ${MAX_TREND_RUNS}
     ),
     metrics AS (
       SELECT m.run_id, m.item_key,
         max(m.value) FILTER (WHERE m.measure = $primaryMeasure) AS ndcg10,
         max(m.value) FILTER (WHERE m.measure = 'recall_' || r.top_k) AS recall,
         max(m.value) FILTER (WHERE m.measure = $mapMeasure) AS map
       FROM item_metrics m JOIN r USING (run_id)
       GROUP BY m.run_id, m.item_key
     ),
     bench AS (
       SELECT r.run_id, i.generator, count(*) AS items,
         avg(x.ndcg10) AS ndcg10, avg(x.recall) AS recall, avg(x.map) AS map,
         quantile_cont(i.latency_ms, 0.5) FILTER (WHERE NOT coalesce(i.cache_hit, false) AND i.status IS DISTINCT FROM 'not-attempted') AS p50,
         count(*) FILTER (WHERE i.status = 'error') / count(*) AS error_rate
       FROM run_items i JOIN r USING (run_id) LEFT JOIN metrics x USING (run_id, item_key)
       WHERE r.kind = 'bench'
       GROUP BY r.run_id, i.generator
     ),
     retrieval AS (
       SELECT r.run_id, '${RETRIEVAL_GENERATOR_PREFIX}' || coalesce(json_extract_string(any_value(r.config), '$.system'), '${BM25_SYSTEM}') AS generator,
         count(*) AS items, avg(x.ndcg10) AS ndcg10, avg(x.recall) AS recall, avg(x.map) AS map,
         CAST(NULL AS DOUBLE) AS p50, CAST(NULL AS DOUBLE) AS error_rate
       FROM metrics x JOIN r USING (run_id)
       WHERE r.kind = 'retrieve'
       GROUP BY r.run_id
     )
     SELECT r.dataset, r.run_id, r.kind, r.started_at, r.status, r.top_k, r.config, g.generator, g.items,
       g.ndcg10, g.recall, g.map, g.p50, g.error_rate
     FROM (SELECT * FROM bench UNION ALL BY NAME SELECT * FROM retrieval) g JOIN r USING (run_id)
     ORDER BY r.dataset, r.started_at, g.generator`,
    { defaultRecallCutoff: DEFAULT_RECALL_CUTOFF, primaryMeasure: PRIMARY_MEASURE.name, mapMeasure: MAP_MEASURE.name },
  );
  const points = rows.map((r) => {
    const kind: TrendRunKind = r['kind'] === 'retrieve' ? 'retrieve' : 'bench';
    const dataset = String(r['dataset']);
    const generator = String(r['generator']);
    const config = kind === 'retrieve' ? retrievalConfiguration(dataset, generator, r['config']) : benchConfiguration(dataset, generator, r['config']);
    return {
      config,
      point: {
        dataset,
        runId: String(r['run_id']),
        kind,
        startedAt: r['started_at'] as Date,
        status: String(r['status']),
        recallCutoff: Number(r['top_k']),
        generator,
        fingerprint: config.fingerprint,
        configuration: describeConfiguration(config),
        configurationLabel: '',
        series: generator,
        items: Number(r['items']),
        ndcg10: num(r['ndcg10']),
        recall: num(r['recall']),
        map: num(r['map']),
        latencyP50Ms: num(r['p50']),
        errorRate: num(r['error_rate']),
      } satisfies TrendPoint,
    };
  });
  return labelSeries(points);
}

/** Labels each point's configuration against the generator's other configurations on its dataset. */
function labelSeries(points: { config: RunConfiguration; point: TrendPoint }[]): TrendPoint[] {
  const groups = new Map<string, RunConfiguration[]>();
  const groupKey = (c: RunConfiguration) => JSON.stringify([c.dataset, c.generator]);
  for (const { config } of points) {
    const key = groupKey(config);
    const group = groups.get(key);
    if (group) group.push(config);
    else groups.set(key, [config]);
  }
  const labels = new Map([...groups.entries()].map(([key, configs]) => [key, configurationLabels(configs)]));
  return points.map(({ config, point }) => {
    const label = labels.get(groupKey(config))?.get(config.fingerprint) ?? '';
    return { ...point, configurationLabel: label, series: seriesName(point.generator, label) };
  });
}
