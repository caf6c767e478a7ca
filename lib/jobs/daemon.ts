/**
 * The jobs daemon (`benchlab jobs start`): schedules the enabled jobs of the jobs config with
 * node-cron and runs each fire through executeJob, so every execution is a row in job_runs.
 *
 * - One daemon per database: it holds `<db>.jobs.lock` (daemon-lock.ts) while it runs.
 * - A job never overlaps itself: node-cron's `noOverlap` blocks a fire while the job's previous
 *   execution is still going, and the daemon records that fire as skipped, with the reason.
 *   (executeJob also skips when another process, e.g. `benchlab jobs run`, runs the same job.)
 * - A failing job is recorded as failed; its schedule goes on.
 * - stop() (SIGINT/SIGTERM in the CLI): no new fires, the jobs' stop signal is aborted so jobs
 *   that can wrap up early do, and running jobs get a grace period to finish; what is still
 *   running when it ends is marked interrupted. Then the lock is released.
 *
 * - A fire that cannot start because another process holds the database (a notebook, a writer)
 *   past the store's bounded wait is recorded as skipped with the reason `database busy: held
 *   by process PID (...)`, as soon as the daemon can write again (retried with a backoff capped
 *   at 5 s; one last try on stop). Skipped fires of other kinds that meet a busy database wait
 *   in the same queue.
 *
 * Different jobs run side by side (a gpu-sample fire is not held up by a long bench run); the
 * store shares one DuckDB instance per file within the process, so their writes see each other.
 * A job never overlaps itself (node-cron's noOverlap), so at most one execution per job is in
 * flight. A fire that waits for the queue keeps its scheduled time in scheduled_at.
 */
import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import pLimit from 'p-limit';
import { InputError } from '../input-error';
import { resolveDbPath } from '../store/db-path';
import { DEFAULT_LOCK_RETRY, DatabaseLockedError, HeldDatabaseWait, NO_LOCK_WAIT, RUN_WRITE_BACKOFF, describeHolder, type HeldWaitOptions, type LockRetryOptions } from '../store/lock-retry';
import { withStore } from '../store/store';
import { acquireDaemonLock, type DaemonLock } from './daemon-lock';
import { executeJob } from './execute-job';
import type { JobLogger } from './job-handler';
import { silentLogger } from './job-log';
import { finishJobRun, recordSkipped, recoverStaleRuns } from './job-runs';
import type { JobConfig, JobsConfig } from './jobs-config';
import { JOB_HANDLERS, JOB_NAMES, type JobName, type JobRegistry } from './registry';

/** Executions at a time in one daemon: one per job at most; see the header. */
export const EXECUTION_CONCURRENCY = JOB_NAMES.length;
const MS_PER_SECOND = 1000;

/** `60 s`, `0.3 s`. */
const seconds = (ms: number) => `${Number((ms / MS_PER_SECOND).toFixed(1))} s`;

export interface DaemonOptions {
  /** Database file; --db / BENCHLAB_DB / data/benchlab.duckdb when undefined. */
  dbPath?: string;
  config: JobsConfig;
  /** Job handlers (tests inject slow or failing ones); `config` must be parsed against the same registry. */
  registry?: JobRegistry;
  /** Overrides the config's grace_period_s. */
  gracePeriodMs?: number;
  log?: JobLogger;
  /** How long a fire waits for a database another process holds before it is skipped (default: the store's bounded wait, 10 s). */
  lockRetry?: LockRetryOptions;
  /** Backoff between tries to record fires skipped while the database was busy (default: 250 ms doubling to 5 s). */
  busyRetry?: HeldWaitOptions;
}

/** A skipped fire not recorded yet, because the database was busy. */
interface UnrecordedSkip {
  job: JobName;
  slot: Date;
  reason: string;
  at: Date;
}

export interface InterruptedRun {
  job: string;
  jobRunId: string;
}

export interface StopResult {
  reason: string;
  /** Executions still running when the grace period ended; recorded as interrupted. */
  interrupted: InterruptedRun[];
}

export interface ScheduledJob {
  name: JobName;
  cron: string;
  timezone: string | undefined;
  nextRun: Date | null;
}

