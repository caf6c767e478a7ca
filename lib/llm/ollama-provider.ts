/**
 * Ollama through the official `ollama` client. A client object is made per request around a
 * fetch bound to that request's abort signal (see http-transport.ts), so timeouts abort exactly
 * one request. Answers are always streamed: that gives time to first token, lets the idle
 * watchdog see progress, and the final `done` record carries Ollama's own timings (ns).
 */
import { Ollama } from 'ollama';
import type { CallControl, GenerateRequest, LlmProvider, ModelInfo, ProviderResponse, ServerTimings } from './types';
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

  async generate(request: GenerateRequest, control: CallControl): Promise<ProviderResponse> {
    const started = performance.now();
    const stream = await this.client(control.signal).generate({
      model: request.model,
      prompt: request.prompt,
      ...(request.system !== undefined ? { system: request.system } : {}),
      ...(request.options ? { options: request.options as Record<string, never> } : {}),
      ...(request.format ? { format: request.format } : {}),
      ...(request.keepAlive !== undefined ? { keep_alive: request.keepAlive } : {}),
      stream: true,
    });
    let text = '';
    let ttftMs: number | null = null;
    let done: DoneRecord | undefined;
    try {
      for await (const chunk of stream) {
        control.onChunk();
        if (ttftMs === null && chunk.response !== '') ttftMs = performance.now() - started;
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
    return { text, timings: timingsFromDone(done), ttftMs };
  }
}
