/**
 * The jobs config, data/jobs.yaml: which jobs the daemon schedules, when (cron expression and
 * time zone), whether each is enabled, and each job's options; plus the shutdown grace period.
 * Parsed with `yaml` and validated with zod, and each job's options with that job's own schema.
 * Every problem is reported at once, as `file:line: jobs[i] (name): field: reason`, in an
 * InputError (the CLI exits 3), so a bad config is rejected at start-up, never at 3 a.m.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter, type Document } from 'yaml';
import { yamlToJs } from '../yaml-limits';
import { z } from 'zod';
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

type Path = readonly PropertyKey[];

/** The line of the deepest node of `keys` present in the document (1-based). */
function lineOf(doc: Document, lineCounter: LineCounter, keys: Path): number | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k)), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

const fieldPath = (keys: Path) => keys.map(String).join('.');

/** Where an issue points in the document: an unrecognized key points at the (first) key itself. */
function issueLocation(issue: z.core.$ZodIssue): Path {
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
}

/** Parses and validates a jobs config. `registry` is the set of job handlers (tests pass their own). */
export function parseJobsConfig(text: string, file: string, registry: JobRegistry = JOB_HANDLERS): JobsConfig {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0]?.line;
    throw new InputError(`${file}${line ? `:${line}` : ''}: ${first?.message.split('\n')[0]}`);
  }
  const problems: string[] = [];
  const report = (keys: Path, message: string) => {
    const line = lineOf(doc, lineCounter, keys);
    problems.push(`${file}${line ? `:${line}` : ''}: ${message}`);
  };

  const top = fileSchema.safeParse(yamlToJs(doc, text, file) ?? {});
  if (!top.success) {
    for (const issue of top.error.issues) report(issueLocation(issue), `${fieldPath(issue.path) || '(root)'}: ${issue.message}`);
    throw new InputError(`invalid jobs config:\n${problems.join('\n')}`);
  }
  const fileTimezone = top.data.timezone;
  if (fileTimezone !== undefined) {
    const problem = timezoneProblem(fileTimezone);
    if (problem) report(['timezone'], `timezone: ${problem}`);
  }

  const jobs: JobConfig[] = [];
  const firstIndex = new Map<string, number>();
  top.data.jobs.forEach((raw, index) => {
    const at = (...keys: PropertyKey[]) => ['jobs', index, ...keys];
    const rawName = (raw as { name?: unknown } | null)?.name;
    const label = `jobs[${index}]${typeof rawName === 'string' ? ` (${rawName})` : ''}`;
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      for (const issue of entry.error.issues) report(at(...issueLocation(issue)), `${label}: ${fieldPath(issue.path) || '(entry)'}: ${issue.message}`);
      return;
    }
    const { name, cron, enabled } = entry.data;
    if (!isJobName(name)) {
      report(at('name'), `${label}: name: unknown job '${name}'; known jobs: ${JOB_NAMES.join(', ')}`);
      return;
    }
    const previous = firstIndex.get(name);
    if (previous !== undefined) report(at('name'), `${label}: name: job '${name}' is already defined at jobs[${previous}]; each job may appear once`);
    else firstIndex.set(name, index);
    const cronIssue = cronProblem(cron);
    if (cronIssue) report(at('cron'), `${label}: cron: invalid cron expression '${cron}': ${cronIssue}`);
    const timezone = entry.data.timezone ?? fileTimezone;
    if (entry.data.timezone !== undefined) {
      const problem = timezoneProblem(entry.data.timezone);
      if (problem) report(at('timezone'), `${label}: timezone: ${problem}`);
    }
    const options = registry[name].options.safeParse(entry.data.options ?? {});
    if (!options.success) {
      for (const issue of options.error.issues) report(at('options', ...issueLocation(issue)), `${label}: ${fieldPath(['options', ...issue.path])}: ${issue.message}`);
      return;
    }
    jobs.push({ name, cron, timezone, enabled, options: options.data, index });
  });
  if (problems.length > 0) throw new InputError(`invalid jobs config:\n${problems.join('\n')}`);
  return { file, gracePeriodMs: top.data.grace_period_s * MS_PER_SECOND, jobs };
}

/** Reads and validates the jobs config (default: data/jobs.yaml in the project folder). */
export function loadJobsConfig(file: string = defaultJobsConfigPath(), registry: JobRegistry = JOB_HANDLERS): JobsConfig {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`jobs config ${resolved} not found: create it (see ${DEFAULT_JOBS_CONFIG_RELATIVE} for the format) or pass --config FILE`);
    }
    throw error;
  }
  return parseJobsConfig(text, resolved, registry);
}

/** The options a job runs with when the config does not list it (its schema's defaults). */
export function defaultJobOptions(name: JobName, registry: JobRegistry = JOB_HANDLERS): unknown {
  return registry[name].options.parse({});
}
