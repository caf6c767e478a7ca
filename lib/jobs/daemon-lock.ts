/**
 * The jobs daemon's lock: a file `<db>.jobs.lock` beside the database, holding the owner's pid,
 * host and start time, so only one daemon schedules jobs for a database. It is created
 * atomically (`wx`: fails if it exists). A lock left by a daemon that died (same host, pid not
 * alive) is taken over with a warning; the take-over renames the stale file aside first and
 * puts it back if it turns out another daemon replaced it in between.
 *
 * Written by hand: proper-lockfile and friends decide staleness by a periodically refreshed
 * mtime, while Benchlab wants the holder's pid and host in the file, for the message and for
 * a pid-based staleness check that needs no timer.
 */
import fs from 'node:fs';
import os from 'node:os';
import { DatabaseLockedError } from '../store/lock-retry';
import { isProcessAlive } from './process-alive';

export const LOCK_SUFFIX = '.jobs.lock';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

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

export function readLock(lockPath: string): LockOwner | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const raw = JSON.parse(text) as Partial<LockOwner>;
    if (typeof raw.pid !== 'number' || typeof raw.host !== 'string' || typeof raw.startedAt !== 'string') return undefined;
    return { pid: raw.pid, host: raw.host, startedAt: raw.startedAt };
  } catch {
    return undefined;
  }
}

/** The lock's owner when it names a live process (or one on another host, which we cannot check). */
export function liveLockOwner(lockPath: string): LockOwner | undefined {
  const owner = readLock(lockPath);
  if (!owner) return undefined;
  return owner.host !== os.hostname() || isProcessAlive(owner.pid) ? owner : undefined;
}

const sameOwner = (a: LockOwner | undefined, b: LockOwner | undefined) =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

export interface DaemonLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): void;
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  try {
    fs.writeFileSync(lockPath, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the daemon lock for `dbPath`, or throws DaemonLockedError naming the holder.
 * `warn` hears about a stale lock taken over.
 */
export function acquireDaemonLock(dbPath: string, warn: (line: string) => void = () => undefined): DaemonLock {
  const lockPath = lockPathFor(dbPath);
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  if (!tryCreate(lockPath, owner)) {
    const holder = readLock(lockPath);
    const stale = holder !== undefined && holder.host === os.hostname() && !isProcessAlive(holder.pid);
    if (!stale) throw new DaemonLockedError(dbPath, lockPath, holder);
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      fs.renameSync(lockPath, aside);
    } catch {
      throw new DaemonLockedError(dbPath, lockPath, readLock(lockPath)); // another daemon took it over first
    }
    if (!sameOwner(readLock(aside), holder)) {
      // Between our read and the rename, another daemon replaced the stale lock with its own: put it back.
      try {
        fs.linkSync(aside, lockPath);
      } finally {
        fs.rmSync(aside, { force: true });
      }
      throw new DaemonLockedError(dbPath, lockPath, readLock(lockPath));
    }
    fs.rmSync(aside, { force: true });
    warn(`took over a stale jobs lock ${lockPath}: its daemon (pid ${holder.pid}, started ${holder.startedAt}) is no longer running`);
    if (!tryCreate(lockPath, owner)) throw new DaemonLockedError(dbPath, lockPath, readLock(lockPath));
  }
  let released = false;
  return {
    path: lockPath,
    owner,
    release() {
      if (released) return;
      released = true;
      if (sameOwner(readLock(lockPath), owner)) fs.rmSync(lockPath, { force: true });
    },
  };
}
