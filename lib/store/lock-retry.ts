/**
 * Opening the DuckDB file when another process may hold it. DuckDB allows one writing process
 * per file; Benchlab never keeps the file open between units of work, so a conflict is usually
 * short. We retry with exponential backoff (p-retry style, bounded in time), then fail with a
 * message naming the holder (DuckDB reports its PID) and what to do.
 *
 * A benchmark run must not give up on its completed items: it keeps them in memory and writes
 * them when the file is free, however long that takes (`HeldDatabaseWait`, `retryWhileHeld`):
 * single attempts with no wait of their own (NO_LOCK_WAIT), a capped backoff between them, and
 * one message per hold naming the holder.
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

/** One attempt, no wait: the caller keeps its work and tries again later (see HeldDatabaseWait). */
export const NO_LOCK_WAIT: LockRetryOptions = { timeoutMs: 0, initialDelayMs: 0, maxDelayMs: 0 };

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

const MAX_COMMAND_LINE = 160;

function readCommandLine(pid: number): string | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // One line, and not too long: a `node -e SCRIPT` holder would otherwise put its script in the message.
    const text = raw.split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    if (text === '') return undefined;
    return text.length > MAX_COMMAND_LINE ? `${text.slice(0, MAX_COMMAND_LINE - 1)}…` : text;
  } catch {
    return undefined;
  }
}

/** `process 1234 (node notebook.js)`. */
export function describeHolder(holder: LockHolder): string {
  return `process ${holder.pid} (${holder.commandLine ?? holder.program})`;
}

export class DatabaseLockedError extends Error {
  readonly holder: LockHolder;
  readonly dbPath: string;

  /** `message` replaces the standard one (which names the holder, the wait and what to do). */
  constructor(dbPath: string, holder: LockHolder, waitedMs: number, message?: string) {
    super(
      message ??
        `database ${dbPath} is held by ${describeHolder(holder)}; waited ${Math.round(waitedMs)} ms. ` +
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
      if (waited + delay >= options.timeoutMs) throw new DatabaseLockedError(dbPath, holder, waited);
      // Full jitter keeps two waiting processes from retrying in lock-step.
      await sleep(delay / 2 + Math.random() * (delay / 2));
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}

/** How a benchmark run waits for a held database: no bound in time, at most 5 s between tries. */
export interface HeldWaitOptions {
  /** First wait; doubles each attempt up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const RUN_WRITE_BACKOFF: HeldWaitOptions = { initialDelayMs: 250, maxDelayMs: 5_000 };

export interface HeldEpisode {
  dbPath: string;
  holder: LockHolder;
  /** From the first attempt that found the file held. */
  waitedMs: number;
  /** Attempts that found the file held. */
  attempts: number;
}

/**
 * The state of a writer that waits for a held database without giving up: when the next
 * attempt is due (a backoff doubling up to maxDelayMs, with jitter), how long it has waited,
 * and who holds the file. `onHeld` is called once per hold (its first failed attempt) and
 * `onFree` once when a write goes through after it; the attempts in between say nothing.
 */
export class HeldDatabaseWait {
  private readonly options: HeldWaitOptions;
  private delay: number;
  private nextAt = 0;
  private since: number | undefined;
  private attempts = 0;
  private last: DatabaseLockedError | undefined;

  constructor(
    private readonly handlers: { onHeld?: (episode: HeldEpisode) => void; onFree?: (episode: HeldEpisode) => void } = {},
    options: HeldWaitOptions = RUN_WRITE_BACKOFF,
  ) {
    this.options = options;
    this.delay = options.initialDelayMs;
  }

  /** Whether the file is held as far as this writer knows (its last attempt failed on the lock). */
  get isHeld(): boolean {
    return this.since !== undefined;
  }

  /** Milliseconds until the next attempt is due (0 outside a hold). */
  get dueInMs(): number {
    return this.since === undefined ? 0 : Math.max(0, this.nextAt - performance.now());
  }

  /** Whether an attempt is due: always outside a hold, after the backoff within one. */
  get due(): boolean {
    return this.since === undefined || performance.now() >= this.nextAt;
  }

  /** The current hold, if any. */
  get episode(): HeldEpisode | undefined {
    if (this.since === undefined || !this.last) return undefined;
    return { dbPath: this.last.dbPath, holder: this.last.holder, waitedMs: performance.now() - this.since, attempts: this.attempts };
  }

  /** Records an attempt that found the file held. */
  held(error: DatabaseLockedError): void {
    const now = performance.now();
    const first = this.since === undefined;
    this.since ??= now;
    this.attempts++;
    this.last = error;
    // Full jitter on the upper half, as in openWithLockRetry.
    this.nextAt = now + this.delay / 2 + Math.random() * (this.delay / 2);
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs);
    if (first) this.handlers.onHeld?.(this.episode as HeldEpisode);
  }

  /** Records an attempt that went through: ends the hold, if there was one. */
  free(): void {
    const episode = this.episode;
    this.since = undefined;
    this.attempts = 0;
    this.last = undefined;
    this.delay = this.options.initialDelayMs;
    this.nextAt = 0;
    if (episode) this.handlers.onFree?.(episode);
  }

  /** Waits until the next attempt is due, or `signal` aborts. */
  async sleep(signal?: AbortSignal): Promise<void> {
    const ms = this.dueInMs;
    if (ms === 0 || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * Runs `attempt` (which opens the store with NO_LOCK_WAIT) until it goes through, waiting with
 * `wait`'s backoff while another process holds the file, for as long as it takes. Once `signal`
 * has aborted, one final attempt is made; if the file is still held, its DatabaseLockedError is
 * thrown (the caller says what that cost). Other errors are thrown at once.
 */
export async function retryWhileHeld<T>(wait: HeldDatabaseWait, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    const final = signal?.aborted === true;
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) throw error;
      wait.held(error);
      if (final) throw error;
      await wait.sleep(signal);
      continue;
    }
    wait.free();
    return result;
  }
}
