/**
 * Ollama through the official `ollama` client. A client object is made per request around a
 * fetch bound to that request's abort signal (see http-transport.ts), so timeouts abort exactly
 * one request. Answers are always streamed: that gives time to first token, lets the idle
 * watchdog see progress, and the final `done` record carries Ollama's own timings (ns).
 * A thinking model's `thinking` chunks are collected apart from the answer, with the time spent
 * on them. The answer format is a JSON Schema on servers that take one (Ollama >= 0.5.0, read
 * from /api/version), else "json".
 */
import { Ollama } from 'ollama';
import type { CallControl, LlmProvider, ModelInfo, ProviderRequest, ProviderResponse, ServerTimings } from './types';
import { splitThinking } from './thinking';
import { transportFetch } from './http-transport';
import { LlmError } from './llm-error';

const NS_PER_SECOND = 1e9;

interface DoneRecord {
  done: boolean;
  response?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function timingsFromDone(done: DoneRecord): ServerTimings {
  const evalNs = numberOrNull(done.eval_duration);
  const evalTokens = numberOrNull(done.eval_count);
  return {
    totalNs: numberOrNull(done.total_duration),
    loadNs: numberOrNull(done.load_duration),
    promptEvalNs: numberOrNull(done.prompt_eval_duration),
    evalNs,
    promptTokens: numberOrNull(done.prompt_eval_count),
    evalTokens,
    tokensPerSecond: evalNs && evalTokens !== null && evalNs > 0 ? (evalTokens * NS_PER_SECOND) / evalNs : null,
  };
}

export class OllamaProvider implements LlmProvider {
  readonly kind = 'ollama' as const;

  constructor(readonly host: string) {}

  private client(signal: AbortSignal): Ollama {
    return new Ollama({ host: this.host, fetch: transportFetch(this.host, signal) });
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const client = this.client(signal);
    const [tags, running] = await Promise.all([client.list(), client.ps()]);
    const loaded = new Map(running.models.map((m) => [m.name, m]));
    return tags.models.map((m) => ({
      name: m.name,
      host: this.host,
      sizeBytes: numberOrNull(m.size),
      family: m.details?.family ?? null,
      parameterSize: m.details?.parameter_size ?? null,
      quantization: m.details?.quantization_level ?? null,
      loaded: loaded.has(m.name),
      sizeVramBytes: numberOrNull(loaded.get(m.name)?.size_vram),
    }));
  }

  async supportsSchemas(signal: AbortSignal): Promise<boolean> {
    const { version } = await this.client(signal).version();
    return schemaCapable(version);
  }

  async generate(request: ProviderRequest, control: CallControl): Promise<ProviderResponse> {
    const started = performance.now();
    const stream = await this.client(control.signal).generate({
      model: request.model,
      prompt: request.prompt,
      ...(request.system !== undefined ? { system: request.system } : {}),
      ...(request.options ? { options: request.options as Record<string, never> } : {}),
      ...(request.format ? { format: request.format === 'json' ? 'json' : request.format.schema } : {}),
      ...(request.think !== undefined ? { think: request.think } : {}),
      ...(request.keepAlive !== undefined ? { keep_alive: request.keepAlive } : {}),
      stream: true,
    });
    let text = '';
    let thinking = '';
    let ttftMs: number | null = null;
    let thinkingStarted: number | null = null;
    let answerStarted: number | null = null;
    let done: DoneRecord | undefined;
    try {
      for await (const chunk of stream) {
        control.onChunk();
        const now = performance.now();
        const thought = typeof chunk.thinking === 'string' ? chunk.thinking : '';
        if (thought !== '') {
          thinkingStarted ??= now;
          thinking += thought;
        }
        if (chunk.response !== '') answerStarted ??= now;
        if (ttftMs === null && (chunk.response !== '' || thought !== '')) ttftMs = now - started;
        text += chunk.response;
        if (chunk.done) done = chunk as DoneRecord;
      }
    } catch (error) {
      // ollama-js raises an `{"error": ...}` record inside a 200 stream as a plain Error; the
      // model failed mid-answer (often a runner crash), which a retry may get past.
      const plain = error instanceof Error && error.constructor === Error && !control.signal.aborted;
      if (plain) throw new LlmError('stream-error', this.host, `error inside the answer stream: ${(error as Error).message}`);
      throw error;
    }
    if (!done) throw new LlmError('malformed-response', this.host, 'the answer stream ended without its final "done" record');
    // Models whose thinking Ollama cannot split put <think> blocks in the answer itself.
    const inline = splitThinking(text);
    if (inline.thinking !== '') {
      thinking = thinking === '' ? inline.thinking : `${thinking}\n\n${inline.thinking}`;
      text = inline.answer;
    }
    const thinkingMs = thinkingStarted !== null ? (answerStarted ?? performance.now()) - thinkingStarted : null;
    // Ollama counts thinking tokens in eval_count and reports no separate figure.
    return { text, thinking, timings: timingsFromDone(done), ttftMs, thinkingMs, thinkingTokens: null };
  }
}

/** JSON Schema formats arrived in Ollama 0.5.0; older servers only take "json". */
export const SCHEMA_FORMAT_SINCE = [0, 5, 0] as const;

export function schemaCapable(version: string): boolean {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  // Development builds report 0.0.0; treat an unreadable version as current.
  if (!parts || version.startsWith('0.0.0')) return true;
  const [major, minor, patch] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const [a, b, c] = SCHEMA_FORMAT_SINCE;
  return major !== a ? major > a : minor !== b ? minor > b : patch >= c;
}
