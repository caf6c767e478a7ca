/**
 * What `benchlab jobs list` shows: every job the registry knows, with its schedule from the
 * jobs config (or none), its next fire times, its latest execution from job_runs, and whether
 * a daemon is running for the database (from the lock file). It only reads: the database is
 * opened read-only (so a file the user cannot write works, beside a running daemon too), and a
 * database that does not exist is an error (exit 3, `no database at PATH`), never a new file.
 */
import { resolveDbPath } from '../store/db-path';
import { withStore } from '../store/store';
import { nextFireTimes } from './cron-schedule';
import { liveLockOwner, lockPathFor, type LockOwner } from './daemon-lock';
import { latestJobRuns, type JobRunRow } from './job-runs';
import type { JobsConfig } from './jobs-config';
import { JOB_HANDLERS, JOB_NAMES, type JobName, type JobRegistry } from './registry';

export interface JobStatusEntry {
  name: JobName;
  description: string;
  /** Whether the config lists the job. */
  configured: boolean;
  enabled: boolean;
  cron: string | null;
  timezone: string | null;
  /** Next fire times of an enabled job (empty otherwise). */
  nextRuns: Date[];
  lastRun: JobRunRow | null;
}

export interface JobsStatus {
  config: string;
  dbPath: string;
  /** The running daemon for this database, if any. */
  daemon: (LockOwner & { lockPath: string }) | null;
  jobs: JobStatusEntry[];
}

export async function jobsStatus(options: { dbPath?: string; config: JobsConfig; next?: number; registry?: JobRegistry }): Promise<JobsStatus> {
  const dbPath = resolveDbPath(options.dbPath);
  const registry = options.registry ?? JOB_HANDLERS;
  // An in-memory database is new in every process: there is nothing to read, and read-only cannot open it.
  const latest = await withStore({ dbPath, readOnly: dbPath !== ':memory:' }, latestJobRuns);
  const lockPath = lockPathFor(dbPath);
  const owner = liveLockOwner(lockPath);
  const jobs = JOB_NAMES.map((name): JobStatusEntry => {
    const job = options.config.jobs.find((j) => j.name === name);
    return {
      name,
      description: registry[name].description,
      configured: job !== undefined,
      enabled: job?.enabled ?? false,
      cron: job?.cron ?? null,
      timezone: job?.timezone ?? null,
      nextRuns: job?.enabled ? nextFireTimes(job.cron, job.timezone, options.next ?? 1) : [],
      lastRun: latest.get(name) ?? null,
    };
  });
  return { config: options.config.file, dbPath, daemon: owner ? { ...owner, lockPath } : null, jobs };
}
