/**
 * A circuit breaker (one per LLM host, and one per model on each host; see llm-client.ts): after `failureThreshold` consecutive transient failures the
 * circuit opens and calls fail fast; after `cooldownMs` one probe call is let through
 * (half-open); its success closes the circuit, its failure opens it again. State changes are
 * reported to a listener so the run log shows them.
 * Written by hand: opossum, the common library, trips on an error percentage over a rolling
 * window, not on consecutive failures with a single half-open probe, which is what we need.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 };

export type BreakerListener = (host: string, from: BreakerState, to: BreakerState, reason: string) => void;

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    /** What the breaker guards, as shown in events: a host URL, or `model@host`. */
    readonly host: string,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    private readonly listener: BreakerListener = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half-open';
    return this.state;
  }

  /** Whether tryAcquire would let a call through now (changes nothing). */
  canAcquire(): boolean {
    const state = this.current;
    return state === 'closed' || (state === 'half-open' && !this.probeInFlight);
  }

  /** Whether a call may go ahead now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.current;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.probeInFlight) return false;
    if (this.state === 'open') this.transition('half-open', `cooldown of ${this.options.cooldownMs} ms elapsed`);
    this.probeInFlight = true;
    return true;
  }

  /** Gives back a probe slot without judging the call (it failed for a reason this breaker does not guard). */
  release(): void {
    this.probeInFlight = false;
  }

  recordSuccess(): void {
    this.probeInFlight = false;
    this.failures = 0;
    if (this.state !== 'closed') this.transition('closed', 'probe succeeded');
  }

  recordFailure(reason: string): void {
    this.probeInFlight = false;
    this.failures++;
    if (this.state === 'half-open') {
      this.openedAt = this.now();
      this.transition('open', `probe failed: ${reason}`);
    } else if (this.state === 'closed' && this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open', `${this.failures} consecutive failures, last: ${reason}`);
    }
  }

  /** Milliseconds until a probe may be tried (0 when calls may go ahead). */
  retryAfterMs(): number {
    return this.current === 'open' ? this.options.cooldownMs - (this.now() - this.openedAt) : 0;
  }

  private transition(to: BreakerState, reason: string): void {
    const from = this.state;
    this.state = to;
    this.listener(this.host, from, to, reason);
  }
}