type JobState = { phase: 'queued'; slot: Date } | { phase: 'running'; jobRunId: string; startedAt: Date };

export class JobDaemon {
  readonly dbPath: string;
  readonly config: JobsConfig;
  readonly gracePeriodMs: number;
  private readonly registry: JobRegistry;
  private readonly log: JobLogger;
  private readonly lock: DaemonLock;
  private readonly tasks = new Map<JobName, { job: JobConfig; task: ScheduledTask }>();
  private readonly gate = pLimit(EXECUTION_CONCURRENCY);
  private readonly pending = new Set<Promise<void>>();
  private readonly states = new Map<JobName, JobState>();
  private readonly shutdown = new AbortController();
  private readonly lockRetry: LockRetryOptions;
  /** Skipped fires waiting for the database to be free, oldest first. */
  private readonly unrecorded: UnrecordedSkip[] = [];
  private readonly busyWait: HeldDatabaseWait;
  private busyTimer: NodeJS.Timeout | undefined;
  private recording: Promise<void> | undefined;
  private stopPromise: Promise<StopResult> | undefined;
  private endGrace: () => void = () => undefined;
  private resolveStopped: (result: StopResult) => void = () => undefined;
  /** Resolves when the daemon has stopped (after stop()). */
  readonly stopped: Promise<StopResult>;

