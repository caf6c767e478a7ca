/** Shared pieces of the jobs tests: temp databases, configs, a recording logger, test handlers. */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { afterEach } from 'vitest';
import { defineJob, type JobContext, type JobHandler, type JobLogger, type JobOutcome } from '../../lib/jobs/job-handler';
import { parseJobsConfig, type JobsConfig } from '../../lib/jobs/jobs-config';
import { jobRunHistory, type JobRunRow } from '../../lib/jobs/job-runs';
import { JOB_HANDLERS, type JobRegistry } from '../../lib/jobs/registry';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) removeDir(dirs.pop() as string);
});

/** A fresh folder (removed after the test) with a database path in it. */
export function freshDb(): { dir: string; db: string } {
  const dir = tempDir('benchlab-jobs-');
  dirs.push(dir);
  return { dir, db: path.join(dir, 'jobs.duckdb') };
}

export function writeConfig(dir: string, yaml: string, name = 'jobs.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return file;
}

/** Parses a config text against `registry` (a file name is needed only for messages). */
export function config(yaml: string, registry: JobRegistry = JOB_HANDLERS): JobsConfig {
  return parseJobsConfig(yaml, '/test/jobs.yaml', registry);
}

export interface RecordingLogger extends JobLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (l) => lines.push(`info ${l}`),
    warn: (l) => lines.push(`warn ${l}`),
    error: (l) => lines.push(`error ${l}`),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface ScriptedJob {
  handler: JobHandler;
  /** Contexts of the calls so far. */
  calls: JobContext[];
  /** Calls that returned or threw. */
  finished: number;
}

/** A handler whose n-th call (0-based) does `script(n, context)`. */
export function scriptedJob(script: (call: number, context: JobContext) => Promise<JobOutcome>): ScriptedJob {
  const job: ScriptedJob = {
    calls: [],
    finished: 0,
    handler: defineJob({
      description: 'test job',
      options: z.object({}).strict(),
      async run(_options, context) {
        const call = job.calls.length;
        job.calls.push(context);
        try {
          return await script(call, context);
        } finally {
          job.finished++;
        }
      },
    }),
  };
  return job;
}

/** The real registry with `bench` replaced by a test handler (bench is just a name here). */
export function registryWith(handler: JobHandler): JobRegistry {
  return { ...JOB_HANDLERS, bench: handler };
}

/** A config that fires `bench` every second. */
export const EVERY_SECOND = `grace_period_s: 10\njobs:\n  - name: bench\n    cron: "*/1 * * * * *"\n`;

export async function jobRuns(db: string, job?: string): Promise<JobRunRow[]> {
  const rows = await withStore({ dbPath: db }, (store) => jobRunHistory(store, job, 1000));
  return rows.reverse(); // oldest first
}

/** The pid of a process that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}
