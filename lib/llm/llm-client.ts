/**
 * The LLM client every Benchlab caller uses: response cache, model validation, a pool of hosts
 * (per-host concurrency, least-busy host first), circuit breakers, retries with exponential
 * backoff and full jitter on transient failures (`exponential-backoff`), per-request deadlines,
 * and the answer format each server can take. It never throws for a failed call: it returns an
 * `LlmCall` record with the error, which the run stores in `llm_calls`.
 *
 * Breakers isolate faults: a host fault (refused, unreachable, 503 busy) counts against the host's
 * breaker, a model fault (runner crash, in-stream error, reset mid-answer, deadline) against the
 * breaker of that model on that host, so a crashing model never fails the models after it.
 * The client also keeps, per model, the time its failed attempts cost, so a run can bound what
 * a hanging model may cost it (see bench-run.ts).
 */
import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { backOff, type BackoffOptions } from 'exponential-backoff';
import type { FormatUsed, GenerateRequest, LlmProvider, ModelInfo, ProviderKind, ProviderRequest, ServerTimings } from './types';
import { NO_TIMINGS } from './types';
import { OllamaProvider } from './ollama-provider';
import { OpenAiProvider } from './openai-provider';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions, type BreakerState } from './circuit-breaker';
import { Deadline, type DeadlineLimits } from './deadline';
import { LlmError, classifyError } from './llm-error';
import { ModelCatalog, UnknownModelError } from './model-catalog';
import { ResponseCache, cacheKey } from './response-cache';
import type { HostConfig } from './hosts';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 };

/**
 * `exponential-backoff` options for `retry`: exponential delays with full jitter, retrying only
 * retryable LlmErrors, each retry reported to `onRetry` (the embedding client retries the same way).
 */
export function retryBackoff(retry: RetryOptions, onRetry: (error: LlmError, attempt: number) => void): BackoffOptions {
  return {
    numOfAttempts: retry.attempts,
    startingDelay: retry.initialDelayMs,
    maxDelay: retry.maxDelayMs,
    timeMultiple: 2,
    jitter: 'full',
    retry: (error: unknown, attempt: number) => {
      const retryable = error instanceof LlmError && error.retryable;
      if (retryable) onRetry(error, attempt);
      return retryable;
    },
  };
}
/**
 * A model load can take tens of seconds before the first token (first-token limit 120 s); once
 * the answer streams, 30 s without a chunk means the model hangs. Generation is bounded by total.
 */
export const DEFAULT_DEADLINE: DeadlineLimits = { totalMs: 600_000, idleMs: 30_000, firstTokenMs: 120_000 };

export type LlmEvent =
  | { type: 'breaker'; host: string; model?: string; from: BreakerState; to: BreakerState; reason: string }
  | { type: 'retry'; host: string; model: string; attempt: number; error: string };

export interface LlmClientOptions {
  hosts: HostConfig[];
  deadline?: DeadlineLimits;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  cache?: ResponseCache;
  /** false: neither read nor write the cache (`--no-cache`). */
  useCache?: boolean;
  onEvent?: (event: LlmEvent) => void;
}

export interface LlmCall {
  callId: string;
  provider: ProviderKind;
  host: string;
  model: string;
  cacheKey: string;
  cacheHit: boolean;
  options: Record<string, unknown>;
  startedAt: Date;
  wallMs: number;
  ttftMs: number | null;
  timings: ServerTimings;
  attempts: number;
  /** What the request asked the server for: the prompt's JSON Schema, plain JSON, or nothing. */
  formatUsed: FormatUsed;
  text: string;
  /** A thinking model's reasoning, apart from the answer ('' when none). */
  thinking: string;
  thinkingMs: number | null;
  thinkingTokens: number | null;
  error: LlmError | undefined;
}

interface PooledHost {
  provider: LlmProvider;
  /** Host faults: the server cannot be reached or is overloaded. */
  breaker: CircuitBreaker;
  /** Model faults, per model on this host. */
  modelBreakers: Map<string, CircuitBreaker>;
  /** Time spent in failed attempts, per model on this host. */
  failedMs: Map<string, number>;
  limit: pLimit.Limit;
  /** Whether the server takes a JSON Schema format; asked once. */
  schemas: Promise<boolean> | undefined;
}

function makeProvider(host: HostConfig): LlmProvider {
  const providers: Record<ProviderKind, () => LlmProvider> = {
    ollama: () => new OllamaProvider(host.url),
    openai: () => new OpenAiProvider(host.url, host.apiKey),
  };
  return providers[host.provider]();
}

const VERSION_TIMEOUT_MS = 10_000;

export class LlmClient {
  readonly catalog = new ModelCatalog();
  private readonly pool: PooledHost[];
  private readonly deadline: DeadlineLimits;
  private readonly retry: RetryOptions;
  private readonly cache: ResponseCache | undefined;
  private readonly useCache: boolean;
  private readonly onEvent: (event: LlmEvent) => void;
  private readonly breakerOptions: BreakerOptions;

