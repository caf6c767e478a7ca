/**
 * The embedding client: turns texts into vectors on an Ollama server (the official `ollama`
 * client's `embed()`, i.e. `POST /api/embed`, batched `input` arrays, `truncate`, `dimensions`,
 * `keep_alive`) or an OpenAI-compatible one (`POST /v1/embeddings`). Never the legacy
 * `/api/embeddings`: its vectors are not normalized, and mixing the two would make scores of
 * one set incomparable.
 *
 * It reuses lib/llm's host configuration (`llm:` block hosts, API key), its transport (an undici
 * fetch bound to a per-request deadline) and its error classification and retry settings
 * (exponential backoff with full jitter on transient failures). A batch that still fails after
 * its retries is split in halves, down to single inputs, so one bad input (or one that makes the
 * server fall over) costs only itself; a single input that still fails is reported with its
 * error, never silently dropped. Errors that concern the whole request (unknown model, a model
 * or server without embeddings: HTTP 501, Ollama 0.12's 500 "this model does not support
 * embeddings") are not retried or split: they are thrown as EmbeddingUnavailableError.
 */
import { Ollama } from 'ollama';
import pLimit from 'p-limit';
import { backOff } from 'exponential-backoff';
import { transportFetch } from '../llm/http-transport';
import { LlmError, classifyError } from '../llm/llm-error';
import { DEFAULT_RETRY, retryBackoff, type RetryOptions } from '../llm/llm-client';
import { openAiApiRoot } from '../llm/openai-provider';
import type { HostConfig } from '../llm/hosts';
import type { ProviderKind } from '../llm/types';

export interface EmbedSettings {
  model: string;
  /** Cut the vectors to this many dimensions (the server normalizes again); absent: the model's own. */
  dimensions?: number | undefined;
  /** Ollama: cut inputs longer than the context (default true); false: such an input fails. */
  truncate?: boolean | undefined;
  keepAlive?: string | number | undefined;
}

/** The vectors of one batch, in input order. */
export interface EmbedBatch {
  vectors: number[][];
  /** Tokens the server counted (prompt_eval_count / usage.prompt_tokens); null when not reported. */
  promptTokens: number | null;
}

export interface EmbedFailure {
  /** Index of the input in the list given to embedAll. */
  index: number;
  error: LlmError;
}

export interface EmbedAllResult {
  /** One vector per input; null where the input failed (see failures). */
  vectors: (number[] | null)[];
  failures: EmbedFailure[];
  /** Requests sent, the retries and the split halves included. */
  requests: number;
}

/** Where a set of vectors came from, stored with it. */
export interface EmbeddingProvenance {
  provider: ProviderKind;
  host: string;
  /** Ollama's /api/version; null for OpenAI-compatible servers. */
  serverVersion: string | null;
  /** The model's digest from /api/tags; null when the server does not say. */
  modelDigest: string | null;
}

/** The model or server cannot embed at all: nothing is retried or split. */
export class EmbeddingUnavailableError extends Error {
  constructor(readonly failure: LlmError) {
    super(failure.message);
    this.name = 'EmbeddingUnavailableError';
  }
}

export type EmbeddingEvent = { type: 'retry'; host: string; model: string; attempt: number; error: string } | { type: 'split'; size: number; error: string };

export interface EmbeddingClientOptions {
  hosts: HostConfig[];
  retry?: RetryOptions | undefined;
  /** Per request (default 120 s: a cold model load included). */
  timeoutMs?: number | undefined;
  onEvent?: ((event: EmbeddingEvent) => void) | undefined;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Failures of the whole request, whatever its inputs: no retry, no split. */
function unavailable(error: LlmError): boolean {
  if (error.kind === 'model-not-found') return true;
  if (error.status === 501) return true;
  return /does not support embeddings|does not support embed/i.test(error.message);
}

interface EmbedProvider {
  readonly kind: ProviderKind;
  readonly host: string;
  embed(texts: string[], settings: EmbedSettings, signal: AbortSignal): Promise<EmbedBatch>;
  provenance(model: string, signal: AbortSignal): Promise<EmbeddingProvenance>;
}

class OllamaEmbedProvider implements EmbedProvider {
  readonly kind = 'ollama' as const;
  constructor(readonly host: string) {}

  private client(signal: AbortSignal): Ollama {
    return new Ollama({ host: this.host, fetch: transportFetch(this.host, signal) });
  }

  async embed(texts: string[], settings: EmbedSettings, signal: AbortSignal): Promise<EmbedBatch> {
    const r = await this.client(signal).embed({
      model: settings.model,
      input: texts,
      truncate: settings.truncate ?? true,
      ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}),
      ...(settings.keepAlive !== undefined ? { keep_alive: settings.keepAlive } : {}),
    });
    return { vectors: r.embeddings, promptTokens: typeof r.prompt_eval_count === 'number' ? r.prompt_eval_count : null };
  }

  async provenance(model: string, signal: AbortSignal): Promise<EmbeddingProvenance> {
    const client = this.client(signal);
    const [{ version }, { models }] = await Promise.all([client.version(), client.list()]);
    const want = model.includes(':') ? model : `${model}:latest`;
    const found = models.find((m) => m.name === want || m.model === want || m.name === model);
    return { provider: 'ollama', host: this.host, serverVersion: version, modelDigest: found?.digest ?? null };
  }
}

class OpenAiEmbedProvider implements EmbedProvider {
  readonly kind = 'openai' as const;
  private readonly headers: Record<string, string>;
  constructor(readonly host: string, apiKey?: string) {
    this.headers = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  }

