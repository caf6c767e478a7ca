/**
 * Run bookkeeping in the store: a run row is created when work starts (status `running`) and
 * finished with `completed`, `failed` or `interrupted`; items, metric values and ranked results
 * are appended in batches, each batch atomically. The row names the process working on it
 * (`runs.host`, and the pid as `runs.config.pid`), so `benchlab runs` can tell a run whose
 * process is gone from one still running.
 */
import os from 'node:os';
import type { Store } from '../store/store';
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
