/**
 * The jobs daemon beside another process that holds the database: a fire that cannot start is
 * recorded as skipped, `database busy`, naming the holder, once the daemon can write again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobDaemon } from '../../lib/jobs/daemon';
import { config, EVERY_SECOND, freshDb, jobRuns, recordingLogger, registryWith, scriptedJob, waitFor } from './helpers';

const DUCKDB_MODULE = path.resolve(__dirname, '../../node_modules/@duckdb/node-api');

/** Holds `dbPath` from another process for `holdMs`, retrying its open while the daemon writes. */
function holdDb(dbPath: string, holdMs: number): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_MODULE)});
    const open = () => DuckDBInstance.create(${JSON.stringify(dbPath)}).then((db) => {
      process.stdout.write('held\\n');
      setTimeout(() => { db.closeSync(); process.exit(0); }, ${holdMs});
    }, () => setTimeout(open, 5));
    open();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve({ child, exited });
    });
    child.on('error', reject);
  });
}

const daemons: JobDaemon[] = [];
afterEach(async () => {
  while (daemons.length > 0) await daemons.pop()?.stop('test ended');
});

describe('jobs daemon and a busy database', () => {
  it('records a fire it could not start because the database was held as skipped (database busy), once it can write', async () => {
    const { db } = freshDb();
    const job = scriptedJob(async () => ({ rowsWritten: 1, summary: 'ok' }));
    const registry = registryWith(job.handler);
    const log = recordingLogger();
    const daemon = await JobDaemon.start({
      dbPath: db, config: config(EVERY_SECOND, registry), registry, log,
      // A fire waits 300 ms for the file (instead of 10 s), then counts as skipped.
      lockRetry: { timeoutMs: 300, initialDelayMs: 20, maxDelayMs: 100 },
      busyRetry: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    daemons.push(daemon);
    await waitFor(() => job.finished >= 1, 'a first execution');

    const holder = await holdDb(db, 3_000);
    const callsBefore = job.calls.length;
    await holder.exited;
    const releasedAt = Date.now();
    await waitFor(() => log.lines.some((l) => /recorded \d+ fire\(s\) skipped while the database was busy/.test(l)), 'the busy fires recorded');
    const recordedAfterMs = Date.now() - releasedAt;
    await waitFor(() => job.calls.length > callsBefore, 'a fire after the hold');
    await daemon.stop();

    const runs = await jobRuns(db, 'bench');
    const busy = runs.filter((r) => r.status === 'skipped' && r.error?.startsWith('database busy'));
    // About one fire a second for the 3 s hold; the ones that came in it could not start.
    expect(busy.length).toBeGreaterThanOrEqual(2);
    for (const run of busy) {
      expect(run.error).toMatch(new RegExp(`^database busy: held by process ${holder.child.pid} \\(`));
      expect(run.scheduledAt?.getMilliseconds()).toBe(0);
    }
    // Every cron slot has exactly one row: a busy fire is recorded once, and never runs later.
    const slots = runs.flatMap((r) => (r.scheduledAt ? [r.scheduledAt.getTime()] : []));
    expect(new Set(slots).size).toBe(slots.length);
    expect(log.lines.filter((l) => /warn bench: skipped the fire at .*: database busy: held by process/.test(l)).length).toBe(busy.length);
    expect(recordedAfterMs).toBeLessThan(2_000);
    process.stdout.write(`busy daemon: ${busy.length} fire(s) recorded as skipped (database busy) ${recordedAfterMs} ms after the holder let go\n`);
  });
});
