/**
 * `benchlab jobs`: scheduled jobs from data/jobs.yaml.
 * - `jobs list`: each job's schedule, next fire times and latest result, and whether a daemon runs;
 * - `jobs run NAME`: one execution now, recorded like a scheduled one;
 * - `jobs start`: the daemon, in the foreground, until SIGINT/SIGTERM;
 * - `jobs history [NAME]`: the latest executions from job_runs.
 * `list` and `history` only read: they open the database read-only and never create it; a
 * database that does not exist is an error (exit 3 `no database at PATH`).
 */
import { Command } from 'commander';
import { InputError } from '../../input-error';
import { JobDaemon } from '../../jobs/daemon';
import type { JobExecution } from '../../jobs/execute-job';
import { timestampedLogger } from '../../jobs/job-log';
import { jobRunHistory, type JobRunRow } from '../../jobs/job-runs';
import { jobsStatus, type JobStatusEntry } from '../../jobs/job-status';
import { defaultJobsConfigPath, loadJobsConfig } from '../../jobs/jobs-config';
import { runJobNow } from '../../jobs/run-job-now';
import { resolveDbPath } from '../../store/db-path';
import { withStore } from '../../store/store';
import { EXIT } from '../exit-codes';
import type { GlobalOptions } from '../global-options';
import { printJson, renderTable } from '../output';
import { positiveInteger } from '../parse-options';
import { EXIT_INTERRUPTED } from './run-command';

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const MINUTES_PER_HOUR = 60;
const HOURS_PER_DAY = 24;
/** Longest error text in a table cell; --json has it whole. */
const MAX_ERROR_CHARS = 80;
const DEFAULT_HISTORY_LIMIT = 20;

interface ConfigOption {
  config?: string;
}

function configOption(command: Command): Command {
  return command.option('--config <file>', `jobs config (default: ${defaultJobsConfigPath()})`);
}

/** Subcommands added after construction do not inherit the parent's settings: apply main.ts's. */
function subcommand(name: string): Command {
  return new Command(name).exitOverride().showHelpAfterError();
}

function positiveSeconds(option: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InputError(`${option} must be a number of seconds > 0, got '${raw}'`);
    return value;
  };
}

/** `2026-11-22 03:00:00` as the wall clock reads in `timeZone` (the system's when undefined). */
function wallClock(date: Date, timeZone: string | undefined | null): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(timeZone ? { timeZone } : {}),
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** `in 2h 05m`, `in 40s`, `in 3d 4h`. */
function fromNow(date: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((date.getTime() - now.getTime()) / MS_PER_SECOND));
  const minutes = Math.floor(seconds / SECONDS_PER_MINUTE);
  const hours = Math.floor(minutes / MINUTES_PER_HOUR);
  const days = Math.floor(hours / HOURS_PER_DAY);
  if (days > 0) return `in ${days}d ${hours % HOURS_PER_DAY}h`;
  if (hours > 0) return `in ${hours}h ${String(minutes % MINUTES_PER_HOUR).padStart(2, '0')}m`;
  if (minutes > 0) return `in ${minutes}m ${String(seconds % SECONDS_PER_MINUTE).padStart(2, '0')}s`;
  return `in ${seconds}s`;
}

function utc(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')}Z` : '-';
}

function duration(run: JobRunRow): string {
  if (!run.endedAt) return run.status === 'running' ? 'running' : '-';
  return `${((run.endedAt.getTime() - run.startedAt.getTime()) / MS_PER_SECOND).toFixed(1)} s`;
}

