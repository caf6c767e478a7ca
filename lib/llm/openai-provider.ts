/**
 * OpenAI-compatible servers (LM Studio, vLLM, llama.cpp server, Ollama's /v1): chat completions
 * streamed as server-sent events (parsed with `eventsource-parser`), models from /v1/models.
 * Only options the OpenAI API has are passed (num_predict becomes max_tokens); any other option
 * is an error rather than silently dropped. Token counts come from the final usage record;
 * llama.cpp's extra `timings` record is read when present.
 */
import { createParser } from 'eventsource-parser';
import type { CallControl, GenerateRequest, LlmProvider, ModelInfo, ProviderResponse, ServerTimings } from './types';
import { NO_TIMINGS } from './types';
import { transportFetch } from './http-transport';
import { LlmError } from './llm-error';

const NS_PER_MS = 1e6;
/** Ollama option name -> OpenAI request field. */
const OPTION_FIELDS: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'top_p',
  seed: 'seed',
  num_predict: 'max_tokens',
  stop: 'stop',
  presence_penalty: 'presence_penalty',
  frequency_penalty: 'frequency_penalty',
};

interface ChatChunk {
  choices?: { delta?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  timings?: { prompt_ms?: number; predicted_ms?: number; predicted_per_second?: number };
  error?: { message?: string } | string;
}

export function openAiBody(request: GenerateRequest, host: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: [
      ...(request.system !== undefined ? [{ role: 'system', content: request.system }] : []),
      { role: 'user', content: request.prompt },
    ],
    stream: true,
    stream_options: { include_usage: true },
  };
  for (const [option, value] of Object.entries(request.options ?? {})) {
    const field = OPTION_FIELDS[option];
    if (field === undefined) {
      throw new LlmError(
        'bad-request',
        host,
        `option '${option}' is not supported by OpenAI-compatible servers (supported: ${Object.keys(OPTION_FIELDS).join(', ')})`,
      );
    }
    body[field] = value;
  }
  if (request.format === 'json') body['response_format'] = { type: 'json_object' };
  return body;
}

export class OpenAiProvider implements LlmProvider {
  readonly kind = 'openai' as const;

  constructor(readonly host: string, private readonly apiKey = 'benchlab') {}

  private async post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const response = await transportFetch(this.host, signal)(`${this.host}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await httpError(response, this.host);
    return response;
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const response = await transportFetch(this.host, signal)(`${this.host}/v1/models`, {
      headers: { authorization: `Bearer ${this.apiKey}` },
    });
    if (!response.ok) throw await httpError(response, this.host);
    const json = (await response.json()) as { data?: { id: string }[] };
    return (json.data ?? []).map((m) => ({
      name: m.id, host: this.host, sizeBytes: null, family: null, parameterSize: null, quantization: null, loaded: false, sizeVramBytes: null,
    }));
  }

  async generate(request: GenerateRequest, control: CallControl): Promise<ProviderResponse> {
    const started = performance.now();
    const response = await this.post('/v1/chat/completions', openAiBody(request, this.host), control.signal);
    if (!response.body) throw new LlmError('malformed-response', this.host, 'empty response body');
    let text = '';
    let ttftMs: number | null = null;
    let finished = false;
    let timings: ServerTimings = { ...NO_TIMINGS };
    let failure: LlmError | undefined;
    const parser = createParser({
      onEvent: (event) => {
        if (event.data === '[DONE]') {
          finished = true;
          return;
        }
        let chunk: ChatChunk;
        try {
          chunk = JSON.parse(event.data) as ChatChunk;
        } catch {
          failure ??= new LlmError('malformed-response', this.host, `an event of the answer stream is not JSON: ${event.data.slice(0, 80)}`);
          return;
        }
        if (chunk.error) {
          failure ??= new LlmError('stream-error', this.host, typeof chunk.error === 'string' ? chunk.error : chunk.error.message ?? 'error');
          return;
        }
        const delta = chunk.choices?.[0]?.delta?.content ?? '';
        if (ttftMs === null && delta !== '') ttftMs = performance.now() - started;
        text += delta;
        if (chunk.usage) {
          timings = { ...timings, promptTokens: chunk.usage.prompt_tokens ?? null, evalTokens: chunk.usage.completion_tokens ?? null };
        }
        if (chunk.timings) {
          timings = {
            ...timings,
            promptEvalNs: chunk.timings.prompt_ms !== undefined ? chunk.timings.prompt_ms * NS_PER_MS : null,
            evalNs: chunk.timings.predicted_ms !== undefined ? chunk.timings.predicted_ms * NS_PER_MS : null,
            tokensPerSecond: chunk.timings.predicted_per_second ?? null,
          };
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      control.onChunk();
      parser.feed(decoder.decode(bytes, { stream: true }));
      if (failure) throw failure;
    }
    if (failure) throw failure;
    if (!finished) throw new LlmError('malformed-response', this.host, 'the answer stream ended without [DONE]');
    return { text, timings, ttftMs };
  }
}

async function httpError(response: Response, host: string): Promise<Error> {
  const raw = await response.text().catch(() => '');
  let message = raw;
  try {
    const json = JSON.parse(raw) as { error?: { message?: string } | string };
    message = typeof json.error === 'string' ? json.error : json.error?.message ?? raw;
  } catch {
    // not JSON: keep the text
  }
  return Object.assign(new Error(message || response.statusText), { status: response.status });
}
