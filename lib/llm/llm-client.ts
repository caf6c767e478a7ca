/**
 * The LLM client every Benchlab caller uses: response cache, model validation, a pool of hosts
 * (per-host concurrency, least-busy host first), a circuit breaker per host, retries with
 * exponential backoff and full jitter on transient failures (`exponential-backoff`), and
 * per-request total and idle deadlines. It never throws for a failed call: it returns an
 * `LlmCall` record with the error, which the run stores in `llm_calls`.
 */
import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { backOff } from 'exponential-backoff';
import type { GenerateRequest, LlmProvider, ModelInfo, ProviderKind, ServerTimings } from './types';
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
/** A model load can take tens of seconds before the first token; generation itself is bounded by total. */
export const DEFAULT_DEADLINE: DeadlineLimits = { totalMs: 600_000, idleMs: 120_000 };

export type LlmEvent =
  | { type: 'breaker'; host: string; from: BreakerState; to: BreakerState; reason: string }
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
  text: string;
  error: LlmError | undefined;
}

interface PooledHost {
  provider: LlmProvider;
  breaker: CircuitBreaker;
  limit: pLimit.Limit;
}

function makeProvider(host: HostConfig): LlmProvider {
  const providers: Record<ProviderKind, () => LlmProvider> = {
    ollama: () => new OllamaProvider(host.url),
    openai: () => new OpenAiProvider(host.url),
  };
  return providers[host.provider]();
}

export class LlmClient {
  readonly catalog = new ModelCatalog();
  private readonly pool: PooledHost[];
  private readonly deadline: DeadlineLimits;
  private readonly retry: RetryOptions;
  private readonly cache: ResponseCache | undefined;
  private readonly useCache: boolean;
  private readonly onEvent: (event: LlmEvent) => void;

  constructor(options: LlmClientOptions) {
    if (options.hosts.length === 0) throw new Error('LlmClient needs at least one host');
    this.deadline = options.deadline ?? DEFAULT_DEADLINE;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.cache = options.cache;
    this.useCache = options.useCache ?? true;
    this.onEvent = options.onEvent ?? (() => undefined);
    this.pool = options.hosts.map((host) => ({
      provider: makeProvider(host),
      breaker: new CircuitBreaker(host.url, options.breaker ?? DEFAULT_BREAKER, (h, from, to, reason) =>
        this.onEvent({ type: 'breaker', host: h, from, to, reason }),
      ),
      limit: pLimit(Math.max(1, host.concurrency)),
    }));
  }

  get providerKind(): ProviderKind {
    return this.pool[0]?.provider.kind ?? 'ollama';
  }

  get hosts(): string[] {
    return this.pool.map((p) => p.provider.host);
  }

  breakerStates(): Record<string, BreakerState> {
    return Object.fromEntries(this.pool.map((p) => [p.provider.host, p.breaker.current]));
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

  private pickHost(model: string): PooledHost | undefined {
    const candidates = this.pool.filter((p) => this.catalog.hasCached(p.provider.host, model) !== false);
    const ordered = [...candidates].sort((a, b) => a.limit.activeCount + a.limit.pendingCount - (b.limit.activeCount + b.limit.pendingCount));
    return ordered.find((p) => p.breaker.tryAcquire());
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
      options: { ...(request.options ?? {}), ...(request.format ? { format: request.format } : {}) },
      startedAt,
    };
    if (this.useCache) {
      const hit = this.cache?.get(key);
      if (hit) {
        return { ...base, host: 'cache', cacheHit: true, wallMs: performance.now() - started, ttftMs: null, timings: hit.timings, attempts: 0, text: hit.text, error: undefined };
      }
    }
    let attempts = 0;
    let host = this.pool[0]?.provider.host ?? '';
    try {
      await this.validateModel(request.model);
      const response = await backOff(
        async () => {
          attempts++;
          const pooled = this.pickHost(request.model);
          if (!pooled) {
            const waits = this.pool.map((p) => `${p.provider.host} (retry in ${Math.ceil(p.breaker.retryAfterMs() / 1000)} s)`);
            throw new LlmError('circuit-open', host, `every host's circuit is open: ${waits.join(', ')}`);
          }
          host = pooled.provider.host;
          return pooled.limit(async () => {
            const deadline = new Deadline(this.deadline);
            try {
              const result = await pooled.provider.generate(request, { signal: deadline.signal, onChunk: () => deadline.touch() });
              pooled.breaker.recordSuccess();
              return result;
            } catch (error) {
              const classified = classifyError(error, pooled.provider.host, deadline.signal);
              if (classified.retryable) pooled.breaker.recordFailure(classified.message);
              else pooled.breaker.recordSuccess();
              throw classified;
            } finally {
              deadline.clear();
            }
          });
        },
        {
          numOfAttempts: this.retry.attempts,
          startingDelay: this.retry.initialDelayMs,
          maxDelay: this.retry.maxDelayMs,
          timeMultiple: 2,
          jitter: 'full',
          retry: (error: unknown, attempt: number) => {
            const retryable = error instanceof LlmError && error.retryable;
            if (retryable) this.onEvent({ type: 'retry', host, model: request.model, attempt, error: (error as Error).message });
            return retryable;
          },
        },
      );
      if (this.useCache && this.cache) {
        this.cache.put({ key, provider: this.providerKind, model: request.model, prompt: request.prompt, options: base.options, text: response.text, timings: response.timings });
      }
      return { ...base, host, cacheHit: false, wallMs: performance.now() - started, ttftMs: response.ttftMs, timings: response.timings, attempts, text: response.text, error: undefined };
    } catch (error) {
      const failure =
        error instanceof UnknownModelError ? new LlmError('model-not-found', host, error.message) : classifyError(error, host);
      return { ...base, host, cacheHit: false, wallMs: performance.now() - started, ttftMs: null, timings: NO_TIMINGS, attempts, text: '', error: failure };
    }
  }
}
