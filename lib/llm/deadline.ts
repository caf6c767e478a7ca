/**
 * Per-request deadlines that really abort: a total limit for the whole answer, a first-token
 * limit (a cold model load happens before it), and an idle limit between streamed chunks (a
 * model that hangs mid-stream is caught in seconds, not minutes).
 * Each request gets its own AbortController, so aborting one never touches another (ollama-js's
 * `abort()` would cancel every stream of a client).
 */
import { DeadlineExceeded } from './llm-error';

export interface DeadlineLimits {
  /** Whole request, from sending to the last chunk. */
  totalMs: number;
  /** Longest silence allowed between streamed chunks (and before the first, unless firstTokenMs is set). */
  idleMs: number;
  /** Longest wait for the first chunk, a model load included; default idleMs. */
  firstTokenMs?: number;
}

export class Deadline {
  readonly controller = new AbortController();
  private totalTimer: NodeJS.Timeout;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: DeadlineLimits) {
    this.totalTimer = setTimeout(() => this.controller.abort(new DeadlineExceeded('total', limits.totalMs)), limits.totalMs);
    this.totalTimer.unref();
    const first = limits.firstTokenMs ?? limits.idleMs;
    this.idleTimer = setTimeout(() => this.controller.abort(new DeadlineExceeded('first-token', first)), first);
    this.idleTimer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Data arrived: restart the idle clock. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.controller.abort(new DeadlineExceeded('idle', this.limits.idleMs)), this.limits.idleMs);
    this.idleTimer.unref();
  }

  clear(): void {
    clearTimeout(this.totalTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }
}
