/**
 * What `benchlab jobs list` shows: every job the registry knows, with its schedule from the
 * jobs config (or none), its next fire times, its latest execution from job_runs, and whether
 * a daemon is running for the database (from the lock file).
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
  const latest = await withStore({ dbPath }, latestJobRuns);
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
