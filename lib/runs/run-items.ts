/**
 * Reading runs back: the list of runs and one run's items with their metric values, in the
 * shape notebooks, `benchlab compare` and reports work with; a run's items pivoted by measure
 * (lib/compare) and a model's mean measure over all runs (lib/scoring's local evidence).
 */
import type { Store } from '../store/store';
import { InputError } from '../input-error';

export interface RunInfo {
  runId: string;
  kind: string;
  dataset: string | null;
  suite: string | null;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
}

export interface RunItem {
  itemKey: string;
  generator: string;
  model: string | null;
  questionId: string;
  repeat: number;
  queries: string[];
  parsedCount: number | null;
  queryCount: number | null;
  docsFound: number | null;
  latencyMs: number | null;
  /** The model load Ollama reported for the item's calls (run_items.load_ms); a cold start when at least COLD_START_MS. */
  loadMs: number | null;
  evalTokens: number | null;
  cacheHit: boolean | null;
  /** `ok`, `error` or `not-attempted`; null for items stored without one. */
  status: string | null;
  error: string | null;
  /** measure name -> value */
  metrics: Record<string, number>;
}

export async function listRuns(store: Store): Promise<RunInfo[]> {
  const rows = await store.all<{ run_id: string; kind: string; dataset: string | null; suite: string | null; status: string; started_at: Date; ended_at: Date | null }>(
    `SELECT run_id, kind, dataset, suite, status, started_at, ended_at FROM runs ORDER BY started_at`,
  );
  return rows.map((r) => ({ runId: r.run_id, kind: r.kind, dataset: r.dataset, suite: r.suite, status: r.status, startedAt: r.started_at, endedAt: r.ended_at }));
}

export async function getRun(store: Store, runId: string): Promise<RunInfo> {
  const runs = await listRuns(store);
  const run = runs.find((r) => r.runId === runId);
  if (!run) {
    const recent = runs.slice(-5).map((r) => r.runId);
    throw new InputError(`unknown run '${runId}'` + (recent.length > 0 ? `; recent runs: ${recent.join(', ')}` : '; no runs stored yet'));
  }
  return run;
}

/**
 * One run's items. A retrieval run has no run_items: its per-query metrics become items of
 * generator `bm25`.
 */
export async function loadRunItems(store: Store, runId: string): Promise<RunItem[]> {
  const run = await getRun(store, runId);
  const metricRows = await store.all<{ item_key: string; measure: string; value: number }>(
    `SELECT item_key, measure, value FROM item_metrics WHERE run_id = $run`,
    { run: runId },
  );
  const metrics = new Map<string, Record<string, number>>();
  for (const row of metricRows) {
    let values = metrics.get(row.item_key);
    if (!values) metrics.set(row.item_key, (values = {}));
    values[row.measure] = row.value;
  }
  if (run.kind === 'retrieve') {
    return [...metrics].map(([queryId, values]) => ({
      itemKey: queryId, generator: 'bm25', model: null, questionId: queryId, repeat: 0, queries: [], parsedCount: null, queryCount: null,
      docsFound: null, latencyMs: null, loadMs: null, evalTokens: null, cacheHit: null, status: null, error: null, metrics: values,
    }));
  }
  const rows = await store.all<{
    item_key: string; generator: string; model: string | null; query_id: string; repeat_index: number; generated_queries: string | null;
    parsed_count: number | null; query_count: number | null; docs_found: number | null; latency_ms: number | null; eval_tokens: number | null;
    cache_hit: boolean | null; error: string | null; load_ms: number | null; status: string | null;
  }>(`SELECT * FROM run_items WHERE run_id = $run ORDER BY generator, query_id, repeat_index`, { run: runId });
  return rows.map((r) => ({
    itemKey: r.item_key,
    generator: r.generator,
    model: r.model,
    questionId: r.query_id,
    repeat: r.repeat_index,
    queries: r.generated_queries ? (JSON.parse(r.generated_queries) as string[]) : [],
    parsedCount: r.parsed_count,
    queryCount: r.query_count,
    docsFound: r.docs_found,
    latencyMs: r.latency_ms,
    loadMs: r.load_ms ?? null,
    evalTokens: r.eval_tokens,
    cacheHit: r.cache_hit,
    status: r.status ?? null,
    error: r.error,
    metrics: metrics.get(r.item_key) ?? {},
  }));
}

