/**
 * The OpenAI-compatible API that Ollama serves itself under /v1 (Ollama's openai package and its
 * gin middleware): request conversion to the native chat request, and conversion of the native
 * chat responses to `chat.completion` / `chat.completion.chunk` objects and OpenAI-shaped errors.
 * Modelled on Ollama 0.12 (see README.md for the differences from other versions).
 */
import type { ServerResponse } from 'node:http';

import type { GoStruct } from './go-json';
import { OPENAI_JSON_TYPE, type JsonReplier } from './http-util';
import type { ThinkValue } from './types';

/** The fields of openai.ChatCompletionRequest the fake type-checks (json.Unmarshal errors → 400). */
export const CHAT_COMPLETION_REQUEST: GoStruct = {
  name: 'ChatCompletionRequest',
  pkg: 'openai',
  fields: {
    model: 'string',
    messages: 'openai-messages',
    stream: 'bool',
    stream_options: { struct: { name: 'StreamOptions', pkg: 'openai', fields: { include_usage: 'bool' } } },
    max_tokens: 'int',
    seed: 'int',
    stop: 'any',
    temperature: 'float',
    frequency_penalty: 'float',
    presence_penalty: 'float',
    top_p: 'float',
    response_format: {
      struct: {
        name: 'ResponseFormat',
        pkg: 'openai',
        fields: { type: 'string', json_schema: { struct: { name: 'JsonSchema', pkg: 'openai', fields: { schema: 'any' } } } },
      },
    },
    reasoning: { struct: { name: 'Reasoning', pkg: 'openai', fields: { effort: 'string' } } },
    reasoning_effort: 'string',
  },
};

/** openai.NewError's `type` for a status. */
export function openAiErrorType(status: number): 'invalid_request_error' | 'not_found_error' | 'api_error' {
  if (status === 400) return 'invalid_request_error';
  if (status === 404) return 'not_found_error';
  return 'api_error';
}

export function openAiErrorBody(status: number, message: string): unknown {
  return { error: { message, type: openAiErrorType(status), param: null, code: null } };
}

/** Written with json.Encoder: Content-Type application/json and a trailing newline. */
export function sendOpenAiJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': OPENAI_JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const OPENAI_REPLIER: JsonReplier = {
  json: sendOpenAiJson,
  error: (res, status, message) => sendOpenAiJson(res, status, openAiErrorBody(status, message)),
};

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Go's %T of a decoded JSON value. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

export interface NativeChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  options: Record<string, unknown>;
  format?: unknown;
  think?: ThinkValue;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * openai.FromChatRequest plus the middleware's own checks: the native chat request, or the 400
 * error text. Messages with content parts become one message per part (text parts keep their
 * text; image parts carry no text here). Options always get temperature 1 and top_p 1 unless
 * given, as Ollama does.
 */
