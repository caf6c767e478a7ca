/**
 * `benchlab jobs` through the built CLI (dist/, `npm run build`), as users and process managers
 * run it: the daemon in a child process stopped with SIGTERM, a second daemon refused, a bad
 * config rejected, `jobs run retention` and `jobs list`.
 */
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JobDaemon } from '../../lib/jobs/daemon';
import { lockPathFor } from '../../lib/jobs/daemon-lock';
import type { JobStatusEntry } from '../../lib/jobs/job-status';
import { MS_PER_DAY } from '../../lib/jobs/retention';
import { withStore } from '../../lib/store/store';
import { CLI, runCli } from '../support/run-cli';
import { config, freshDb, jobRuns, waitFor, writeConfig } from './helpers';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const SIGTERM_EXIT_LIMIT_MS = 10_000;

describe('benchlab jobs', () => {
  it('start runs the daemon until SIGTERM, then exits 0, releases the lock and leaves no run unfinished', async () => {
    const { dir, db } = freshDb();
    const file = writeConfig(dir, `grace_period_s: 5\njobs:\n  - name: retention\n    cron: "*/1 * * * * *"\n`);
    const child = spawn(process.execPath, [CLI, '--db', db, 'jobs', 'start', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    try {
      await waitFor(() => /retention succeeded/.test(stdout), `a retention run (stdout: ${stdout}, stderr: ${stderr})`, 15_000);
      expect(stdout).toContain(`jobs daemon started: pid ${child.pid}, database ${db}, config ${file}, lock ${lockPathFor(db)}`);
      expect(JSON.parse(fs.readFileSync(lockPathFor(db), 'utf8'))).toMatchObject({ pid: child.pid });
      const sent = Date.now();
      child.kill('SIGTERM');
      const { code } = await exited;
      expect(Date.now() - sent).toBeLessThan(SIGTERM_EXIT_LIMIT_MS);
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stdout).toMatch(/stopping \(SIGTERM\)/);
    expect(stdout).toMatch(/jobs daemon stopped\n$/);
    expect(stderr).toBe('');
    expect(fs.existsSync(lockPathFor(db))).toBe(false);
    const runs = await jobRuns(db, 'retention');
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((r) => r.status === 'succeeded' && r.pid === child.pid && r.endedAt !== null)).toBe(true);
  });

  it('start refuses a second daemon on the same database (exit 4), naming the pid and the lock file', async () => {
    const { dir, db } = freshDb();
    const first = await JobDaemon.start({ dbPath: db, config: config('jobs: []') });
    try {
      const file = writeConfig(dir, `jobs:\n  - name: retention\n    cron: "0 4 * * 0"\n`);
      const second = await runCli(['--db', db, 'jobs', 'start', '--config', file]);
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(`another jobs daemon is running for ${db}: pid ${process.pid}`);
      expect(second.stderr).toContain(`(lock file ${lockPathFor(db)})`);
      expect(second.stderr).toContain(`kill ${process.pid}`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await first.stop();
    }
  });

  it('start rejects an invalid config at start-up (exit 3), naming the file, line and job', async () => {
    const { dir, db } = freshDb();
    const file = writeConfig(dir, `jobs:\n  - name: retention\n    cron: "0 4 * * 0"\n  - name: nope\n    cron: "0 5 * * *"\n  - name: bench\n    cron: "every day"\n`);
    const result = await runCli(['--db', db, 'jobs', 'start', '--config', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:4: jobs.1.name: unknown job 'nope'; known jobs: bench, report, retention`);
    expect(result.stderr).toContain(`${file}:7: jobs.2.cron: invalid cron expression 'every day'`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(lockPathFor(db))).toBe(false);
  });

  it('run retention downsamples synthetic gpu_samples now and records the run; list shows it as the last result', async () => {
    const { dir, db } = freshDb();
    const file = writeConfig(dir, `jobs:\n  - name: retention\n    cron: "0 4 * * 0"\n    options: { downsample_after_days: 3, bucket_s: 60 }\n`);
    const start = Math.floor((Date.now() - 5 * MS_PER_DAY) / MINUTE_MS) * MINUTE_MS;
    const utils = Array.from({ length: 60 }, (_, i) => (i * 29) % 97);
    await withStore({ dbPath: db }, (store) =>
      store.append(
        'gpu_samples',
        utils.map((u, i) => [new Date(start + i * 1000), 'host-1', 'nvidia-smi', 'GPU-a', 0, 'GPU', u, 1000 + i, 24_576, 100 + i, 50, null, null, 1, 1, null, null, null, null, null]),
      ),
    );

    const result = await runCli(['--db', db, 'jobs', 'run', 'retention', '--config', file, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/info  retention started \(job run j/); // with --json, progress goes to stderr
    const execution = JSON.parse(result.stdout) as { status: string; rowsWritten: number; summary: string; jobRunId: string };
    expect(execution).toMatchObject({ status: 'succeeded', rowsWritten: 1 });
    expect(execution.summary).toContain('downsampled 60 gpu_samples row(s)');

    const rows = await withStore({ dbPath: db }, (store) =>
      store.all<{ sample_count: number; utilization_pct: number; utilization_min: number; utilization_max: number; memory_used_max: number; power_max: number }>(`SELECT * FROM gpu_samples`),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sample_count: 60, utilization_min: Math.min(...utils), utilization_max: Math.max(...utils), memory_used_max: 1059, power_max: 159 });
    expect(rows[0]?.utilization_pct).toBeCloseTo(utils.reduce((a, b) => a + b, 0) / utils.length, 9);

    const listed = await runCli(['--db', db, 'jobs', 'list', '--config', file, '--json']);
    const retention = (JSON.parse(listed.stdout) as { jobs: JobStatusEntry[] }).jobs.find((j) => j.name === 'retention');
    expect(retention?.lastRun).toMatchObject({ jobRunId: execution.jobRunId, status: 'succeeded', rowsWritten: 1, scheduledAt: null });

    const unknown = await runCli(['--db', db, 'jobs', 'run', 'backup', '--config', file]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("unknown job 'backup'; known jobs: bench, report, retention");
  });

  it('list shows each job\'s schedule and next fire times in its time zone', async () => {
    const { dir, db } = freshDb();
    await withStore({ dbPath: db }, async () => undefined); // list only reads: the database must exist
    const file = writeConfig(
      dir,
      `jobs:\n  - name: report\n    cron: "0 3 * * *"\n    timezone: UTC\n  - name: retention\n    cron: "30 3 * * *"\n    timezone: Asia/Kolkata\n  - name: bench\n    cron: "0 1 * * *"\n    enabled: false\n`,
    );
    const json = await runCli(['--db', db, 'jobs', 'list', '--config', file, '--next', '2', '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as { daemon: unknown; jobs: (Omit<JobStatusEntry, 'nextRuns'> & { nextRuns: string[] })[] };
    expect(status.daemon).toBeNull();
    const byName = new Map(status.jobs.map((j) => [j.name, j]));
    const now = Date.now();
    const report = byName.get('report')?.nextRuns.map((d) => new Date(d)) ?? [];
    expect(report).toHaveLength(2);
    expect(report[0]?.toISOString()).toMatch(/T03:00:00\.000Z$/);
    expect(report[0]?.getTime()).toBeGreaterThan(now);
    expect(report[0]?.getTime()).toBeLessThanOrEqual(now + 24 * HOUR_MS);
    expect((report[1]?.getTime() ?? 0) - (report[0]?.getTime() ?? 0)).toBe(24 * HOUR_MS);
    expect(byName.get('retention')?.nextRuns[0]).toMatch(/T22:00:00\.000Z$/); // 03:30 IST
    expect(byName.get('bench')).toMatchObject({ enabled: false, nextRuns: [], lastRun: null });

    const table = await runCli(['--db', db, 'jobs', 'list', '--config', file]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/report\s+│ 0 3 \* \* \* UTC\s+│ \d{4}-\d\d-\d\d 03:00:00 \(in \d+/);
    expect(table.stdout).toMatch(/retention\s+│ 30 3 \* \* \* Asia\/Kolkata\s+│ \d{4}-\d\d-\d\d 03:30:00 \(in /);
    expect(table.stdout).toMatch(/bench\s+│ 0 1 \* \* \* \(disabled\)\s+│ -/);
    expect(table.stdout).toContain(`daemon: not running for ${db}`);
  });
});
