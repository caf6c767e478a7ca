/**
 * `benchlab jobs run NAME`: one execution of a job, now, in this process, with the options the
 * jobs config gives it (or the job's defaults when the config does not list it; a disabled job
 * runs too, since it was asked for by name). Recorded in job_runs like a scheduled fire, with
 * no scheduled time.
 */
import { InputError } from '../input-error';
import { resolveDbPath } from '../store/db-path';
import { executeJob, type JobExecution } from './execute-job';
import type { JobLogger } from './job-handler';
import { silentLogger } from './job-log';
import { defaultJobOptions, type JobsConfig } from './jobs-config';
import { isJobName, JOB_HANDLERS, JOB_NAMES, type JobRegistry } from './registry';

export interface RunJobNowOptions {
  name: string;
  config: JobsConfig;
  dbPath?: string;
  registry?: JobRegistry;
  /** Aborted on Ctrl-C: the job may wrap up early. */
  signal?: AbortSignal;
  log?: JobLogger;
}

export async function runJobNow(options: RunJobNowOptions): Promise<JobExecution> {
  const { name } = options;
  if (!isJobName(name)) throw new InputError(`unknown job '${name}'; known jobs: ${JOB_NAMES.join(', ')}`);
  const dbPath = resolveDbPath(options.dbPath);
  if (dbPath === ':memory:') throw new InputError('jobs need a database file, not :memory: (use --db PATH)');
  const registry = options.registry ?? JOB_HANDLERS;
  const configured = options.config.jobs.find((j) => j.name === name);
  return executeJob({
    dbPath,
    job: name,
    handler: registry[name],
    options: configured ? configured.options : defaultJobOptions(name, registry),
    scheduledAt: undefined,
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? silentLogger,
  });
}
