/**
 * When to restart a GPU tool that died or hung, and when to stop using loop mode: exponential
 * backoff with equal jitter between restarts (reset once a process has run healthily for a
 * while), and a sliding window of deaths; N deaths inside the window means loop mode keeps
 * dying, and the sampler falls back to one call per sample.
 * Written by hand: `exponential-backoff` (used by the LLM client) retries one promise until it
 * resolves, while here the delay belongs to a long-lived process whose health is only known
 * later, and the count must be reset from outside.
 */

export interface RespawnOptions {
  /** First delay before a restart; doubles with each consecutive death. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Loop mode is given up after this many deaths within `deathWindowMs`. */
  maxDeaths: number;
  deathWindowMs: number;
  /** A process that delivered samples for this long resets the backoff. */
  healthyAfterMs: number;
}

export const DEFAULT_RESPAWN: RespawnOptions = {
  initialDelayMs: 500,
  maxDelayMs: 60_000,
  maxDeaths: 3,
  deathWindowMs: 5 * 60_000,
  healthyAfterMs: 60_000,
};

const BACKOFF_FACTOR = 2;
/** Equal jitter: half the delay is fixed, half random, so restarts of many samplers spread out. */
const FIXED_SHARE = 0.5;

export class RespawnPolicy {
  private deaths: number[] = [];
  private consecutive = 0;

  constructor(readonly options: RespawnOptions = DEFAULT_RESPAWN, private readonly random: () => number = Math.random) {}

  recordDeath(now: number): void {
    this.deaths.push(now);
    this.deaths = this.deaths.filter((t) => now - t <= this.options.deathWindowMs);
    this.consecutive++;
  }

  /** Loop mode has died too often: use per-sample calls from now on. */
  shouldFallBack(now: number): boolean {
    return this.deaths.filter((t) => now - t <= this.options.deathWindowMs).length >= this.options.maxDeaths;
  }

  /** The wait before the next restart. */
  nextDelayMs(): number {
    const exponent = Math.max(0, this.consecutive - 1);
    const ceiling = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * BACKOFF_FACTOR ** exponent);
    return ceiling * FIXED_SHARE + ceiling * (1 - FIXED_SHARE) * this.random();
  }

  /** The tool works again: the next failure starts from the first delay. */
  recordHealthy(): void {
    this.consecutive = 0;
  }

  get consecutiveFailures(): number {
    return this.consecutive;
  }
}