function shorten(text: string | null): string {
  if (!text) return '';
  const line = text.split('\n')[0] ?? '';
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

function scheduleCell(job: JobStatusEntry): string {
  if (!job.configured) return 'not in config';
  return `${job.cron}${job.timezone ? ` ${job.timezone}` : ''}${job.enabled ? '' : ' (disabled)'}`;
}

function listCommand(globals: () => GlobalOptions): Command {
  return configOption(subcommand('list'))
    .description('show each job\'s schedule, next fire times and latest result')
    .option('--next <n>', 'next fire times to show per job', positiveInteger('--next'), 1)
    .option('--json', 'print as JSON', false)
    .action(async (options: ConfigOption & { next: number; json: boolean }) => {
      const config = loadJobsConfig(options.config);
      const status = await jobsStatus({ dbPath: globals().db, config, next: options.next });
      if (options.json) {
        printJson(status);
        return;
      }
      const now = new Date();
      process.stdout.write(
        renderTable(
          ['job', 'schedule', 'next fire', 'last run', 'status', 'duration', 'rows', 'error'],
          status.jobs.map((job) => [
            job.name,
            scheduleCell(job),
            job.nextRuns.length > 0 ? job.nextRuns.map((d) => `${wallClock(d, job.timezone)} (${fromNow(d, now)})`).join('\n') : '-',
            utc(job.lastRun?.startedAt ?? null),
            job.lastRun?.status ?? '-',
            job.lastRun ? duration(job.lastRun) : '-',
            job.lastRun?.rowsWritten ?? '-',
            shorten(job.lastRun?.error ?? null),
          ]),
        ) + '\n',
      );
      process.stdout.write(
        status.daemon
          ? `daemon: running, pid ${status.daemon.pid} on ${status.daemon.host} since ${status.daemon.startedAt}\n`
          : `daemon: not running for ${status.dbPath} (start it with 'benchlab jobs start')\n`,
      );
    });
}

function exitCodeForExecution(execution: JobExecution): number {
  if (execution.status === 'succeeded') return EXIT.ok;
  if (execution.status === 'interrupted') return EXIT_INTERRUPTED;
  return EXIT.failure;
}

function runNowCommand(globals: () => GlobalOptions, setExitCode: (code: number) => void): Command {
  return configOption(subcommand('run'))
    .description('run one job now, in the foreground, and record it in job_runs')
    .argument('<name>', 'job name (see benchlab jobs list)')
    .option('--json', 'print the result as JSON (progress goes to stderr)', false)
    .action(async (name: string, options: ConfigOption & { json: boolean }) => {
      const config = loadJobsConfig(options.config);
      const log = timestampedLogger(options.json ? process.stderr : process.stdout, process.stderr);
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
        process.stderr.write(`\n${signal}: asking ${name} to wrap up (press again to quit at once)\n`);
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        const execution = await runJobNow({ name, config, dbPath: globals().db, signal: controller.signal, log });
        if (options.json) printJson(execution);
        else {
          const detail = execution.error ?? execution.summary;
          process.stdout.write(`${execution.job} ${execution.status} (job run ${execution.jobRunId})${detail ? `: ${detail}` : ''}\n`);
        }
        setExitCode(exitCodeForExecution(execution));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function startCommand(globals: () => GlobalOptions): Command {
  return configOption(subcommand('start'))
    .description('run the jobs daemon in the foreground until SIGINT/SIGTERM')
    .option('--grace-period <seconds>', 'on SIGINT/SIGTERM, how long running jobs may take to finish (default: the config\'s grace_period_s)', positiveSeconds('--grace-period'))
    .action(async (options: ConfigOption & { gracePeriod?: number }) => {
      const config = loadJobsConfig(options.config);
      let daemon: JobDaemon | undefined;
      let stopSignal: NodeJS.Signals | undefined;
      // Listening before the daemon starts, so a signal during start-up still stops it cleanly.
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopSignal !== undefined) {
          process.stderr.write(`${signal} again: not waiting for running jobs any longer\n`);
          daemon?.endGracePeriod();
          return;
        }
        stopSignal = signal;
        void daemon?.stop(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        daemon = await JobDaemon.start({
          config,
          ...(globals().db !== undefined ? { dbPath: globals().db } : {}),
          ...(options.gracePeriod !== undefined ? { gracePeriodMs: options.gracePeriod * MS_PER_SECOND } : {}),
          log: timestampedLogger(),
        });
        if (stopSignal !== undefined) void daemon.stop(stopSignal);
        const result = await daemon.stopped;
        // Exit now rather than when the event loop drains: a job that was cut off may still
        // hold sockets or timers, and a stopped daemon must not linger.
        process.exit(result.interrupted.length > 0 ? EXIT_INTERRUPTED : EXIT.ok);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function historyCommand(globals: () => GlobalOptions): Command {
  return subcommand('history')
    .description('show the latest job executions (all jobs, or one)')
    .argument('[name]', 'only this job')
    .option('--limit <n>', 'executions to show', positiveInteger('--limit'), DEFAULT_HISTORY_LIMIT)
    .option('--json', 'print as JSON', false)
    .action(async (name: string | undefined, options: { limit: number; json: boolean }) => {
      const runs = await withStore({ dbPath: resolveDbPath(globals().db), readOnly: true }, (store) => jobRunHistory(store, name, options.limit));
      if (options.json) {
        printJson(runs);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`no job executions yet${name ? ` for ${name}` : ''}\n`);
        return;
      }
      process.stdout.write(
        renderTable(
          ['job run', 'job', 'status', 'scheduled', 'started', 'duration', 'rows', 'pid', 'error'],
          runs.map((r) => [r.jobRunId, r.job, r.status, utc(r.scheduledAt), utc(r.startedAt), duration(r), r.rowsWritten ?? '-', r.pid, shorten(r.error)]),
        ) + '\n',
      );
    });
}

/**
 * The `jobs` command. Pass `setExitCode` (as for `run`) so `jobs run` exits non-zero when the
 * job fails (1) or is interrupted (130).
 */
export function jobsCommand(globals: () => GlobalOptions, setExitCode: (code: number) => void = () => undefined): Command {
  return new Command('jobs')
    .description('scheduled jobs (data/jobs.yaml): list them, run one now, or start the daemon')
    .addCommand(listCommand(globals))
    .addCommand(runNowCommand(globals, setExitCode))
    .addCommand(startCommand(globals))
    .addCommand(historyCommand(globals));
}
