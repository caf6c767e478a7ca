/**
 * The contract every scheduled job implements: a zod schema for its `options:` block in
 * data/jobs.yaml, and `run`, which does the work and says what it wrote. The scheduler,
 * overlap guard, bookkeeping in `job_runs` and shutdown live elsewhere (daemon.ts,
 * execute-job.ts); a handler only does its job.
 */
import type { z } from 'zod';

/** Where a job's progress lines go (the daemon prefixes them with the time and job name). */
export interface JobLogger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export interface JobContext {
  /** The resolved database file (never ':memory:'). Open it per unit of work with withStore. */
  dbPath: string;
  /** This execution's row in job_runs. */
  jobRunId: string;
  /** The cron slot this execution was scheduled for; undefined for `benchlab jobs run`. */
  scheduledAt: Date | undefined;
  /**
   * Aborted when shutdown is requested (SIGINT/SIGTERM to the daemon, Ctrl-C on `jobs run`).
   * A job that can wrap up early (finish the item in flight, save, stop) should; one that
   * cannot simply runs on, and the daemon waits for it up to the grace period.
   */
  signal: AbortSignal;
  log: JobLogger;
}

export interface JobOutcome {
  /** Rows the job inserted or updated in the store (job_runs.rows_written); undefined when it writes files, not rows. */
  rowsWritten?: number;
  /** One line for the log and `benchlab jobs run`: what the job did. */
  summary: string;
  /** Set when the job did its work but the result is a failure (a bench expectation failed). */
  failure?: string;
  /** Set when the job stopped early because `signal` was aborted. */
  interrupted?: boolean;
}

/**
 * A job kind. `run` is declared as a method on purpose: method parameters are checked
 * bivariantly, so a handler for specific options still fits `JobHandler` in the registry.
 * That is sound here because the daemon only ever passes options parsed by the same
 * handler's own schema.
 */
export interface JobHandler<S extends z.ZodType = z.ZodType> {
  /** One line for `benchlab jobs list` and --help. */
  readonly description: string;
  /** Schema of the job's `options:` block; every field needs a default or must be optional. */
  readonly options: S;
  run(options: z.output<S>, context: JobContext): Promise<JobOutcome>;
}

/** Identity helper that infers a handler's option types from its schema. */
export function defineJob<S extends z.ZodType>(handler: JobHandler<S>): JobHandler<S> {
  return handler;
}
