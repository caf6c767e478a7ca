/**
 * One execution of a job, recorded in job_runs: the start row (or a skipped row when the job is
 * already running somewhere), the handler's work, and the end row with status, error and rows
 * written. Used by the daemon for each cron fire and by `benchlab jobs run` for a run now.
 * A handler that throws is recorded as failed; nothing it throws escapes from here except a
 * failure to record the start (the store could not be opened), which the caller reports (the
 * daemon records a fire it could not start because the database was held as skipped, once it
 * can write).
 */
import { InputError } from '../input-error';
import type { LockRetryOptions } from '../store/lock-retry';
import { withStore, type StoreOptions } from '../store/store';
import type { JobHandler, JobLogger } from './job-handler';
import { prefixedLogger } from './job-log';
import { finishJobRun, forgetJobRun, startJobRun, type FinalJobStatus } from './job-runs';

export interface ExecuteJobOptions {
  dbPath: string;
  job: string;
  handler: JobHandler;
  /** Options already parsed by the handler's schema. */
  options: unknown;
  scheduledAt: Date | undefined;
  signal: AbortSignal;
  log: JobLogger;
  /** Called once the start row is written (the daemon tracks what is in flight). */
  onStarted?: (jobRunId: string, startedAt: Date) => void;
  /** How long the start and end rows wait for a database another process holds (default: the store's bounded wait). */
  lockRetry?: LockRetryOptions;
}

export interface JobExecution {
  jobRunId: string;
  job: string;
  status: FinalJobStatus | 'skipped';
  /** The failure, or for a skipped execution the reason. */
  error?: string;
  rowsWritten?: number;
  summary?: string;
  durationMs: number;
}

const MS_PER_SECOND = 1000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function executeJob(options: ExecuteJobOptions): Promise<JobExecution> {
  const { job, log } = options;
  const started = performance.now();
  const storeOptions: StoreOptions = { dbPath: options.dbPath, ...(options.lockRetry ? { lockRetry: options.lockRetry } : {}) };
  const start = await withStore(storeOptions, (store) => startJobRun(store, job, options.scheduledAt));
  if (!start.started) {
    log.warn(`${job} skipped: ${start.reason}`);
    return { jobRunId: start.jobRunId, job, status: 'skipped', error: start.reason, durationMs: 0 };
  }
  const { jobRunId } = start;
  options.onStarted?.(jobRunId, start.startedAt);
  log.info(`${job} started (job run ${jobRunId}${options.scheduledAt ? `, scheduled for ${options.scheduledAt.toISOString()}` : ''})`);

  let execution: { status: FinalJobStatus; error?: string; rowsWritten?: number; summary?: string };
  try {
    const outcome = await options.handler.run(options.options, {
      dbPath: options.dbPath,
      jobRunId,
      scheduledAt: options.scheduledAt,
      signal: options.signal,
      log: prefixedLogger(log, `${job}: `),
    });
    const status: FinalJobStatus = outcome.failure !== undefined ? 'failed' : outcome.interrupted ? 'interrupted' : 'succeeded';
    execution = {
      status, summary: outcome.summary,
      ...(outcome.failure !== undefined ? { error: outcome.failure } : outcome.interrupted ? { error: `stopped early on shutdown: ${outcome.summary}` } : {}),
      ...(outcome.rowsWritten !== undefined ? { rowsWritten: outcome.rowsWritten } : {}),
    };
  } catch (error) {
    execution = { status: 'failed', error: errorText(error) };
    // A bug deserves its stack in the log; bad input (a missing suite) only its message.
    if (error instanceof Error && !(error instanceof InputError) && error.stack) log.error(`${job} threw: ${error.stack}`);
  }
  const durationMs = performance.now() - started;
  try {
    await withStore(storeOptions, (store) =>
      finishJobRun(store, jobRunId, {
        status: execution.status,
        ...(execution.error !== undefined ? { error: execution.error } : {}),
        ...(execution.rowsWritten !== undefined ? { rowsWritten: execution.rowsWritten } : {}),
      }),
    );
  } catch (error) {
    forgetJobRun(jobRunId);
    log.error(`${job}: could not record the end of job run ${jobRunId} (${errorText(error)}); it will be marked interrupted later`);
  }
  const seconds = (durationMs / MS_PER_SECOND).toFixed(1);
  const detail = execution.error ?? execution.summary ?? '';
  const line = `${job} ${execution.status} in ${seconds} s${execution.rowsWritten !== undefined ? `, ${execution.rowsWritten} row(s) written` : ''}${detail ? `: ${detail}` : ''}`;
  if (execution.status === 'succeeded') log.info(line);
  else log.warn(line);
  return { jobRunId, job, ...execution, durationMs };
}