  constructor(options: LlmClientOptions) {
    if (options.hosts.length === 0) throw new Error('LlmClient needs at least one host');
    this.deadline = options.deadline ?? DEFAULT_DEADLINE;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.cache = options.cache;
    this.useCache = options.useCache ?? true;
    this.onEvent = options.onEvent ?? (() => undefined);
    this.breakerOptions = options.breaker ?? DEFAULT_BREAKER;
    this.pool = options.hosts.map((host) => ({
      provider: makeProvider(host),
      breaker: new CircuitBreaker(host.url, this.breakerOptions, (h, from, to, reason) => this.onEvent({ type: 'breaker', host: h, from, to, reason })),
      modelBreakers: new Map(),
      failedMs: new Map(),
      limit: pLimit(Math.max(1, host.concurrency)),
      schemas: undefined,
    }));
  }

  /** The deadlines and breaker settings in force (a run bounds a hanging model's cost with them). */
  get limits(): { deadline: DeadlineLimits; breaker: BreakerOptions; attempts: number } {
    return { deadline: this.deadline, breaker: this.breakerOptions, attempts: this.retry.attempts };
  }

  private modelBreaker(pooled: PooledHost, model: string): CircuitBreaker {
    let breaker = pooled.modelBreakers.get(model);
    if (!breaker) {
      const host = pooled.provider.host;
      breaker = new CircuitBreaker(`${model}@${host}`, this.breakerOptions, (_name, from, to, reason) =>
        this.onEvent({ type: 'breaker', host, model, from, to, reason }),
      );
      pooled.modelBreakers.set(model, breaker);
    }
    return breaker;
  }

  /**
   * Milliseconds until some host may take a call for `model` (0: now), or undefined when no
   * host serves it. A run waits this long before coming back to a model whose circuit opened.
   */
  circuitWaitMs(model: string): number | undefined {
    const waits = this.candidates(model).map((p) => Math.max(p.breaker.retryAfterMs(), this.modelBreaker(p, model).retryAfterMs()));
    return waits.length > 0 ? Math.min(...waits) : undefined;
  }

  /** Time the failed attempts of `model` have cost so far, on its least-charged host. */
  failureCostMs(model: string): number {
    const costs = this.candidates(model).map((p) => p.failedMs.get(model) ?? 0);
    return costs.length > 0 ? Math.min(...costs) : 0;
  }

  private candidates(model: string): PooledHost[] {
    return this.pool.filter((p) => this.catalog.hasCached(p.provider.host, model) !== false);
  }

  /** The format to send to this host: the schema where the server takes one, else JSON mode. */
  private async resolveFormat(pooled: PooledHost, request: GenerateRequest): Promise<Pick<ProviderRequest, 'format' | 'formatUsed'>> {
    if (request.format === undefined) return { formatUsed: 'none' };
    if (request.format === 'json') return { format: 'json', formatUsed: 'json' };
    pooled.schemas ??= pooled.provider.supportsSchemas(AbortSignal.timeout(VERSION_TIMEOUT_MS)).catch(() => true);
    return (await pooled.schemas) ? { format: request.format, formatUsed: 'schema' } : { format: 'json', formatUsed: 'json' };
  }

  get providerKind(): ProviderKind {
    return this.pool[0]?.provider.kind ?? 'ollama';
  }

  get hosts(): string[] {
    return this.pool.map((p) => p.provider.host);
  }

  /** Every breaker's state: hosts by URL, models as `model@host`. */
  breakerStates(): Record<string, BreakerState> {
    return Object.fromEntries(
      this.pool.flatMap((p) => [[p.provider.host, p.breaker.current] as const, ...[...p.modelBreakers].map(([model, b]) => [`${model}@${p.provider.host}`, b.current] as const)]),
    );
  }

  /** Models on every reachable host; unreachable hosts are reported in `errors`. */
  async listModels(): Promise<{ models: ModelInfo[]; errors: LlmError[] }> {
    const models: ModelInfo[] = [];
    const errors: LlmError[] = [];
    for (const { provider } of this.pool) {
      try {
        models.push(...(await this.catalog.list(provider)));
      } catch (error) {
        errors.push(classifyError(error, provider.host));
      }
    }
    return { models, errors };
  }

  /** Throws UnknownModelError (listing models and the closest name) unless a host serves `model`. */
  async validateModel(model: string): Promise<void> {
    await this.catalog.validate(
      this.pool.map((p) => p.provider),
      model,
    );
  }

  /** The least busy host whose own circuit and whose circuit for `model` let a call through. */
  private pickHost(model: string): { pooled: PooledHost; modelBreaker: CircuitBreaker } | undefined {
    const ordered = [...this.candidates(model)].sort((a, b) => a.limit.activeCount + a.limit.pendingCount - (b.limit.activeCount + b.limit.pendingCount));
    for (const pooled of ordered) {
      const modelBreaker = this.modelBreaker(pooled, model);
      if (!pooled.breaker.canAcquire() || !modelBreaker.canAcquire()) continue;
      pooled.breaker.tryAcquire();
      modelBreaker.tryAcquire();
      return { pooled, modelBreaker };
    }
    return undefined;
  }

