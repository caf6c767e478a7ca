/**
 * The `job_runs` table: one row per job execution (job, scheduled slot, start, end, status,
 * error, rows written, pid). A row is inserted when the execution starts (status `running`) and
 * updated when it ends, each in its own short store open. Skipped executions get a row too,
 * with the reason in `error`. `scheduled_at` is NULL for executions started by hand
 * (`benchlab jobs run`).
 *
 * A `running` row whose process is gone (the daemon was killed, the machine rebooted) is marked
 * `interrupted` by the next start of any job, so a crash never blocks a job forever.
 */
import { timestampValue, type DuckDBValue } from '@duckdb/node-api';
import { newRunId } from '../runs/run-id';
import type { Store } from '../store/store';
import { isProcessAlive } from '../store/process-alive';

export const JOB_STATUSES = ['running', 'succeeded', 'failed', 'interrupted', 'skipped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type FinalJobStatus = Exclude<JobStatus, 'running' | 'skipped'>;

export interface JobRunRow {
  jobRunId: string;
  job: string;
  scheduledAt: Date | null;
  startedAt: Date;
  endedAt: Date | null;
  status: JobStatus;
  error: string | null;
  rowsWritten: number | null;
  pid: number;
}

interface RawJobRun extends Record<string, unknown> {
  job_run_id: string;
  job: string;
  scheduled_at: Date | null;
  started_at: Date;
  ended_at: Date | null;
  status: JobStatus;
  error: string | null;
  rows_written: bigint | number | null;
  pid: number;
}

const COLUMNS = 'job_run_id, job, scheduled_at, started_at, ended_at, status, error, rows_written, pid';
const MICROS_PER_MS = 1000n;

function toRow(raw: RawJobRun): JobRunRow {
  return {
    jobRunId: raw.job_run_id,
    job: raw.job,
    scheduledAt: raw.scheduled_at,
    startedAt: raw.started_at,
    endedAt: raw.ended_at,
    status: raw.status,
    error: raw.error,
    rowsWritten: raw.rows_written === null ? null : Number(raw.rows_written),
    pid: raw.pid,
  };
}

function ts(date: Date | undefined | null): DuckDBValue {
  return date ? timestampValue(BigInt(date.getTime()) * MICROS_PER_MS) : null;
}

/** Job run ids: the sortable run-id format with a `j` prefix, e.g. `j20261121-101512-3fa9c2`. */
export function newJobRunId(now: Date = new Date()): string {
  return `j${newRunId(now).slice(1)}`;
}

/** Executions this process is running now, so its own rows are never mistaken for stale ones. */
const ownRunning = new Set<string>();

/** A row in `running` state that belongs to a live process (this one's only if it is really running). */
function isLive(row: { job_run_id: string; pid: number }): boolean {
  return row.pid === process.pid ? ownRunning.has(row.job_run_id) : isProcessAlive(row.pid);
}

/** Marks `running` rows whose process is gone as interrupted; returns their ids. */
export async function recoverStaleRuns(store: Store, now: Date = new Date()): Promise<string[]> {
  const running = await store.all<{ job_run_id: string; pid: number }>(`SELECT job_run_id, pid FROM job_runs WHERE status = 'running'`);
  const stale = running.filter((r) => !isLive(r));
  for (const row of stale) {
    await store.run(`UPDATE job_runs SET status = 'interrupted', ended_at = $now, error = $error WHERE job_run_id = $id AND status = 'running'`, {
      id: row.job_run_id,
      now: ts(now),
      error: `process ${row.pid} ended before the job finished (killed or crashed)`,
    });
  }
  return stale.map((r) => r.job_run_id);
}

export type StartResult = { started: true; jobRunId: string; startedAt: Date } | { started: false; jobRunId: string; reason: string };

/**
 * Records the start of an execution: a `running` row, or, when the same job is already running
 * in a live process (this daemon, another daemon, or `benchlab jobs run`), a `skipped` row
 * saying which. Check and insert happen in one transaction.
 */
export async function startJobRun(store: Store, job: string, scheduledAt: Date | undefined, now: Date = new Date()): Promise<StartResult> {
  const jobRunId = newJobRunId(now);
  return store.transaction(async () => {
    await recoverStaleRuns(store, now);
    const running = await store.all<{ job_run_id: string; pid: number; started_at: Date }>(
      `SELECT job_run_id, pid, started_at FROM job_runs WHERE job = $job AND status = 'running' ORDER BY started_at`,
      { job },
    );
    const holder = running[0];
    if (holder) {
      const reason = `previous run ${holder.job_run_id} (pid ${holder.pid}, started ${holder.started_at.toISOString()}) is still running`;
      await insertRow(store, { jobRunId, job, scheduledAt, startedAt: now, endedAt: now, status: 'skipped', error: reason });
      return { started: false, jobRunId, reason };
    }
    await insertRow(store, { jobRunId, job, scheduledAt, startedAt: now, endedAt: undefined, status: 'running', error: undefined });
    ownRunning.add(jobRunId);
    return { started: true, jobRunId, startedAt: now };
  });
}

/** Records a fire that did not run (the previous run of the job is still going, or the daemon is stopping). */
export async function recordSkipped(store: Store, job: string, scheduledAt: Date | undefined, reason: string, at: Date = new Date()): Promise<string> {
  const jobRunId = newJobRunId(at);
  await insertRow(store, { jobRunId, job, scheduledAt, startedAt: at, endedAt: at, status: 'skipped', error: reason });
  return jobRunId;
}

async function insertRow(
  store: Store,
  row: { jobRunId: string; job: string; scheduledAt: Date | undefined; startedAt: Date; endedAt: Date | undefined; status: JobStatus; error: string | undefined },
): Promise<void> {
  await store.run(`INSERT INTO job_runs (${COLUMNS}) VALUES ($id, $job, $scheduled, $started, $ended, $status, $error, NULL, $pid)`, {
    id: row.jobRunId,
    job: row.job,
    scheduled: ts(row.scheduledAt),
    started: ts(row.startedAt),
    ended: ts(row.endedAt),
    status: row.status,
    error: row.error ?? null,
    pid: process.pid,
  });
}

export interface JobRunEnd {
  status: FinalJobStatus;
  error?: string;
  rowsWritten?: number;
}

/**
 * Records the end of an execution. Only a row still `running` is updated, so a late finish
 * never overwrites an `interrupted` the daemon wrote when its grace period ended.
 */
export async function finishJobRun(store: Store, jobRunId: string, end: JobRunEnd, now: Date = new Date()): Promise<void> {
  await store.run(
    `UPDATE job_runs SET status = $status, ended_at = $ended, error = $error, rows_written = $rows WHERE job_run_id = $id AND status = 'running'`,
    {
      id: jobRunId,
      status: end.status,
      ended: ts(now),
      error: end.error ?? null,
      rows: end.rowsWritten === undefined ? null : BigInt(Math.round(end.rowsWritten)),
    },
  );
  ownRunning.delete(jobRunId);
}

/** Forgets an execution this process will not finish (its row could not be updated). */
export function forgetJobRun(jobRunId: string): void {
  ownRunning.delete(jobRunId);
}

/** The latest execution of each job, newest first. */
export async function latestJobRuns(store: Store): Promise<Map<string, JobRunRow>> {
  const rows = await store.all<RawJobRun>(
    `SELECT ${COLUMNS} FROM job_runs QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC, job_run_id DESC) = 1`,
  );
  return new Map(rows.map((r) => [r.job, toRow(r)]));
}

/** Executions of `job` (all jobs when undefined), newest first. */
export async function jobRunHistory(store: Store, job: string | undefined, limit: number): Promise<JobRunRow[]> {
  const where = job === undefined ? '' : 'WHERE job = $job';
  const rows = await store.all<RawJobRun>(
    `SELECT ${COLUMNS} FROM job_runs ${where} ORDER BY started_at DESC, job_run_id DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
    job === undefined ? {} : { job },
  );
  return rows.map(toRow);
}

/** Deletes job runs started before `cutoffMicros` (epoch microseconds, UTC), never a running one, in one statement; returns how many (the retention job). */
export async function pruneJobRuns(store: Store, cutoffMicros: bigint): Promise<number> {
  const result = await store.connection.run(`DELETE FROM job_runs WHERE started_at < $cutoff AND NOT (status = 'running')`, { cutoff: timestampValue(cutoffMicros) });
  return result.rowsChanged;
}
