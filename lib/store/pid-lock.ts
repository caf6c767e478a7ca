/**
 * Lock files that name their holder: a file holding the owner's pid, host and start time,
 * created atomically (`wx`: fails if it exists). A lock left by a process that died (same host,
 * pid not alive) is taken over; the take-over renames the stale file aside first and puts it
 * back if another process replaced it in between. Used for the jobs daemon (`<db>.jobs.lock`)
 * and for benchmark runs (`<db>.run-<id>.lock`); each caller names its own path and its own
 * "held" error.
 *
 * Written by hand: proper-lockfile and friends decide staleness by a periodically refreshed
 * mtime, while Benchlab wants the holder's pid and host in the file, for the message and for
 * a pid-based staleness check that needs no timer.
 */
import fs from 'node:fs';
import os from 'node:os';
import { isProcessAlive } from './process-alive';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface PidLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): void;
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

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  try {
    fs.writeFileSync(lockPath, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export interface AcquireOptions {
  /** The error to throw when a live process (or an unreadable file) holds the lock. */
  held: (owner: LockOwner | undefined) => Error;
  /** Hears about a stale lock taken over, with its dead owner. */
  tookOver?: (stale: LockOwner) => void;
}

/** Takes the lock at `lockPath` for this process, or throws `held(owner)`. */
export function acquirePidLock(lockPath: string, options: AcquireOptions): PidLock {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  if (!tryCreate(lockPath, owner)) {
    const holder = readLock(lockPath);
    const stale = holder !== undefined && holder.host === os.hostname() && !isProcessAlive(holder.pid);
    if (!stale) throw options.held(holder);
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      fs.renameSync(lockPath, aside);
    } catch {
      throw options.held(readLock(lockPath)); // another process took it over first
    }
    if (!sameOwner(readLock(aside), holder)) {
      // Between our read and the rename, another process replaced the stale lock with its own: put it back.
      try {
        fs.linkSync(aside, lockPath);
      } finally {
        fs.rmSync(aside, { force: true });
      }
      throw options.held(readLock(lockPath));
    }
    fs.rmSync(aside, { force: true });
    options.tookOver?.(holder);
    if (!tryCreate(lockPath, owner)) throw options.held(readLock(lockPath));
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
