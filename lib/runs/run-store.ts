/**
 * Run bookkeeping in the store: a run row is created when work starts (status `running`) and
 * finished with `completed`, `failed` or `interrupted`; items, metric values and ranked results
 * are appended in batches, each batch atomically.
 */
import os from 'node:os';
import type { Store } from '../store/store';
import type { Run } from '../evaluation/types';
import { newRunId } from './run-id';
import { collectVersions } from './versions';

export type RunKind = 'retrieve' | 'bench';
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface NewRun {
  kind: RunKind;
  dataset?: string;
  suite?: string;
  config: unknown;
}

export async function createRun(store: Store, run: NewRun): Promise<string> {
  const runId = newRunId();
  await store.run(
    `INSERT INTO runs VALUES ($id, $kind, $dataset, $suite, $config, $versions, $host, 'running', current_timestamp, NULL, NULL)`,
    {
      id: runId,
      kind: run.kind,
      dataset: run.dataset ?? null,
      suite: run.suite ?? null,
      config: JSON.stringify(run.config),
      versions: JSON.stringify(collectVersions()),
      host: os.hostname(),
    },
  );
  return runId;
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
