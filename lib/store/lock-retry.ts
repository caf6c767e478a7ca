/**
 * Opening the DuckDB file when another process may hold it. DuckDB allows one writing process
 * per file; Benchlab never keeps the file open between units of work, so a conflict is usually
 * short. We retry with exponential backoff (p-retry style, bounded in time), then fail with a
 * message naming the holder (DuckDB reports its PID) and what to do.
 * Written by hand: the retry must be bounded in wall time and apply to one error only, and
 * p-retry is ESM-only while Benchlab compiles to CommonJS (tslab notebooks `require` it).
 */
import fs from 'node:fs';

export interface LockRetryOptions {
  /** Give up after this many milliseconds in total. */
  timeoutMs: number;
  /** First wait; doubles each attempt up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOCK_RETRY: LockRetryOptions = {
  timeoutMs: 10_000,
  initialDelayMs: 50,
  maxDelayMs: 1_000,
};

const LOCK_PATTERN = /Could not set lock on file .*?Conflicting lock is held in (.*?) \(PID (\d+)\)/s;

export interface LockHolder {
  program: string;
  pid: number;
  /** The holder's command line, when /proc tells it. */
  commandLine: string | undefined;
}

export function parseLockError(error: unknown): LockHolder | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const match = LOCK_PATTERN.exec(message);
  if (!match) return undefined;
  const pid = Number(match[2]);
  return { program: match[1] ?? 'unknown', pid, commandLine: readCommandLine(pid) };
}

function readCommandLine(pid: number): string | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const text = raw.split('\0').filter(Boolean).join(' ');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

export class DatabaseLockedError extends Error {
  readonly holder: LockHolder;
  readonly dbPath: string;

  constructor(dbPath: string, holder: LockHolder, waitedMs: number) {
    const who = holder.commandLine ?? holder.program;
    super(
      `database ${dbPath} is held by process ${holder.pid} (${who}); waited ${Math.round(waitedMs)} ms. ` +
        `Wait for that process to finish (Benchlab only holds the file while it writes), stop it ` +
        `(kill ${holder.pid}), or use another file with --db PATH or BENCHLAB_DB.`,
    );
    this.name = 'DatabaseLockedError';
    this.holder = holder;
    this.dbPath = dbPath;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `open` until it succeeds, retrying only on DuckDB's file-lock conflict. */
export async function openWithLockRetry<T>(
  dbPath: string,
  open: () => Promise<T>,
  options: LockRetryOptions = DEFAULT_LOCK_RETRY,
): Promise<T> {
  const started = performance.now();
  let delay = options.initialDelayMs;
  for (;;) {
    try {
      return await open();
    } catch (error) {
      const holder = parseLockError(error);
      if (!holder) throw error;
      const waited = performance.now() - started;
      if (waited + delay > options.timeoutMs) throw new DatabaseLockedError(dbPath, holder, waited);
      // Full jitter keeps two waiting processes from retrying in lock-step.
      await sleep(delay / 2 + Math.random() * (delay / 2));
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}
