/**
 * Run bookkeeping in the store: a run row is created when work starts (status `running`) and
 * finished with `completed`, `failed` or `interrupted`; items, metric values and ranked results
 * are appended in batches, each batch atomically. The row names the process working on it
 * (`runs.host`, and the pid as `runs.config.pid`), so `benchlab runs` can tell a run whose
 * process is gone from one still running.
 */
import os from 'node:os';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { AppendValue, Store } from '../store/store';
import type { Run } from '../evaluation/types';
import { newRunId } from './run-id';
import { collectVersions } from './versions';

export type RunKind = 'retrieve' | 'bench';
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface NewRun {
  /** The id to create the run under (a caller that locks the run first picks it); default: a new one. */
  runId?: string;
  kind: RunKind;
  dataset?: string;
  suite?: string;
  config: unknown;
}

/** The process that works on a run, as stored with it: runs.host and runs.config.pid. */
export interface RunProcess {
  pid: number;
  host: string;
}

export function thisProcess(): RunProcess {
  return { pid: process.pid, host: os.hostname() };
}

export async function createRun(store: Store, run: NewRun): Promise<string> {
  const runId = run.runId ?? newRunId();
  const owner = thisProcess();
  const config = typeof run.config === 'object' && run.config !== null && !Array.isArray(run.config) ? { ...run.config, pid: owner.pid } : run.config;
  await store.run(
    `INSERT INTO runs VALUES ($id, $kind, $dataset, $suite, $config, $versions, $host, 'running', current_timestamp, NULL, NULL)`,
    {
      id: runId,
      kind: run.kind,
      dataset: run.dataset ?? null,
      suite: run.suite ?? null,
      config: JSON.stringify(config),
      versions: JSON.stringify(collectVersions()),
      host: owner.host,
    },
  );
  return runId;
}

/** A run taken up again (`--resume`): running, in this process, on this host. */
export async function reopenRun(store: Store, runId: string): Promise<void> {
  const owner = thisProcess();
  await store.run(
    `UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, host = $host, config = json_merge_patch(config, $pid) WHERE run_id = $id`,
    { id: runId, host: owner.host, pid: JSON.stringify({ pid: owner.pid }) },
  );
}

export async function finishRun(store: Store, runId: string, status: Exclude<RunStatus, 'running'>, error?: string): Promise<void> {
  await store.run(`UPDATE runs SET status = $status, ended_at = current_timestamp, error = $error WHERE run_id = $id`, {
    id: runId,
    status,
    error: error ?? null,
  });
}

/** Stores per-item metric values in long format (one row per item and measure). */
export async function appendItemMetrics(
  store: Store,
  runId: string,
  perItem: Map<string, Record<string, number>>,
): Promise<number> {
  const rows: [string, string, string, number][] = [];
  for (const [itemKey, values] of perItem) {
    for (const [measure, value] of Object.entries(values)) rows.push([runId, itemKey, measure, value]);
  }
  return store.append('item_metrics', rows);
}

/** Stores a ranked run (already in trec_eval order per query) for TREC export and later analysis. */
export async function appendRunResults(store: Store, runId: string, system: string, run: Run): Promise<number> {
  const rows: [string, string, string, string, number, number][] = [];
  for (const [queryId, docs] of run) {
    docs.forEach((doc, i) => rows.push([runId, system, queryId, doc.docId, i + 1, doc.score]));
  }
  return store.append('run_results', rows);
}

/** A run's status and stored config (runs.config, parsed), or undefined when there is no such run of `kind`. */
export async function readRunConfig(store: Store, runId: string, kind: RunKind): Promise<{ status: string; config: unknown } | undefined> {
  const run = await store.one<{ status: string; config: unknown }>(`SELECT status, config FROM runs WHERE run_id = $id AND kind = $kind`, { id: runId, kind });
  if (!run) return undefined;
  let config: unknown = run.config;
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config) as unknown;
    } catch {
      config = {};
    }
  }
  return { status: run.status, config };
}

/** Merges `extra` into runs.config (JSON merge patch). */
export async function mergeRunConfig(store: Store, runId: string, extra: Record<string, unknown>): Promise<void> {
  await store.run(`UPDATE runs SET config = json_merge_patch(config, $extra) WHERE run_id = $id`, { id: runId, extra: JSON.stringify(extra) });
}

/** What a resumed benchmark run needs of each stored item: its status and what multi-model items fuse. */
export type StoredItemState = {
  item_key: string;
  generated_queries: string | null;
  query_checks: string | null;
  latency_ms: number | null;
  load_ms: number | null;
  status: string | null;
  error_kind: string | null;
};

export async function loadItemStates(store: Store, runId: string): Promise<StoredItemState[]> {
  return store.all<StoredItemState>(
    `SELECT item_key, generated_queries, query_checks, latency_ms, load_ms, status, error_kind FROM run_items WHERE run_id = $id`,
    { id: runId },
  );
}

/** Deletes items of a run (run_items and item_metrics) that are attempted again; call inside the batch's transaction. */
export async function deleteRunItems(store: Store, runId: string, itemKeys: string[]): Promise<void> {
  if (itemKeys.length === 0) return;
  for (const table of ['run_items', 'item_metrics']) {
    await store.run(`DELETE FROM ${table} WHERE run_id = $run AND list_contains($keys, item_key)`, { run: runId, keys: listValue(itemKeys) }, { keys: LIST(VARCHAR) });
  }
}

/** Appends benchmark items, each row in run_items' column order. */
export async function appendRunItems(store: Store, rows: readonly (readonly AppendValue[])[]): Promise<number> {
  return store.append('run_items', rows);
}

/** Appends metric values already in item_metrics' shape: [run_id, item_key, measure, value]. */
export async function appendMetricRows(store: Store, rows: readonly [string, string, string, number][]): Promise<number> {
  return store.append('item_metrics', rows);
}