  private constructor(dbPath: string, options: DaemonOptions, lock: DaemonLock) {
    this.dbPath = dbPath;
    this.config = options.config;
    this.gracePeriodMs = options.gracePeriodMs ?? options.config.gracePeriodMs;
    this.registry = options.registry ?? JOB_HANDLERS;
    this.log = options.log ?? silentLogger;
    this.lock = lock;
    this.lockRetry = options.lockRetry ?? DEFAULT_LOCK_RETRY;
    this.busyWait = new HeldDatabaseWait({}, options.busyRetry ?? RUN_WRITE_BACKOFF);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /**
   * Takes the lock, marks job runs left `running` by a dead process as interrupted, and
   * schedules the enabled jobs. Throws DaemonLockedError when another daemon runs for the
   * database, InputError for an in-memory database.
   */
  static async start(options: DaemonOptions): Promise<JobDaemon> {
    const dbPath = resolveDbPath(options.dbPath);
    if (dbPath === ':memory:') throw new InputError('the jobs daemon needs a database file, not :memory: (use --db PATH)');
    const log = options.log ?? silentLogger;
    const lock = acquireDaemonLock(dbPath, (line) => log.warn(line));
    let daemon: JobDaemon | undefined;
    try {
      const recovered = await withStore({ dbPath }, (store) => recoverStaleRuns(store));
      if (recovered.length > 0) log.warn(`marked ${recovered.length} job run(s) interrupted that an earlier process left running: ${recovered.join(', ')}`);
      daemon = new JobDaemon(dbPath, options, lock);
      daemon.schedule();
    } catch (error) {
      daemon?.destroyTasks();
      lock.release();
      throw error;
    }
    const jobs = daemon.scheduled();
    log.info(`jobs daemon started: pid ${process.pid}, database ${dbPath}, config ${options.config.file}, lock ${lock.path}`);
    if (jobs.length === 0) log.warn(`no enabled jobs in ${options.config.file}: nothing will run`);
    for (const job of jobs) {
      log.info(`scheduled ${job.name}: '${job.cron}'${job.timezone ? ` (${job.timezone})` : ''}, next at ${job.nextRun?.toISOString() ?? '-'}`);
    }
    return daemon;
  }

  get lockPath(): string {
    return this.lock.path;
  }

  /** The scheduled (enabled) jobs and their next fire times. */
  scheduled(): ScheduledJob[] {
    return [...this.tasks.values()].map(({ job, task }) => ({
      name: job.name,
      cron: job.cron,
      timezone: job.timezone,
      nextRun: this.stopPromise ? null : task.getNextRun(),
    }));
  }

  /** Jobs executing now, with their job run ids. */
  running(): InterruptedRun[] {
    return [...this.states].flatMap(([job, state]) => (state.phase === 'running' ? [{ job, jobRunId: state.jobRunId }] : []));
  }

  private schedule(): void {
    const cronLogger: CronLogger = {
      info: () => undefined,
      debug: () => undefined,
      // node-cron warns about overlaps and missed fires; the listeners below report both.
      warn: () => undefined,
      error: (message, err) => this.log.error(`node-cron: ${message instanceof Error ? message.message : message}${err ? `: ${err.message}` : ''}`),
    };
    for (const job of this.config.jobs) {
      if (!job.enabled) continue;
      const task = createTask(job.cron, (context) => this.fire(job, context.date), {
        name: `benchlab-${job.name}`,
        noOverlap: true,
        logger: cronLogger,
        ...(job.timezone !== undefined ? { timezone: job.timezone } : {}),
      });
      task.on('execution:overlap', (context) => this.skipOverlap(job, context.date));
      task.on('execution:missed', (context) => this.log.warn(`${job.name}: missed the fire at ${context.date.toISOString()} (the process was busy or asleep)`));
      this.tasks.set(job.name, { job, task });
    }
    for (const { task } of this.tasks.values()) void task.start();
  }

  /** Runs `work` in the execution queue, tracked so stop() can wait for it. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const promise = this.gate(work);
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
    return promise;
  }

  private fire(job: JobConfig, slot: Date): Promise<void> {
    this.states.set(job.name, { phase: 'queued', slot });
    return this.enqueue(async () => {
      try {
        if (this.stopPromise) {
          await this.recordSkip(job, slot, 'the daemon was stopping before it could start');
          return;
        }
        await executeJob({
          dbPath: this.dbPath,
          job: job.name,
          handler: this.registry[job.name],
          options: job.options,
          scheduledAt: slot,
          signal: this.shutdown.signal,
          log: this.log,
          onStarted: (jobRunId, startedAt) => this.states.set(job.name, { phase: 'running', jobRunId, startedAt }),
          lockRetry: this.lockRetry,
        });
      } catch (error) {
        if (error instanceof DatabaseLockedError) {
          const reason = `database busy: held by ${describeHolder(error.holder)} when the fire was due`;
          this.log.warn(`${job.name}: skipped the fire at ${slot.toISOString()}: ${reason}; recorded as skipped once the database can be written`);
          this.queueSkip({ job: job.name, slot, reason, at: new Date() });
          return;
        }
        this.log.error(`${job.name}: could not start the fire scheduled for ${slot.toISOString()}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.states.delete(job.name);
      }
    });
  }

  private skipOverlap(job: JobConfig, slot: Date): void {
    const state = this.states.get(job.name);
    const reason =
      state?.phase === 'running'
        ? `previous run ${state.jobRunId} (started ${state.startedAt.toISOString()}) is still running`
        : state?.phase === 'queued'
          ? `the fire scheduled for ${state.slot.toISOString()} is still waiting for another job to finish`
          : 'the previous run is still finishing';
    this.log.warn(`${job.name}: skipped the fire at ${slot.toISOString()}: ${reason}`);
    const at = new Date();
    void this.enqueue(() => this.recordSkip(job, slot, reason, at));
  }

  private async recordSkip(job: JobConfig, slot: Date, reason: string, at: Date = new Date()): Promise<void> {
    try {
      await withStore({ dbPath: this.dbPath, lockRetry: this.lockRetry }, (store) => recordSkipped(store, job.name, slot, reason, at));
    } catch (error) {
      if (error instanceof DatabaseLockedError) {
        this.queueSkip({ job: job.name, slot, reason, at });
        return;
      }
      this.log.error(`${job.name}: could not record a skipped fire: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Keeps a skipped fire the busy database could not take, and tries to record it when the backoff says so. */
  private queueSkip(skip: UnrecordedSkip): void {
    this.unrecorded.push(skip);
    this.scheduleRecording();
  }

  private scheduleRecording(): void {
    if (this.busyTimer || this.unrecorded.length === 0 || this.stopPromise) return;
    this.busyTimer = setTimeout(() => {
      this.busyTimer = undefined;
      void this.recordUnrecorded();
    }, this.busyWait.dueInMs);
  }

  /**
   * Records the queued skipped fires in one transaction: one try without waiting (the backoff
   * paces the tries), or on stop one last try with the bounded wait. Never throws.
   */
  private recordUnrecorded(final = false): Promise<void> {
    this.recording ??= (async () => {
      const batch = this.unrecorded.slice();
      if (batch.length === 0) return;
      try {
        await withStore({ dbPath: this.dbPath, lockRetry: final ? this.lockRetry : NO_LOCK_WAIT }, (store) =>
          store.transaction(async () => {
            for (const skip of batch) await recordSkipped(store, skip.job, skip.slot, skip.reason, skip.at);
          }),
        );
      } catch (error) {
        if (error instanceof DatabaseLockedError && !final) {
          this.busyWait.held(error);
          return;
        }
        // A failure other than a busy database (or the last try on stop): said, and given up, as
        // for any skipped fire that cannot be recorded.
        this.unrecorded.splice(0, batch.length);
        this.log.error(`could not record ${batch.length} skipped fire(s): ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      this.unrecorded.splice(0, batch.length);
      this.busyWait.free();
      this.log.info(`recorded ${batch.length} fire(s) skipped while the database was busy`);
    })().finally(() => {
      this.recording = undefined;
      this.scheduleRecording();
    });
    return this.recording;
  }

  /** Stops waiting for running jobs now (a second Ctrl-C): they are marked interrupted. */
  endGracePeriod(): void {
    this.endGrace();
  }

  /**
   * Stops scheduling, asks running jobs to wrap up, waits for them up to the grace period,
   * marks what is still running as interrupted, and releases the lock. Calling it again
   * returns the same result.
   */
  stop(reason = 'stop requested'): Promise<StopResult> {
    this.stopPromise ??= this.doStop(reason);
    return this.stopPromise;
  }

  private async doStop(reason: string): Promise<StopResult> {
    for (const { task } of this.tasks.values()) await task.stop();
    this.shutdown.abort(new Error(reason));
    const busy = this.running();
    if (busy.length > 0) {
      this.log.info(
        `stopping (${reason}): no new jobs; waiting up to ${seconds(this.gracePeriodMs)} for ${busy.map((r) => `${r.job} (${r.jobRunId})`).join(', ')}`,
      );
    } else {
      this.log.info(`stopping (${reason})`);
    }
    let timer: NodeJS.Timeout | undefined;
    const graceEnded = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), this.gracePeriodMs);
      this.endGrace = () => resolve(true);
    });
    const finished = (async () => {
      // Fires queued behind a running job add no new work (they record a skip), so this settles.
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      return false as const;
    })();
    const timedOut = await Promise.race([finished, graceEnded]);
    clearTimeout(timer);
    // Fires skipped while the database was busy: one last try to record them.
    if (this.busyTimer) clearTimeout(this.busyTimer);
    this.busyTimer = undefined;
    if (this.recording) await this.recording;
    if (this.unrecorded.length > 0) await this.recordUnrecorded(true);
    const interrupted = timedOut ? this.running() : [];
    if (interrupted.length > 0) {
      const error = `the daemon stopped (${reason}) and the job did not finish within the ${seconds(this.gracePeriodMs)} grace period`;
      try {
        await withStore({ dbPath: this.dbPath }, async (store) => {
          for (const run of interrupted) await finishJobRun(store, run.jobRunId, { status: 'interrupted', error });
        });
      } catch (storeError) {
        this.log.error(`could not mark ${interrupted.map((r) => r.jobRunId).join(', ')} interrupted (${storeError instanceof Error ? storeError.message : String(storeError)}); the next daemon start will`);
      }
      for (const run of interrupted) this.log.warn(`${run.job}: interrupted (job run ${run.jobRunId}): ${error}`);
    }
    this.destroyTasks();
    this.lock.release();
    this.log.info('jobs daemon stopped');
    const result = { reason, interrupted };
    this.resolveStopped(result);
    return result;
  }

  private destroyTasks(): void {
    for (const { task } of this.tasks.values()) void task.destroy();
  }
}