  async embed(texts: string[], settings: EmbedSettings, signal: AbortSignal): Promise<EmbedBatch> {
    const body = { model: settings.model, input: texts, encoding_format: 'float', ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}) };
    const response = await transportFetch(this.host, signal)(`${openAiApiRoot(this.host)}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify(body),
    });
    const raw = await response.text();
    let json: { data?: { embedding?: unknown; index?: number }[]; usage?: { prompt_tokens?: number }; error?: { message?: string } | string } = {};
    try {
      json = JSON.parse(raw) as typeof json;
    } catch {
      if (response.ok) throw new LlmError('malformed-response', this.host, `the embeddings answer is not JSON: ${raw.slice(0, 80)}`);
    }
    if (!response.ok) {
      const message = typeof json.error === 'string' ? json.error : json.error?.message ?? (raw || response.statusText);
      throw Object.assign(new Error(message), { status: response.status });
    }
    const data = [...(json.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== texts.length || !data.every((d) => Array.isArray(d.embedding))) {
      throw new LlmError('malformed-response', this.host, `the embeddings answer holds ${data.length} vector(s) for ${texts.length} input(s)`);
    }
    return { vectors: data.map((d) => d.embedding as number[]), promptTokens: json.usage?.prompt_tokens ?? null };
  }

  async provenance(): Promise<EmbeddingProvenance> {
    return { provider: 'openai', host: this.host, serverVersion: null, modelDigest: null };
  }
}

export class EmbeddingClient {
  private readonly providers: { provider: EmbedProvider; limit: pLimit.Limit }[];
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;
  private readonly onEvent: (event: EmbeddingEvent) => void;
  private next = 0;
  /** Requests sent so far (attempts included). */
  requests = 0;

  constructor(options: EmbeddingClientOptions) {
    if (options.hosts.length === 0) throw new Error('EmbeddingClient needs at least one host');
    this.providers = options.hosts.map((h) => ({
      provider: h.provider === 'openai' ? new OpenAiEmbedProvider(h.url, h.apiKey) : new OllamaEmbedProvider(h.url),
      limit: pLimit(Math.max(1, h.concurrency)),
    }));
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  get provider(): ProviderKind {
    return this.providers[0]?.provider.kind ?? 'ollama';
  }

  get host(): string {
    return this.providers[0]?.provider.host ?? '';
  }

  /** Server version and model digest, for the embedding set's provenance. */
  async provenance(model: string): Promise<EmbeddingProvenance> {
    const first = this.providers[0]?.provider as EmbedProvider;
    try {
      return await first.provenance(model, AbortSignal.timeout(10_000));
    } catch {
      return { provider: first.kind, host: first.host, serverVersion: null, modelDigest: null };
    }
  }

  /** One batch in one request, retried on transient failures; throws the classified error. */
  async embedBatch(texts: string[], settings: EmbedSettings): Promise<EmbedBatch> {
    const pooled = this.providers[this.next++ % this.providers.length] as { provider: EmbedProvider; limit: pLimit.Limit };
    const { provider } = pooled;
    return backOff(
      () =>
        pooled.limit(async () => {
          this.requests++;
          const signal = AbortSignal.timeout(this.timeoutMs);
          try {
            const batch = await provider.embed(texts, settings, signal);
            if (batch.vectors.length !== texts.length) {
              throw new LlmError('malformed-response', provider.host, `${batch.vectors.length} vector(s) for ${texts.length} input(s)`);
            }
            return batch;
          } catch (error) {
            const classified = signal.aborted ? new LlmError('timeout', provider.host, `no embeddings within ${this.timeoutMs} ms`) : classifyError(error, provider.host);
            // A 501 (llama.cpp without --embeddings) is the server's nature, not a passing fault.
            if (unavailable(classified)) throw new EmbeddingUnavailableError(classified);
            throw classified;
          }
        }),
      retryBackoff(this.retry, (error, attempt) => this.onEvent({ type: 'retry', host: provider.host, model: settings.model, attempt, error: error.message })),
    );
  }

  /**
   * Every text's vector: `texts` is one batch; a batch that fails after its retries is split in
   * halves (each retried), down to single inputs; a single input that still fails is reported in
   * `failures`. EmbeddingUnavailableError (the model or server cannot embed) is thrown.
   */
  async embedAll(texts: string[], settings: EmbedSettings): Promise<EmbedAllResult> {
    const vectors: (number[] | null)[] = texts.map(() => null);
    const failures: EmbedFailure[] = [];
    const before = this.requests;
    const run = async (from: number, to: number): Promise<void> => {
      try {
        const batch = await this.embedBatch(texts.slice(from, to), settings);
        batch.vectors.forEach((v, i) => (vectors[from + i] = v));
      } catch (error) {
        if (error instanceof EmbeddingUnavailableError) throw error;
        const failure = error instanceof LlmError ? error : classifyError(error, this.host);
        // A server that cannot be reached after the retries: halves would not reach it either.
        if (failure.kind === 'connection') throw failure;
        if (to - from === 1) {
          failures.push({ index: from, error: failure });
          return;
        }
        this.onEvent({ type: 'split', size: to - from, error: failure.message });
        const mid = from + Math.ceil((to - from) / 2);
        await run(from, mid);
        await run(mid, to);
      }
    };
    if (texts.length > 0) await run(0, texts.length);
    return { vectors, failures, requests: this.requests - before };
  }
}
