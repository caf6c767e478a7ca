/**
 * The jobs daemon's lock: a file `<db>.jobs.lock` beside the database, holding the owner's pid,
 * host and start time, so only one daemon schedules jobs for a database. The lock file itself
 * (atomic create, pid-based staleness, safe take-over) is lib/store/pid-lock.ts; a stale lock is
 * taken over with a warning.
 */
import os from 'node:os';
import { DatabaseLockedError } from '../store/lock-retry';
import { acquirePidLock, liveLockOwner, readLock, type LockOwner, type PidLock } from '../store/pid-lock';

export { liveLockOwner, readLock, type LockOwner };

export const LOCK_SUFFIX = '.jobs.lock';

export function lockPathFor(dbPath: string): string {
  return `${dbPath}${LOCK_SUFFIX}`;
}

/**
 * Another daemon holds the lock. A DatabaseLockedError, so the CLI exits with the
 * "database is held by another process" code (4).
 */
export class DaemonLockedError extends DatabaseLockedError {
  readonly lockPath: string;
  readonly owner: LockOwner | undefined;

  constructor(dbPath: string, lockPath: string, owner: LockOwner | undefined) {
    super(dbPath, { program: 'benchlab jobs', pid: owner?.pid ?? 0, commandLine: undefined }, 0);
    this.name = 'DaemonLockedError';
    this.lockPath = lockPath;
    this.owner = owner;
    this.message = owner
      ? `another jobs daemon is running for ${dbPath}: pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt} ` +
        `(lock file ${lockPath}). Stop it first (kill ${owner.pid}), or use another database with --db.` +
        (owner.host !== os.hostname() ? ` It runs on another host, so this one cannot tell whether it is alive; if it is not, delete ${lockPath}.` : '')
      : `the jobs lock ${lockPath} exists but cannot be read. If no daemon is running for ${dbPath}, delete it.`;
  }
}

export type DaemonLock = PidLock;

/**
 * Takes the daemon lock for `dbPath`, or throws DaemonLockedError naming the holder.
 * `warn` hears about a stale lock taken over.
 */
export function acquireDaemonLock(dbPath: string, warn: (line: string) => void = () => undefined): DaemonLock {
  const lockPath = lockPathFor(dbPath);
  return acquirePidLock(lockPath, {
    held: (owner) => new DaemonLockedError(dbPath, lockPath, owner),
    tookOver: (stale) => warn(`took over a stale jobs lock ${lockPath}: its daemon (pid ${stale.pid}, started ${stale.startedAt}) is no longer running`),
  });
}
