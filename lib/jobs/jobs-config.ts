/**
 * The jobs config, data/jobs.yaml: which jobs the daemon schedules, when (cron expression and
 * time zone), whether each is enabled, and each job's options; plus the shutdown grace period.
 * Read by the config loader (lib/config) and validated with zod, each job's options with that
 * job's own schema. Every problem is reported at once, as `file:line: jobs.1.cron: reason`, in an
 * InputError (the CLI exits 3), so a bad config is rejected at start-up, never at 3 a.m.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseConfigText, readConfigText } from '../config/load-config';
import { InputError } from '../input-error';
import { projectRoot } from '../store/db-path';
import { cronProblem, timezoneProblem } from './cron-schedule';
import { isJobName, JOB_HANDLERS, JOB_NAMES, type JobName, type JobRegistry } from './registry';

export const DEFAULT_JOBS_CONFIG_RELATIVE = path.join('data', 'jobs.yaml');
/** How long a running job may take to finish after SIGINT/SIGTERM before it is marked interrupted. */
export const DEFAULT_GRACE_PERIOD_S = 60;
/** The longest grace period accepted: a day. */
export const MAX_GRACE_PERIOD_S = 86_400;
const MS_PER_SECOND = 1000;

const fileSchema = z
  .object({
    /** Time zone for jobs that do not name their own (default: the system's). */
    timezone: z.string().min(1).optional(),
    grace_period_s: z.number().positive().max(MAX_GRACE_PERIOD_S).default(DEFAULT_GRACE_PERIOD_S),
    jobs: z.array(z.unknown()).default([]),
  })
  .strict();

const entrySchema = z
  .object({
    /** One of the registry's job names. */
    name: z.string().min(1),
    /** Cron expression: 5 fields (minute first) or 6 (second first). */
    cron: z.string().min(1),
    timezone: z.string().min(1).optional(),
    enabled: z.boolean().default(true),
    /** The job's own options; `options:` with nothing after it means none. */
    options: z.record(z.string(), z.unknown()).nullable().default({}),
  })
  .strict();

export interface JobConfig {
  name: JobName;
  cron: string;
  /** The job's time zone, else the file's; undefined means the system's. */
  timezone: string | undefined;
  enabled: boolean;
  /** Parsed by the job handler's schema (defaults filled in). */
  options: unknown;
  /** Position in the file's `jobs` list, for messages. */
  index: number;
}

export interface JobsConfig {
  file: string;
  gracePeriodMs: number;
  jobs: JobConfig[];
}

export function defaultJobsConfigPath(): string {
  return path.join(projectRoot(), DEFAULT_JOBS_CONFIG_RELATIVE);
}

const WHAT = 'jobs config';

/** Parses and validates a jobs config. `registry` is the set of job handlers (tests pass their own). */
export function parseJobsConfig(text: string, file: string, registry: JobRegistry = JOB_HANDLERS): JobsConfig {
  const jobs: JobConfig[] = [];
  const top = parseConfigText(text, file, fileSchema, {
    what: WHAT,
    empty: {},
    check: (config, problems) => {
      if (config.timezone !== undefined) {
        const problem = timezoneProblem(config.timezone);
        if (problem) problems.add(['timezone'], problem);
      }
      const firstIndex = new Map<string, number>();
      // Each entry is validated on its own, so one bad job does not hide the problems of the others.
      config.jobs.forEach((raw, index) => {
        const at = (...keys: PropertyKey[]) => ['jobs', index, ...keys];
        const entry = entrySchema.safeParse(raw);
        if (!entry.success) {
          problems.addIssues(entry.error.issues, at());
          return;
        }
        const { name, cron, enabled } = entry.data;
        if (!isJobName(name)) {
          problems.add(at('name'), `unknown job '${name}'; known jobs: ${JOB_NAMES.join(', ')}`);
          return;
        }
        const previous = firstIndex.get(name);
        if (previous !== undefined) problems.add(at('name'), `job '${name}' is already defined at jobs.${previous}; each job may appear once`);
        else firstIndex.set(name, index);
        const cronIssue = cronProblem(cron);
        if (cronIssue) problems.add(at('cron'), `invalid cron expression '${cron}': ${cronIssue}`);
        if (entry.data.timezone !== undefined) {
          const problem = timezoneProblem(entry.data.timezone);
          if (problem) problems.add(at('timezone'), problem);
        }
        const options = registry[name].options.safeParse(entry.data.options ?? {});
        if (!options.success) {
          problems.addIssues(options.error.issues, at('options'));
          return;
        }
        jobs.push({ name, cron, timezone: entry.data.timezone ?? config.timezone, enabled, options: options.data, index });
      });
    },
  });
  return { file, gracePeriodMs: top.grace_period_s * MS_PER_SECOND, jobs };
}

/** Reads and validates the jobs config (default: data/jobs.yaml in the project folder). */
export function loadJobsConfig(file: string = defaultJobsConfigPath(), registry: JobRegistry = JOB_HANDLERS): JobsConfig {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) {
    throw new InputError(`jobs config ${resolved} not found: create it (see ${DEFAULT_JOBS_CONFIG_RELATIVE} for the format) or pass --config FILE`);
  }
  return parseJobsConfig(readConfigText(resolved), resolved, registry);
}

/** The options a job runs with when the config does not list it (its schema's defaults). */
export function defaultJobOptions(name: JobName, registry: JobRegistry = JOB_HANDLERS): unknown {
  return registry[name].options.parse({});
}
