/**
 * The jobs daemon, in process, with test handlers behind the `bench` name and a schedule that
 * fires every second. The store is read only after the daemon has stopped.
 */
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { JobDaemon } from '../../lib/jobs/daemon';
import { DaemonLockedError, lockPathFor } from '../../lib/jobs/daemon-lock';
import { withStore } from '../../lib/store/store';
import { config, deadPid, EVERY_SECOND, freshDb, jobRuns, recordingLogger, registryWith, scriptedJob, sleep, waitFor } from './helpers';

const MS_PER_SECOND = 1000;
const daemons: JobDaemon[] = [];
afterEach(async () => {
  // A failed test must not leave a daemon firing into the next one.
  while (daemons.length > 0) await daemons.pop()?.stop('test ended');
});

async function startDaemon(options: Parameters<typeof JobDaemon.start>[0]): Promise<JobDaemon> {
  const daemon = await JobDaemon.start(options);
  daemons.push(daemon);
  return daemon;
}

describe('jobs daemon', () => {
  it('fires on its cron schedule and records each execution in job_runs', async () => {
    const { db } = freshDb();
    const job = scriptedJob(async () => ({ rowsWritten: 3, summary: 'did it' }));
    const log = recordingLogger();
    const daemon = await startDaemon({ dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), log });
    expect(daemon.scheduled()).toMatchObject([{ name: 'bench', cron: '*/1 * * * * *' }]);
    expect(daemon.scheduled()[0]?.nextRun?.getTime()).toBeGreaterThan(Date.now() - MS_PER_SECOND);

    await waitFor(() => job.finished >= 2, 'two executions');
    const stopped = await daemon.stop();
    expect(stopped.interrupted).toEqual([]);

    const runs = await jobRuns(db, 'bench');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) {
      expect(run).toMatchObject({ job: 'bench', status: 'succeeded', rowsWritten: 3, error: null, pid: process.pid });
      expect(run.jobRunId).toMatch(/^j\d{8}-\d{6}-[0-9a-f]{6}$/);
      expect(run.scheduledAt?.getMilliseconds()).toBe(0); // a cron slot, on the second
      expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(run.scheduledAt?.getTime() ?? Infinity);
      expect(run.endedAt?.getTime()).toBeGreaterThanOrEqual(run.startedAt.getTime());
    }
    expect(new Set(runs.map((r) => r.scheduledAt?.getTime())).size).toBe(runs.length);
    expect(job.calls[0]?.scheduledAt).toBeInstanceOf(Date);
    expect(log.lines.some((l) => /bench succeeded in [\d.]+ s, 3 row\(s\) written: did it/.test(l))).toBe(true);
  });

  it('runs different jobs side by side: a quick job is not held up by a long one', async () => {
    const { db } = freshDb();
    const slow = scriptedJob(async () => {
      await sleep(3000);
      return { summary: 'long bench' };
    });
    const quick = scriptedJob(async () => ({ rowsWritten: 1, summary: 'quick report' }));
    const registry = { ...registryWith(slow.handler), report: quick.handler };
    const yaml = `grace_period_s: 10\njobs:\n  - name: bench\n    cron: "*/1 * * * * *"\n  - name: report\n    cron: "*/1 * * * * *"\n`;
    const daemon = await startDaemon({ dbPath: db, config: config(yaml, registry), registry, log: recordingLogger() });
    await waitFor(() => slow.calls.length >= 1 && quick.finished >= 2, 'two quick runs while the long one runs');
    expect(slow.finished).toBe(0);
    await daemon.stop();
    const reports = await jobRuns(db, 'report');
    expect(reports.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(2);
  });

  it('never overlaps a job with itself: a fire during a run is skipped and recorded with the reason', async () => {
    const { db } = freshDb();
    const job = scriptedJob(async () => {
      await sleep(1600);
      return { summary: 'slow' };
    });
    const log = recordingLogger();
    const daemon = await startDaemon({ dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), log });
    await waitFor(() => job.calls.length >= 2, 'a second run after a skipped fire');
    await daemon.stop();

    const runs = await jobRuns(db, 'bench');
    const succeeded = runs.filter((r) => r.status === 'succeeded');
    const skipped = runs.filter((r) => r.status === 'skipped');
    expect(succeeded.length).toBe(job.finished);
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    const first = succeeded[0];
    expect(skipped[0]?.error).toBe(`previous run ${first?.jobRunId} (started ${first?.startedAt.toISOString()}) is still running`);
    expect(skipped[0]?.scheduledAt?.getTime()).toBeGreaterThan(first?.scheduledAt?.getTime() ?? Infinity);
    // A skipped fire never runs later: every cron slot has exactly one row.
    expect(new Set(runs.map((r) => r.scheduledAt?.getTime())).size).toBe(runs.length);
    // No two executions of the job ran at the same time.
    for (let i = 1; i < succeeded.length; i++) {
      expect(succeeded[i]?.startedAt.getTime()).toBeGreaterThanOrEqual(succeeded[i - 1]?.endedAt?.getTime() ?? Infinity);
    }
    expect(log.lines.some((l) => l.startsWith('warn bench: skipped the fire at '))).toBe(true);
  });

  it('records a failing run with its error, and the next fire still runs', async () => {
    const { db } = freshDb();
    const job = scriptedJob(async (call) => {
      if (call === 0) throw new Error('model host unreachable');
      return { rowsWritten: 1, summary: 'ok again' };
    });
    const daemon = await startDaemon({ dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), log: recordingLogger() });
    await waitFor(() => job.finished >= 2, 'a run after the failure');
    await daemon.stop();

    const runs = await jobRuns(db, 'bench');
    expect(runs[0]).toMatchObject({ status: 'failed', error: 'model host unreachable', rowsWritten: null });
    expect(runs[0]?.endedAt).toBeInstanceOf(Date);
    expect(runs[1]).toMatchObject({ status: 'succeeded', error: null, rowsWritten: 1 });
  });

  it('on stop, lets a running job finish within the grace period, then fires nothing more and releases the lock', async () => {
    const { db } = freshDb();
    const job = scriptedJob(async () => {
      await sleep(700);
      return { summary: 'finished' };
    });
    const daemon = await startDaemon({ dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), log: recordingLogger() });
    expect(fs.existsSync(lockPathFor(db))).toBe(true);
    await waitFor(() => job.calls.length === 1, 'a run to start');
    const result = await daemon.stop('SIGTERM');
    expect(result).toEqual({ reason: 'SIGTERM', interrupted: [] });
    expect(job.finished).toBe(1);
    expect(job.calls[0]?.signal.aborted).toBe(true); // the job was asked to wrap up
    expect(fs.existsSync(lockPathFor(db))).toBe(false);
    await sleep(1200);
    expect(job.calls.length).toBe(1);
    expect((await jobRuns(db, 'bench')).map((r) => r.status)).toEqual(['succeeded']);
  });

  it('marks a job still running when the grace period ends as interrupted, and a late finish does not overwrite that', async () => {
    const { db } = freshDb();
    let release: () => void = () => undefined;
    const job = scriptedJob(async () => {
      await new Promise<void>((resolve) => (release = resolve)); // ignores the stop signal
      return { summary: 'too late' };
    });
    const daemon = await startDaemon({
      dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), gracePeriodMs: 300, log: recordingLogger(),
    });
    await waitFor(() => job.calls.length === 1, 'a run to start');
    const started = Date.now();
    const result = await daemon.stop('SIGINT');
    expect(Date.now() - started).toBeLessThan(5 * MS_PER_SECOND);
    expect(result.interrupted).toEqual([{ job: 'bench', jobRunId: job.calls[0]?.jobRunId }]);
    const [run] = await jobRuns(db, 'bench');
    expect(run).toMatchObject({ status: 'interrupted', error: 'the daemon stopped (SIGINT) and the job did not finish within the 0.3 s grace period' });

    release();
    await waitFor(() => job.finished === 1, 'the late finish');
    await sleep(200);
    expect((await jobRuns(db, 'bench')).map((r) => r.status)).toEqual(['interrupted']);
  });

  it('records a job that wraps up on the stop signal as interrupted, without waiting for the grace period', async () => {
    const { db } = freshDb();
    const job = scriptedJob(
      (_call, context) =>
        new Promise((resolve) => context.signal.addEventListener('abort', () => resolve({ rowsWritten: 5, summary: 'saved 5 items', interrupted: true }))),
    );
    const daemon = await startDaemon({ dbPath: db, config: config(EVERY_SECOND, registryWith(job.handler)), registry: registryWith(job.handler), log: recordingLogger() });
    await waitFor(() => job.calls.length === 1, 'a run to start');
    const started = Date.now();
    expect((await daemon.stop('SIGTERM')).interrupted).toEqual([]);
    expect(Date.now() - started).toBeLessThan(daemon.gracePeriodMs);
    expect(await jobRuns(db, 'bench')).toMatchObject([{ status: 'interrupted', rowsWritten: 5, error: 'stopped early on shutdown: saved 5 items' }]);
  });

  it('refuses a second daemon on the same database, naming the pid and the lock file', async () => {
    const { db } = freshDb();
    const quiet = config('jobs: []');
    const first = await startDaemon({ dbPath: db, config: quiet });
    const second = JobDaemon.start({ dbPath: db, config: quiet });
    await expect(second).rejects.toBeInstanceOf(DaemonLockedError);
    await expect(second).rejects.toThrow(`pid ${process.pid} on host ${os.hostname()}`);
    await expect(second).rejects.toThrow(lockPathFor(db));
    await first.stop();
    const third = await startDaemon({ dbPath: db, config: quiet }); // free again once stopped
    await third.stop();
  });

  it('takes over a stale lock (its pid is gone) with a warning, and marks runs left running by a dead process interrupted', async () => {
    const { db } = freshDb();
    const gone = deadPid();
    fs.writeFileSync(lockPathFor(db), JSON.stringify({ pid: gone, host: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    await withStore({ dbPath: db }, (store) =>
      store.run(`INSERT INTO job_runs VALUES ('j-old', 'retention', NULL, TIMESTAMP '2026-01-01 00:00:00', NULL, 'running', NULL, NULL, $pid)`, { pid: gone }),
    );
    const log = recordingLogger();
    const daemon = await startDaemon({ dbPath: db, config: config('jobs: []'), log });
    expect(log.lines).toContain(
      `warn took over a stale jobs lock ${lockPathFor(db)}: its daemon (pid ${gone}, started 2026-01-01T00:00:00.000Z) is no longer running`,
    );
    expect(JSON.parse(fs.readFileSync(lockPathFor(db), 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    await daemon.stop();
    expect(await jobRuns(db, 'retention')).toMatchObject([
      { jobRunId: 'j-old', status: 'interrupted', error: `process ${gone} ended before the job finished (killed or crashed)` },
    ]);
  });
});
