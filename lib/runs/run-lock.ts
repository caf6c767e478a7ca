/**
 * A benchmark run is worked on by one process at a time. The process that starts a run, or
 * resumes one, holds the run's lock file beside the database (`<db>.run-<id>.lock`, holding its
 * pid, host and start time) until the run is finished, so a second `--resume` of the same run,
 * or a resume while the run's own process is still working, is refused (exit 4) naming the
 * holder. A lock left by a process that died (same host, pid not alive) is taken over. The lock
 * file itself is lib/store/pid-lock.ts, as the jobs daemon's is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquirePidLock, liveLockOwner, type LockOwner, type PidLock } from '../store/pid-lock';
import { isProcessAlive } from '../store/process-alive';
import { InputError } from '../input-error';
import { DatabaseLockedError } from '../store/lock-retry';

/** Characters a run id may hold: it becomes part of a file name. */
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The database path the lock files are named after: the real path, so the same file reached
 * through a symlink or another relative path gets the same locks.
 */
function canonicalDbPath(dbPath: string): string {
  const resolved = path.resolve(dbPath);
  try {
    return fs.realpathSync(resolved);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(resolved)), path.basename(resolved));
    } catch {
      return resolved;
    }
  }
}

export function runLockPath(dbPath: string, runId: string): string {
  return `${canonicalDbPath(dbPath)}.run-${runId}.lock`;
}

/** Another process works on the run. A DatabaseLockedError, so the CLI exits with code 4. */
export class RunLockedError extends DatabaseLockedError {
  readonly runId: string;
  readonly lockPath: string;
  readonly owner: LockOwner | undefined;

  constructor(dbPath: string, runId: string, lockPath: string, owner: LockOwner | undefined) {
    super(dbPath, { program: 'benchlab run', pid: owner?.pid ?? 0, commandLine: undefined }, 0);
    this.name = 'RunLockedError';
    this.runId = runId;
    this.lockPath = lockPath;
    this.owner = owner;
    this.message = owner
      ? `run ${runId} is held by another process: pid ${owner.pid} on host ${owner.host}, working on it since ${owner.startedAt} ` +
        `(lock file ${lockPath}). Wait for it to finish, or stop it (kill ${owner.pid}) and resume again.` +
        (owner.host !== os.hostname() ? ` It runs on another host, so this one cannot tell whether it is alive; if it is not, delete ${lockPath}.` : '')
      : `the lock ${lockPath} of run ${runId} exists but cannot be read. If no process is working on run ${runId}, delete it.`;
  }
}

/** A lock that locks nothing: for an in-memory database, which no other process can open. */
const NO_LOCK: PidLock = { path: '', owner: { pid: process.pid, host: os.hostname(), startedAt: new Date(0).toISOString() }, release: () => undefined };

/**
 * Takes run `runId`'s lock for this process, or throws RunLockedError naming the holder. `log`
 * hears about a stale lock taken over. Release it when the run is finished.
 */
export function acquireRunLock(dbPath: string, runId: string, log: (line: string) => void = () => undefined): PidLock {
  if (!RUN_ID_PATTERN.test(runId)) throw new InputError(`'${runId}' is not a run id`);
  if (dbPath === ':memory:') return NO_LOCK;
  fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  const lockPath = runLockPath(dbPath, runId);
  return acquirePidLock(lockPath, {
    held: (owner) => new RunLockedError(dbPath, runId, lockPath, owner),
    tookOver: (stale) => log(`took over the stale lock of run ${runId} (${lockPath}): its process (pid ${stale.pid}, since ${stale.startedAt}) is no longer running`),
  });
}

export interface RunProcessInfo {
  runId: string;
  kind: string;
  /** runs.host */
  host: string;
  /** runs.config.pid; undefined for runs stored before it was recorded. */
  pid: number | undefined;
}

/**
 * Whether the process recorded with a `running` run is gone, so the run was interrupted without
 * being marked: on this host, its pid is not alive, or (benchmark runs) no live process holds
 * the run's lock. Undefined when that cannot be told: no pid stored, or another host.
 */
export function runProcessGone(dbPath: string, run: RunProcessInfo): boolean | undefined {
  if (run.pid === undefined || run.host !== os.hostname()) return undefined;
  if (!isProcessAlive(run.pid)) return true;
  return run.kind === 'bench' && RUN_ID_PATTERN.test(run.runId) && liveLockOwner(runLockPath(dbPath, run.runId)) === undefined;
}