  private circuitOpenError(model: string, host: string): LlmError {
    const waits = this.candidates(model).map((p) => {
      const hostOpen = !p.breaker.canAcquire();
      const wait = Math.max(p.breaker.retryAfterMs(), this.modelBreaker(p, model).retryAfterMs());
      return `${hostOpen ? p.provider.host : `${model}@${p.provider.host}`} (retry in ${Math.ceil(wait / 1000)} s)`;
    });
    return new LlmError('circuit-open', host, `circuit open for ${waits.join(', ')}`);
  }

  async generate(request: GenerateRequest): Promise<LlmCall> {
    const key = cacheKey(this.providerKind, request);
    const startedAt = new Date();
    const started = performance.now();
    const base = {
      callId: crypto.randomUUID(),
      provider: this.providerKind,
      model: request.model,
      cacheKey: key,
      options: {
        ...(request.options ?? {}),
        ...(request.format ? { format: request.format === 'json' ? 'json' : `schema:${request.format.name}` } : {}),
        ...(request.think !== undefined ? { think: request.think } : {}),
      },
      startedAt,
    };
    const none = { thinking: '', thinkingMs: null, thinkingTokens: null };
    if (this.useCache) {
      const hit = this.cache?.get(key);
      if (hit) {
        return {
          ...base, host: 'cache', cacheHit: true, wallMs: performance.now() - started, ttftMs: null, timings: hit.timings, attempts: 0,
          formatUsed: hit.formatUsed, text: hit.text, ...none, thinking: hit.thinking, error: undefined,
        };
      }
    }
    let attempts = 0;
    let formatUsed: FormatUsed = request.format === undefined ? 'none' : request.format === 'json' ? 'json' : 'schema';
    let host = this.pool[0]?.provider.host ?? '';
    // The last failure of a call that reached a server: a circuit that opens during the retries
    // must not hide why the call failed.
    let lastReal: LlmError | undefined;
    try {
      await this.validateModel(request.model);
      const response = await backOff(
        async () => {
          const picked = this.pickHost(request.model);
          if (!picked) throw this.circuitOpenError(request.model, host);
          const { pooled, modelBreaker } = picked;
          attempts++;
          host = pooled.provider.host;
          return pooled.limit(async () => {
            const resolved = await this.resolveFormat(pooled, request);
            formatUsed = resolved.formatUsed;
            const { format: _requested, ...rest } = request;
            const sent: ProviderRequest = { ...rest, ...resolved };
            const deadline = new Deadline(this.deadline);
            const attemptStarted = performance.now();
            let answered = false;
            try {
              const result = await pooled.provider.generate(sent, {
                signal: deadline.signal,
                onChunk: () => {
                  answered = true;
                  deadline.touch();
                },
              });
              pooled.breaker.recordSuccess();
              modelBreaker.recordSuccess();
              return result;
            } catch (error) {
              let classified = classifyError(error, pooled.provider.host, deadline.signal);
              // A connection dropped before any answer (a pooled socket of a host that went
              // away, a proxy) says nothing about the model: it is the host's fault.
              if (classified.kind === 'reset' && !answered) classified = new LlmError('connection', classified.host, `${classified.message} before any answer`);
              lastReal = classified;
              const scope = classified.breakerScope;
              if (scope === 'host') {
                pooled.breaker.recordFailure(classified.message);
                modelBreaker.release();
              } else {
                // The host answered: it is up, whatever the model did.
                pooled.breaker.recordSuccess();
                if (scope === 'model') {
                  pooled.failedMs.set(request.model, (pooled.failedMs.get(request.model) ?? 0) + (performance.now() - attemptStarted));
                  modelBreaker.recordFailure(classified.message);
                } else modelBreaker.recordSuccess();
              }
              throw classified;
            } finally {
              deadline.clear();
            }
          });
        },
        retryBackoff(this.retry, (error, attempt) => this.onEvent({ type: 'retry', host, model: request.model, attempt, error: error.message })),
      );
      if (this.useCache && this.cache) {
        this.cache.put({
          key, provider: this.providerKind, model: request.model, prompt: request.prompt, options: base.options, text: response.text,
          thinking: response.thinking, formatUsed, timings: response.timings,
        });
      }
      return {
        ...base, host, cacheHit: false, wallMs: performance.now() - started, ttftMs: response.ttftMs, timings: response.timings, attempts, formatUsed,
        text: response.text, thinking: response.thinking, thinkingMs: response.thinkingMs, thinkingTokens: response.thinkingTokens, error: undefined,
      };
    } catch (error) {
      let failure = error instanceof UnknownModelError ? new LlmError('model-not-found', host, error.message) : classifyError(error, host);
      if (failure.kind === 'circuit-open' && lastReal) failure = lastReal;
      return { ...base, host, cacheHit: false, wallMs: performance.now() - started, ttftMs: null, timings: NO_TIMINGS, attempts, formatUsed, text: '', ...none, error: failure };
    }
  }
}
