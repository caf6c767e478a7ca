/**
 * `benchlab runs [--json]`: lists the runs (id, kind, status, suite, dataset, items, started),
 * oldest first. A run still marked `running` whose process is gone (recorded with the run: its
 * pid and host) shows as `interrupted`, with the command that resumes it. Opens the database
 * read-only, so it works beside a run in progress and never migrates the file.
 */
import { Command } from 'commander';
import { listRunOverview, type RunOverview } from '../../runs/run-items';
import { runProcessGone } from '../../runs/run-lock';
import { resolveDbPath } from '../../store/db-path';
import { withStore } from '../../store/store';
import { printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

export interface ListedRun {
  runId: string;
  kind: string;
  /** The stored status, or `interrupted` for a `running` run whose process is gone. */
  status: string;
  /** The status as stored in runs.status. */
  storedStatus: string;
  suite: string | null;
  dataset: string | null;
  items: number;
  startedAt: string;
  endedAt: string | null;
  host: string;
  pid: number | null;
  /** The command that finishes the run: benchmark runs interrupted or failed; null otherwise. */
  resume: string | null;
}

export function listedRun(dbPath: string, run: RunOverview): ListedRun {
  const gone = run.status === 'running' && runProcessGone(dbPath, run) === true;
  const status = gone ? 'interrupted' : run.status;
  const resumable = run.kind === 'bench' && (status === 'interrupted' || status === 'failed');
  return {
    runId: run.runId, kind: run.kind, status, storedStatus: run.status, suite: run.suite, dataset: run.dataset, items: run.items,
    startedAt: run.startedAt.toISOString(), endedAt: run.endedAt?.toISOString() ?? null, host: run.host, pid: run.pid ?? null,
    resume: resumable ? `benchlab run --resume ${run.runId}` : null,
  };
}

const started = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export function runsCommand(globals: () => GlobalOptions): Command {
  return new Command('runs')
    .description('list the runs: id, kind, status, suite, dataset, items, start; runs whose process is gone show as interrupted, with the resume command')
    .option('--json', 'print the runs as JSON', false)
    .action(async (options: { json: boolean }) => {
      const dbPath = resolveDbPath(globals().db);
      const runs = (await withStore({ dbPath, readOnly: true }, (store) => listRunOverview(store))).map((run) => listedRun(dbPath, run));
      if (options.json) {
        printJson(runs);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`no runs stored in ${dbPath}\n`);
        return;
      }
      process.stdout.write(
        renderTable(
          ['id', 'kind', 'status', 'suite', 'dataset', 'items', 'started (UTC)'],
          runs.map((r) => [r.runId, r.kind, r.status === r.storedStatus ? r.status : `${r.status} (process ${r.pid} gone)`, r.suite ?? '-', r.dataset ?? '-', r.items, started(r.startedAt)]),
        ) + '\n',
      );
      for (const run of runs) {
        if (run.resume) process.stdout.write(`${run.runId} is ${run.status}; resume with: ${run.resume}\n`);
      }
    });
}
