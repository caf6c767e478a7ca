/**
 * OpenAI-compatible servers (LM Studio, vLLM, llama.cpp server, Ollama's /v1): chat completions
 * streamed as server-sent events (parsed with `eventsource-parser`), models from /v1/models.
 * The base URL may be given with or without its `/v1`. The API key comes from the environment
 * (see hosts.ts) and is only ever put in the Authorization header: never in errors or logs.
 * Only options the OpenAI API has are passed (num_predict becomes max_tokens); any other option
 * is an error rather than silently dropped. The answer schema goes as
 * `response_format: {type: "json_schema", json_schema: {name, schema}}`; `think` as
 * `reasoning_effort` (false -> "none", a level as itself, true -> the model's default).
 * Reasoning arrives in `delta.reasoning` (Ollama) or `delta.reasoning_content` (llama.cpp, vLLM)
 * and is kept apart from the answer. Token counts come from the final usage record (reasoning
 * tokens from `completion_tokens_details`); llama.cpp's extra `timings` record is read when present.
 */
import { createParser } from 'eventsource-parser';
import type { CallControl, LlmProvider, ModelInfo, ProviderRequest, ProviderResponse, ServerTimings } from './types';
import { NO_TIMINGS } from './types';
import { splitThinking } from './thinking';
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
  choices?: { delta?: { content?: string | null; reasoning?: string | null; reasoning_content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; completion_tokens_details?: { reasoning_tokens?: number } | null } | null;
  timings?: { prompt_ms?: number; predicted_ms?: number; predicted_per_second?: number };
  error?: { message?: string } | string;
}

/** The API root of a base URL given with or without its `/v1`. */
export function openAiApiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/v1$/i.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

export function openAiBody(request: ProviderRequest, host: string): Record<string, unknown> {
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
  else if (request.format) body['response_format'] = { type: 'json_schema', json_schema: { name: request.format.name, schema: request.format.schema } };
  if (request.think === false) body['reasoning_effort'] = 'none';
  else if (typeof request.think === 'string') body['reasoning_effort'] = request.think;
  return body;
}

export class OpenAiProvider implements LlmProvider {
  readonly kind = 'openai' as const;

  private readonly apiRoot: string;
  private readonly headers: Record<string, string>;

  /** `apiKey`: sent as a Bearer token when given (many local servers need none). */
  constructor(readonly host: string, apiKey?: string) {
    this.apiRoot = openAiApiRoot(host);
    this.headers = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  }

  private async post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const response = await transportFetch(this.host, signal)(`${this.apiRoot}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await httpError(response, this.host);
    return response;
  }

  async supportsSchemas(): Promise<boolean> {
    return true;
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const response = await transportFetch(this.host, signal)(`${this.apiRoot}/models`, { headers: this.headers });
    if (!response.ok) throw await httpError(response, this.host);
    const json = (await response.json()) as { data?: { id: string }[] };
    return (json.data ?? []).map((m) => ({
      name: m.id, host: this.host, sizeBytes: null, family: null, parameterSize: null, quantization: null, loaded: false, sizeVramBytes: null,
    }));
  }

  async generate(request: ProviderRequest, control: CallControl): Promise<ProviderResponse> {
    const started = performance.now();
    const response = await this.post('/chat/completions', openAiBody(request, this.host), control.signal);
    if (!response.body) throw new LlmError('malformed-response', this.host, 'empty response body');
    let text = '';
    let thinking = '';
    let thinkingTokens: number | null = null;
    let thinkingStarted: number | null = null;
    let answerStarted: number | null = null;
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
        const deltaRecord = chunk.choices?.[0]?.delta;
        const delta = deltaRecord?.content ?? '';
        const thought = deltaRecord?.reasoning ?? deltaRecord?.reasoning_content ?? '';
        const now = performance.now();
        if (thought !== '') {
          thinkingStarted ??= now;
          thinking += thought;
        }
        if (delta !== '') answerStarted ??= now;
        if (ttftMs === null && (delta !== '' || thought !== '')) ttftMs = now - started;
        text += delta;
        if (chunk.usage) {
          timings = { ...timings, promptTokens: chunk.usage.prompt_tokens ?? null, evalTokens: chunk.usage.completion_tokens ?? null };
          thinkingTokens = chunk.usage.completion_tokens_details?.reasoning_tokens ?? thinkingTokens;
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
    const inline = splitThinking(text);
    if (inline.thinking !== '') {
      thinking = thinking === '' ? inline.thinking : `${thinking}\n\n${inline.thinking}`;
      text = inline.answer;
    }
    const thinkingMs = thinkingStarted !== null ? (answerStarted ?? performance.now()) - thinkingStarted : null;
    return { text, thinking, timings, ttftMs, thinkingMs, thinkingTokens };
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