/** A run as `benchlab runs` lists it: its row, how many items it stored, and the process recorded with it. */
export interface RunOverview extends RunInfo {
  /** Rows in run_items (0 for retrieval runs, which store per-query metrics only). */
  items: number;
  /** runs.host: the host of the process that created or last resumed the run. */
  host: string;
  /** runs.config.pid: that process; undefined for runs stored before it was recorded. */
  pid: number | undefined;
}

/** Every run, oldest first, with its item count and recorded process. Reads only. */
export async function listRunOverview(store: Store): Promise<RunOverview[]> {
  const rows = await store.all<{
    run_id: string; kind: string; dataset: string | null; suite: string | null; status: string; started_at: Date; ended_at: Date | null;
    host: string; pid: number | null; items: bigint | number;
  }>(
    `SELECT r.run_id, r.kind, r.dataset, r.suite, r.status, r.started_at, r.ended_at, r.host,
            TRY_CAST(json_extract_string(r.config, '$.pid') AS INTEGER) AS pid, coalesce(i.n, 0) AS items
       FROM runs r LEFT JOIN (SELECT run_id, count(*) AS n FROM run_items GROUP BY run_id) i USING (run_id)
      ORDER BY r.started_at, r.run_id`,
  );
  return rows.map((r) => ({
    runId: r.run_id, kind: r.kind, dataset: r.dataset, suite: r.suite, status: r.status, startedAt: r.started_at, endedAt: r.ended_at,
    items: Number(r.items), host: r.host, pid: r.pid ?? undefined,
  }));
}

/**
 * A run's items as columns, fast for runs of 100,000 items: generator, query_id, repeat_index,
 * latency_ms, load_ms, cache_hit, status, docs_found, then one column per measure asked for
 * (pivoted in DuckDB; null where the item has no value), ordered by generator, question, repeat.
 */
export async function itemMeasureColumns(store: Store, runId: string, measures: readonly string[]): Promise<unknown[][]> {
  const params: Record<string, string> = { run: runId, ...Object.fromEntries(measures.map((m, i) => [`m${i}`, m])) };
  const pivot = measures.map((_, i) => `, max(m.value) FILTER (WHERE m.measure = $m${i}) AS m${i}`).join('');
  const join = measures.length > 0
    ? `LEFT JOIN item_metrics m ON m.run_id = i.run_id AND m.item_key = i.item_key AND m.measure IN (${measures.map((_, i) => `$m${i}`).join(', ')})`
    : '';
  return store.columns(
    `SELECT i.generator, i.query_id, i.repeat_index, i.latency_ms, i.load_ms, i.cache_hit, i.status, i.docs_found${pivot}
     FROM run_items i ${join}
     WHERE i.run_id = $run
     GROUP BY i.item_key, i.generator, i.query_id, i.repeat_index, i.latency_ms, i.load_ms, i.cache_hit, i.status, i.docs_found
     ORDER BY i.generator, i.query_id, i.repeat_index, i.item_key`,
    params,
  );
}

/** Per model, over the items a generator `<prefix><model>` made: the items with `measure`, their mean, and the runs they came from (optionally only runs on `datasets`). */
export async function modelMeasureMeans(
  store: Store,
  options: { generatorPrefix: string; measure: string; datasets?: readonly string[] },
): Promise<{ model: string; items: number; mean: number; runs: number }[]> {
  const datasets = options.datasets ?? [];
  const datasetParams = Object.fromEntries(datasets.map((d, i) => [`dataset${i}`, d]));
  const rows = await store.all<{ model: string; items: bigint; mean: number; runs: bigint }>(
    `SELECT ri.model, count(*) AS items, avg(im.value) AS mean, count(DISTINCT ri.run_id) AS runs
       FROM run_items ri
       JOIN item_metrics im ON im.run_id = ri.run_id AND im.item_key = ri.item_key
       JOIN runs r ON r.run_id = ri.run_id
      WHERE ri.model IS NOT NULL
        AND ri.generator = $prefix || ri.model
        AND im.measure = $measure
        ${datasets.length > 0 ? `AND r.dataset IN (${Object.keys(datasetParams).map((k) => `$${k}`).join(', ')})` : ''}
      GROUP BY ri.model`,
    { prefix: options.generatorPrefix, measure: options.measure, ...datasetParams },
  );
  return rows.map((r) => ({ model: r.model, items: Number(r.items), mean: r.mean, runs: Number(r.runs) }));
}