export function fromChatRequest(b: Record<string, unknown>): { ok: true; req: NativeChatRequest } | { ok: false; error: string } {
  const rawMessages = Array.isArray(b['messages']) ? (b['messages'] as unknown[]) : [];
  if (rawMessages.length === 0) return { ok: false, error: "[] is too short - 'messages'" };

  const messages: NativeChatRequest['messages'] = [];
  for (const raw of rawMessages) {
    const m = asRecord(raw);
    const role = typeof m['role'] === 'string' ? m['role'] : '';
    const content = m['content'];
    if (typeof content === 'string') {
      messages.push({ role, content });
    } else if (Array.isArray(content)) {
      for (const part of content) {
        const p = asRecord(part);
        if (part === null || typeof part !== 'object' || Array.isArray(part)) return { ok: false, error: 'invalid message format' };
        if (p['type'] === 'text') {
          if (typeof p['text'] !== 'string') return { ok: false, error: 'invalid message format' };
          messages.push({ role, content: p['text'] });
        } else if (p['type'] === 'image_url') {
          messages.push({ role, content: '' });
        } else {
          return { ok: false, error: 'invalid message format' };
        }
      }
    } else if (!Array.isArray(m['tool_calls'])) {
      return { ok: false, error: `invalid message content type: ${goTypeName(content)}` };
    } else {
      messages.push({ role, content: '' });
    }
  }

  const options: Record<string, unknown> = {};
  const stop = b['stop'];
  if (typeof stop === 'string') options['stop'] = [stop];
  else if (Array.isArray(stop)) options['stop'] = stop.filter((s): s is string => typeof s === 'string');
  if (typeof b['max_tokens'] === 'number') options['num_predict'] = b['max_tokens'];
  options['temperature'] = typeof b['temperature'] === 'number' ? b['temperature'] : 1.0;
  if (typeof b['seed'] === 'number') options['seed'] = b['seed'];
  if (typeof b['frequency_penalty'] === 'number') options['frequency_penalty'] = b['frequency_penalty'];
  if (typeof b['presence_penalty'] === 'number') options['presence_penalty'] = b['presence_penalty'];
  options['top_p'] = typeof b['top_p'] === 'number' ? b['top_p'] : 1.0;

  let format: unknown;
  const rf = b['response_format'];
  if (rf !== undefined && rf !== null) {
    const r = asRecord(rf);
    const type = typeof r['type'] === 'string' ? r['type'].trim().toLowerCase() : '';
    if (type === 'json_object') format = 'json';
    else if (type === 'json_schema') {
      const schema = asRecord(r['json_schema'])['schema'];
      if (schema !== undefined && schema !== null) format = schema;
    }
  }

  // Ollama 0.12.5+: reasoning.effort, else reasoning_effort; "none" turns thinking off.
  let think: ThinkValue | undefined;
  const reasoning = b['reasoning'];
  const effort =
    reasoning !== undefined && reasoning !== null
      ? String(asRecord(reasoning)['effort'] ?? '')
      : typeof b['reasoning_effort'] === 'string'
        ? b['reasoning_effort']
        : '';
  if (effort !== '') {
    if (effort === 'none') think = false;
    else if (effort === 'low' || effort === 'medium' || effort === 'high') think = effort;
    else return { ok: false, error: `invalid reasoning value: '${effort}' (must be "high", "medium", "low", or "none")` };
  }

  const req: NativeChatRequest = {
    model: typeof b['model'] === 'string' ? b['model'] : '',
    messages,
    options,
    stream: b['stream'] === true,
    includeUsage: asRecord(b['stream_options'])['include_usage'] === true,
  };
  if (format !== undefined) req.format = format;
  if (think !== undefined) req.think = think;
  return { ok: true, req };
}

/** A native /api/chat response line as the fake builds it (what Ollama's ChatWriter reads back). */
export interface NativeChatLine {
  model: string;
  created_at: string;
  message: { role: string; content: string; thinking?: string };
  done: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

function usage(r: NativeChatLine): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = r.prompt_eval_count ?? 0;
  const completion = r.eval_count ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function message(r: NativeChatLine): Record<string, unknown> {
  const m: Record<string, unknown> = { role: r.message.role, content: r.message.content };
  if (r.message.thinking) m['reasoning'] = r.message.thinking;
  return m;
}

/** openai.toChunk (0.12): every native line becomes one chunk; the done line carries finish_reason. */
export function toChunk(id: string, r: NativeChatLine): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: r.model,
    system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, delta: { ...message(r), role: 'assistant' }, finish_reason: r.done_reason ? r.done_reason : null }],
  };
}

/** The chunk after the finish chunk when stream_options.include_usage is set. */
export function toUsageChunk(finishChunk: Record<string, unknown>, r: NativeChatLine): Record<string, unknown> {
  return { ...finishChunk, choices: [], usage: usage(r) };
}

/** openai.toChatCompletion: the non-streamed answer. */
export function toChatCompletion(id: string, r: NativeChatLine): unknown {
  return {
    id,
    object: 'chat.completion',
    created: unix(r.created_at),
    model: r.model,
    system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, message: message(r), finish_reason: r.done_reason ? r.done_reason : null }],
    usage: usage(r),
  };
}

/** Go's model.ParseName(name).Namespace: 'library' unless the name says otherwise. */
function namespaceOf(name: string): string {
  const parts = name.split(':')[0]?.split('/') ?? [];
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : 'library';
}

/** openai.toListCompletion over /api/tags' models (Go's nil slice: `"data": null` when there are none). */
export function toModelList(models: Array<{ name: string; modified_at: string }>): unknown {
  return {
    object: 'list',
    data:
      models.length === 0
        ? null
        : models.map((m) => ({ id: m.name, object: 'model', created: unix(m.modified_at), owned_by: namespaceOf(m.name) })),
  };
}
