/**
 * Routing and the endpoint handlers. Status codes and error texts follow Ollama's server/routes.go,
 * and /v1 its OpenAI compatibility layer (openai.ts); see README.md in this folder for where the
 * fake knowingly differs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ERRORS, FaultQueue, HEALTHY, type FaultRequestInfo, type ResponseShape } from './faults';
import { contextTokens, generate, metrics, type Generation, type StreamChunk } from './generation';
import { checkGoStruct, decodeJsonBody, keepAliveMs, type GoStruct } from './go-json';
import {
  hang,
  versionBelow,
  NATIVE_REPLIER,
  NDJSON_TYPE,
  sendJson,
  sendShapedJson,
  sendText,
  sleep,
  SSE_TYPE,
  truncateJson,
  type JsonReplier,
} from './http-util';
import type { ModelStore } from './models';
import {
  CHAT_COMPLETION_REQUEST,
  fromChatRequest,
  openAiErrorBody,
  OPENAI_REPLIER,
  toChatCompletion,
  toChunk,
  toModelList,
  toUsageChunk,
  type NativeChatLine,
} from './openai';
import { validateOptions } from './options';
import { embedHandler, openAiEmbedHandler } from './embed-handlers';
import type { FakeModel, RecordedRequest, RespondAnswer, RespondRequest, ThinkValue } from './types';

export interface ServerState {
  store: ModelStore;
  faults: FaultQueue;
  requests: RecordedRequest[];
  respond: (req: RespondRequest) => string | RespondAnswer;
  tokenDelayMs: number;
  /** Wait out a cold model's reported load_duration before the first byte. */
  spendLoadTime: boolean;
  chunkSize: number;
  version: string;
  /** Aborted when the server closes. */
  closing: AbortSignal;
  /** Numbers the /v1 completion ids (chatcmpl-<n>). */
  nextId: () => number;
  /** A llama.cpp server without --embeddings: embedding requests answer 501. */
  embeddingsDisabled: boolean;
}

export interface Ctx {
  state: ServerState;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: unknown;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  shape: ResponseShape;
  /** How this route's API writes JSON and errors (native, or /v1's OpenAI shapes). */
  reply: JsonReplier;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

/** `format` became json.RawMessage (JSON Schema objects) in Ollama 0.5.0; it was a Go string before. */
const formatType = (version: string): 'string' | 'any' => (versionBelow(version, '0.5.0') ? 'string' : 'any');

const generateRequest = (version: string): GoStruct => ({
  name: 'GenerateRequest',
  fields: {
    model: 'string',
    prompt: 'string',
    suffix: 'string',
    system: 'string',
    template: 'string',
    context: 'ints',
    stream: 'bool',
    raw: 'bool',
    format: formatType(version),
    keep_alive: 'duration',
    options: 'map',
    think: 'think',
  },
});

const chatRequest = (version: string): GoStruct => ({
  name: 'ChatRequest',
  fields: {
    model: 'string',
    messages: 'messages',
    stream: 'bool',
    format: formatType(version),
    keep_alive: 'duration',
    options: 'map',
    think: 'think',
  },
});

const SHOW_REQUEST: GoStruct = {
  name: 'ShowRequest',
  fields: { model: 'string', name: 'string', system: 'string', template: 'string', verbose: 'bool', options: 'map' },
};

const nowIso = (): string => new Date().toISOString();

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// ---------------------------------------------------------------------------------------------
// Simple endpoints

const root: Handler = ({ res }) => sendText(res, 200, 'Ollama is running');

const version: Handler = ({ res, signal, shape, state }) => sendShapedJson(res, signal, shape, { version: state.version });

const tags: Handler = ({ res, signal, shape, state }) => sendShapedJson(res, signal, shape, state.store.tags());

const ps: Handler = ({ res, signal, shape, state }) => sendShapedJson(res, signal, shape, state.store.ps());

const show: Handler = (ctx) => {
  const structError = checkGoStruct(ctx.body, SHOW_REQUEST);
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const body = asRecord(ctx.body);
  const name = str(body['model']) || str(body['name']);
  if (name === '') return ctx.reply.error(ctx.res, 400, 'model is required');
  const model = ctx.state.store.find(name);
  if (!model) return ctx.reply.error(ctx.res, 404, ERRORS.modelNotFound(name));
  return sendShapedJson(ctx.res, ctx.signal, ctx.shape, ctx.state.store.show(model));
};

// ---------------------------------------------------------------------------------------------
// Inference: /api/generate, /api/chat and /v1/chat/completions

/** How the answer goes out: Ollama's native NDJSON/JSON, or /v1's server-sent events/chat.completion. */
type Wire = { api: 'ollama' } | { api: 'openai'; id: string; includeUsage: boolean };

interface Inference {
  model: FakeModel;
  modelName: string;
  respondReq: RespondRequest;
  promptTexts: string[];
  keepAlive: number;
  stream: boolean;
  wire: Wire;
}

const isThinkValue = (v: unknown): v is ThinkValue => typeof v === 'boolean' || v === 'low' || v === 'medium' || v === 'high';

/**
 * Checks shared by generate and chat after the request-specific ones, in Ollama's order: model
 * name, model present, `think` against the model's capabilities, then options. Null when it answered.
 */
function validateInference(
  ctx: Ctx,
  req: { model: string; options: unknown; think: unknown; endpoint: 'generate' | 'chat' },
): { model: FakeModel; options: Record<string, unknown> | undefined } | null {
  const name = req.model;
  if (name === '') {
    ctx.reply.error(ctx.res, 400, 'model is required');
    return null;
  }
  const model = ctx.state.store.find(name);
  if (!model) {
    ctx.reply.error(ctx.res, 404, ERRORS.modelNotFound(name));
    return null;
  }
  // An embedding model cannot generate or chat (errCapabilityCompletion in server/routes.go).
  if (!(model.capabilities ?? ['completion']).includes('completion')) {
    ctx.reply.error(ctx.res, 400, ERRORS.noCompletion(name, req.endpoint));
    return null;
  }
  // Ollama 0.12.5+: `think` true or a level for a model without the capability is a 400; false is fine.
  if (req.think !== undefined && req.think !== null && req.think !== false && !(model.capabilities ?? ['completion']).includes('thinking')) {
    ctx.reply.error(ctx.res, 400, ERRORS.noThinking(name));
    return null;
  }
  const options = req.options === undefined || req.options === null ? undefined : asRecord(req.options);
  const optionError = validateOptions(options);
  if (optionError) {
    ctx.reply.error(ctx.res, 400, optionError);
    return null;
  }
  return { model, options };
}

/** Ollama's check of `format` (llm/server.go): '', null, "json" or a JSON Schema object. */
function formatError(format: unknown): string | null {
  if (format === undefined || format === null || format === '' || format === 'json') return null;
  if (typeof format === 'object' && !Array.isArray(format)) return null;
  return `invalid format: ${JSON.stringify(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`;
}

const generateHandler: Handler = async (ctx) => {
  const structError = checkGoStruct(ctx.body, generateRequest(ctx.state.version));
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const body = asRecord(ctx.body);
  const { store } = ctx.state;

  // An empty prompt with keep_alive 0 unloads the model (checked before anything else, as in Ollama).
  const prompt = str(body['prompt']);
  const name = str(body['model']);
  const existing = name === '' ? undefined : store.find(name);
  if (existing && prompt === '' && body['keep_alive'] !== undefined && keepAliveMs(body['keep_alive']) === 0) {
    store.unload(existing);
    return sendJson(ctx.res, 200, { model: name, created_at: nowIso(), response: '', done: true, done_reason: 'unload' });
  }

  const v = validateInference(ctx, { model: name, options: body['options'], think: body['think'], endpoint: 'generate' });
  if (!v) return;
  const system = str(body['system']);
  if (body['raw'] === true && (str(body['template']) !== '' || system !== '' || Array.isArray(body['context']))) {
    return ctx.reply.error(ctx.res, 400, 'raw mode does not support template, system, or context');
  }
  const keepAlive = keepAliveMs(body['keep_alive']);

  // An empty prompt only loads the model.
  if (prompt === '') {
    store.touch(v.model, keepAlive);
    return sendShapedJson(ctx.res, ctx.signal, ctx.shape, {
      model: name,
      created_at: nowIso(),
      response: '',
      done: true,
      done_reason: 'load',
    });
  }
  const fmtError = formatError(body['format']);
  if (fmtError) return ctx.reply.error(ctx.res, 500, fmtError);

  const respondReq: RespondRequest = { endpoint: 'generate', api: 'ollama', model: name, prompt };
  if (system !== '') respondReq.system = system;
  if (v.options) respondReq.options = v.options;
  if (body['format'] !== undefined && body['format'] !== null) respondReq.format = body['format'];
  if (isThinkValue(body['think'])) respondReq.think = body['think'];
  await runInference(ctx, {
    model: v.model,
    modelName: name,
    respondReq,
    promptTexts: [system, prompt],
    keepAlive,
    stream: body['stream'] !== false,
    wire: { api: 'ollama' },
  });
};

const chatHandler: Handler = async (ctx) => {
  const structError = checkGoStruct(ctx.body, chatRequest(ctx.state.version));
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const body = asRecord(ctx.body);
  const { store } = ctx.state;
  const name = str(body['model']);
  const messages = (Array.isArray(body['messages']) ? body['messages'] : [])
    .filter((m): m is Record<string, unknown> => m !== null)
    .map((m) => ({ role: str(m['role']).toLowerCase(), content: str(m['content']) }));

  const existing = name === '' ? undefined : store.find(name);
  if (existing && messages.length === 0 && body['keep_alive'] !== undefined && keepAliveMs(body['keep_alive']) === 0) {
    store.unload(existing);
    return sendJson(ctx.res, 200, {
      model: name,
      created_at: nowIso(),
      message: { role: 'assistant', content: '' },
      done_reason: 'unload',
      done: true,
    });
  }

  const v = validateInference(ctx, { model: name, options: body['options'], think: body['think'], endpoint: 'chat' });
  if (!v) return;
  const keepAlive = keepAliveMs(body['keep_alive']);

  // No messages only loads the model.
  if (messages.length === 0) {
    store.touch(v.model, keepAlive);
    return sendShapedJson(ctx.res, ctx.signal, ctx.shape, {
      model: name,
      created_at: nowIso(),
      message: { role: 'assistant', content: '' },
      done_reason: 'load',
      done: true,
    });
  }
  const fmtError = formatError(body['format']);
  if (fmtError) return ctx.reply.error(ctx.res, 500, fmtError);

  await runInference(ctx, {
    model: v.model,
    modelName: name,
    respondReq: chatRespondRequest(name, messages, v.options, body['format'], body['think'], 'ollama'),
    promptTexts: messages.map((m) => m.content),
    keepAlive,
    stream: body['stream'] !== false,
    wire: { api: 'ollama' },
  });
};

function chatRespondRequest(
  name: string,
  messages: Array<{ role: string; content: string }>,
  options: Record<string, unknown> | undefined,
  format: unknown,
  think: unknown,
  api: 'ollama' | 'openai',
): RespondRequest {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const firstSystem = messages.find((m) => m.role === 'system');
  const respondReq: RespondRequest = { endpoint: 'chat', api, model: name, prompt: lastUser?.content ?? '', messages };
  if (firstSystem) respondReq.system = firstSystem.content;
  if (options) respondReq.options = options;
  if (format !== undefined && format !== null) respondReq.format = format;
  if (isThinkValue(think)) respondReq.think = think;
  return respondReq;
}

/** POST /v1/chat/completions: Ollama's ChatMiddleware in front of the chat handler. */
const openAiChatHandler: Handler = async (ctx) => {
  const structError = checkGoStruct(ctx.body, CHAT_COMPLETION_REQUEST);
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const converted = fromChatRequest(asRecord(ctx.body));
  if (!converted.ok) return ctx.reply.error(ctx.res, 400, converted.error);
  const r = converted.req;
  const messages = r.messages.map((m) => ({ role: m.role.toLowerCase(), content: m.content }));

  const v = validateInference(ctx, { model: r.model, options: r.options, think: r.think, endpoint: 'chat' });
  if (!v) return;
  const fmtError = formatError(r.format);
  if (fmtError) return ctx.reply.error(ctx.res, 500, fmtError);

  await runInference(ctx, {
    model: v.model,
    modelName: r.model,
    respondReq: chatRespondRequest(r.model, messages, v.options, r.format, r.think, 'openai'),
    promptTexts: messages.map((m) => m.content),
    keepAlive: keepAliveMs(undefined),
    stream: r.stream,
    wire: { api: 'openai', id: `chatcmpl-${ctx.state.nextId()}`, includeUsage: r.includeUsage },
  });
};

/** GET /v1/models: /api/tags through Ollama's ListMiddleware. */
const openAiModels: Handler = (ctx) => {
  const tagsBody = ctx.state.store.tags() as { models: Array<{ name: string; modified_at: string }> };
  return sendShapedJson(ctx.res, ctx.signal, ctx.shape, toModelList(tagsBody.models), 0, ctx.reply);
};

/** `respond`'s answer as { thinking, content }, or the error text when it is neither a string nor such an object. */
function normalizeAnswer(answer: unknown): { thinking: string; content: string } | string {
  if (typeof answer === 'string') return { thinking: '', content: answer };
  const a = asRecord(answer);
  if (typeof a['content'] !== 'string' || (a['thinking'] !== undefined && typeof a['thinking'] !== 'string')) {
    return `fake-ollama respond() must return a string or { thinking?: string; content: string }, got ${JSON.stringify(answer)}`;
  }
  return { thinking: (a['thinking'] as string | undefined) ?? '', content: a['content'] };
}

/** What a stream is made of: the JSON texts of its lines/events and how they are framed. */
interface StreamFormat {
  contentType: string;
  chunk(c: StreamChunk): string;
  /** The JSON texts after the chunks (the final line; /v1: the finish chunk and the usage chunk). */
  final(): string[];
  /** An error inside a 200 stream. */
  error(message: string): string;
  frame(json: string): string;
  /** Raw text after the last frame (/v1: `data: [DONE]`). */
  end: string;
}

async function runInference(ctx: Ctx, inf: Inference): Promise<void> {
  const { store, tokenDelayMs, chunkSize } = ctx.state;
  let answer: { thinking: string; content: string };
  try {
    const normalized = normalizeAnswer(ctx.state.respond(inf.respondReq));
    if (typeof normalized === 'string') return ctx.reply.error(ctx.res, 500, normalized);
    answer = normalized;
  } catch (e) {
    return ctx.reply.error(ctx.res, 500, `fake-ollama respond() threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  // `think: false` turns thinking off: the model does not think at all.
  const thinking = inf.respondReq.think === false ? '' : answer.thinking;

  const wasLoaded = store.isLoaded(inf.model);
  // Loaded from now on; the keep-alive countdown starts when the request finishes.
  store.touch(inf.model, Math.max(inf.keepAlive, 60_000));

  const gen = generate({
    answer: answer.content,
    thinking,
    promptTexts: inf.promptTexts,
    options: inf.respondReq.options,
    tokenDelayMs,
    chunkSize,
  });
  const m = metrics(gen, {
    tokenDelayMs,
    wasLoaded,
    sizeBytes: inf.model.sizeBytes,
    firstTokenDelayMs: ctx.shape.firstByteDelayMs,
  });
  // Real Ollama spends a cold load before the first byte; the fake does when asked to.
  if (ctx.state.spendLoadTime && !wasLoaded) ctx.shape = { ...ctx.shape, firstByteDelayMs: ctx.shape.firstByteDelayMs + m.load_duration / 1e6 };
  const isChat = inf.respondReq.endpoint === 'chat';
  const head = (): { model: string; created_at: string } => ({ model: inf.modelName, created_at: nowIso() });
  const withThinking = (t: string): { thinking?: string } => (t === '' ? {} : { thinking: t });
  const chunkLine = (c: StreamChunk): Record<string, unknown> => {
    const content = c.kind === 'content' ? c.text : '';
    const think = withThinking(c.kind === 'thinking' ? c.text : '');
    return isChat
      ? { ...head(), message: { role: 'assistant', content, ...think }, done: false }
      : { ...head(), response: content, ...think, done: false };
  };
  const finalLine = (content: string, thinkingText: string): Record<string, unknown> =>
    isChat
      ? {
          ...head(),
          message: { role: 'assistant', content, ...withThinking(thinkingText) },
          done_reason: gen.doneReason,
          done: true,
          ...m,
        }
      : {
          ...head(),
          response: content,
          ...withThinking(thinkingText),
          done: true,
          done_reason: gen.doneReason,
          context: contextTokens([...inf.promptTexts, gen.thinking, gen.text], m.prompt_eval_count + m.eval_count),
          ...m,
        };
  const totalDelayMs = gen.stream.reduce((a, c) => a + c.delayMs, 0);

  try {
    const wire = inf.wire;
    if (wire.api === 'ollama') {
      if (inf.stream) {
        await writeStream(ctx, gen, {
          contentType: NDJSON_TYPE,
          chunk: (c) => JSON.stringify(chunkLine(c)),
          final: () => [JSON.stringify(finalLine('', ''))],
          error: (message) => JSON.stringify({ error: message }),
          frame: (json) => `${json}\n`,
          end: '',
        });
      } else {
        await sendShapedJson(ctx.res, ctx.signal, ctx.shape, finalLine(gen.text, gen.thinking), totalDelayMs);
      }
    } else if (inf.stream) {
      await writeStream(ctx, gen, {
        contentType: SSE_TYPE,
        chunk: (c) => JSON.stringify(toChunk(wire.id, chunkLine(c) as unknown as NativeChatLine)),
        final: () => {
          const last = finalLine('', '') as unknown as NativeChatLine;
          const finish = toChunk(wire.id, last);
          const out = [JSON.stringify(finish)];
          if (wire.includeUsage) out.push(JSON.stringify(toUsageChunk(finish, last)));
          return out;
        },
        error: (message) => JSON.stringify(openAiErrorBody(500, message)),
        frame: (json) => `data: ${json}\n\n`,
        end: 'data: [DONE]\n\n',
      });
    } else {
      const body = toChatCompletion(wire.id, finalLine(gen.text, gen.thinking) as unknown as NativeChatLine);
      await sendShapedJson(ctx.res, ctx.signal, ctx.shape, body, totalDelayMs, ctx.reply);
    }
  } finally {
    store.touch(inf.model, inf.keepAlive);
  }
}

/**
 * A streamed answer: one line/event per chunk, then the final one(s); the status line goes out
 * with the first line. Injected shapes cut it short (hang, reset, error line) or corrupt a line.
 */
async function writeStream(ctx: Ctx, gen: Generation, format: StreamFormat): Promise<void> {
  const { res, signal, shape } = ctx;
  const write = (text: string): void => {
    if (res.destroyed || res.writableEnded) return;
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': format.contentType });
    res.write(text);
  };
  const n = gen.stream.length;
  const at = (k: number | undefined): number | undefined => (k === undefined ? undefined : Math.max(0, Math.min(k, n)));
  const hangAt = at(shape.hangAfterChunks);
  const resetAt = at(shape.resetAfterChunks);
  const errorAt = at(shape.errorAfterChunks);
  const malformedAt = at(shape.malformedAfterChunks);

  if (!(await sleep(shape.firstByteDelayMs, signal))) return void res.destroy();
  for (let i = 0; i <= n; i++) {
    if (i === hangAt) return hang(res, signal);
    if (i === resetAt) {
      // Let the status line and the chunks so far reach the client, then drop the connection.
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': format.contentType }).flushHeaders();
      for (let k = 0; k < 100 && (res.socket?.writableLength ?? 0) > 0; k++) await sleep(5, signal);
      await sleep(20, signal);
      return void res.socket?.destroy();
    }
    if (i === errorAt) {
      write(format.frame(format.error(shape.errorMessage ?? 'unexpected error')));
      res.end();
      return;
    }
    if (i === n) break;
    const c = gen.stream[i] as StreamChunk;
    if (!(await sleep(c.delayMs, signal))) return void res.destroy();
    const json = format.chunk(c);
    write(format.frame(i === malformedAt ? truncateJson(json) : json));
  }
  const finals = format.final();
  finals.forEach((json, k) => write(format.frame(k === 0 && malformedAt === n ? truncateJson(json) : json)));
  write(format.end);
  res.end();
}

// ---------------------------------------------------------------------------------------------
// Routing

interface Route {
  methods: Partial<Record<string, Handler>>;
  /** Reads a JSON body (POST endpoints). */
  json: boolean;
  /** Which API's error shapes it answers with (default: Ollama's native {"error": "..."}). */
  openai?: boolean;
}

const ROUTES: Record<string, Route> = {
  '/': { methods: { GET: root, HEAD: root }, json: false },
  '/api/version': { methods: { GET: version, HEAD: version }, json: false },
  '/api/tags': { methods: { GET: tags, HEAD: tags }, json: false },
  '/api/ps': { methods: { GET: ps }, json: false },
  '/api/show': { methods: { POST: show }, json: true },
  '/api/generate': { methods: { POST: generateHandler }, json: true },
  '/api/chat': { methods: { POST: chatHandler }, json: true },
  '/api/embed': { methods: { POST: embedHandler }, json: true },
  '/v1/models': { methods: { GET: openAiModels }, json: false, openai: true },
  '/v1/chat/completions': { methods: { POST: openAiChatHandler }, json: true, openai: true },
  '/v1/embeddings': { methods: { POST: openAiEmbedHandler }, json: true, openai: true },
};

/** Real Ollama endpoints this fake does not implement: answered 501 so a test notices at once. */
const UNIMPLEMENTED: Record<string, string> = {
  '/api/pull': 'POST',
  '/api/push': 'POST',
  '/api/create': 'POST',
  '/api/copy': 'POST',
  '/api/delete': 'DELETE',
  '/api/embeddings': 'POST',
  '/v1/completions': 'POST',
};

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function faultInfo(path: string, body: unknown): FaultRequestInfo {
  const b = asRecord(body);
  const texts = [str(b['prompt']), str(b['system'])];
  // Embedding inputs (a string or a list of strings).
  if (typeof b['input'] === 'string') texts.push(b['input']);
  else if (Array.isArray(b['input'])) for (const i of b['input']) texts.push(str(i));
  if (Array.isArray(b['messages'])) {
    for (const m of b['messages']) {
      const content = asRecord(m)['content'];
      // /v1 content may be a list of parts; their text counts.
      if (Array.isArray(content)) for (const part of content) texts.push(str(asRecord(part)['text']));
      else texts.push(str(content));
    }
  }
  return { path, model: str(b['model']) || str(b['name']), texts: texts.filter((t) => t !== '') };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function handleRequest(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now();
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const abort = new AbortController();
  const onClosing = (): void => abort.abort();
  state.closing.addEventListener('abort', onClosing, { once: true });
  res.on('close', () => {
    abort.abort();
    state.closing.removeEventListener('abort', onClosing);
  });
  res.on('error', () => undefined);
  if (state.closing.aborted) abort.abort();

  try {
    const rawBody = await readBody(req);
    const record: RecordedRequest = { method, path, body: undefined, rawBody, at, headers: headersOf(req) };
    state.requests.push(record);

    const route = ROUTES[path];
    if (!route) {
      if (UNIMPLEMENTED[path] === method) {
        const replier = path.startsWith('/v1/') ? OPENAI_REPLIER : NATIVE_REPLIER;
        return replier.error(res, 501, `fake-ollama does not implement ${method} ${path}`);
      }
      return sendText(res, 404, '404 page not found', 'text/plain');
    }
    const handler = route.methods[method];
    if (!handler) return sendText(res, 405, '405 method not allowed', 'text/plain');
    const reply = route.openai ? OPENAI_REPLIER : NATIVE_REPLIER;

    let body: unknown;
    if (route.json) {
      const decoded = decodeJsonBody(rawBody);
      // /v1 binds the body with gin's ShouldBindJSON, which answers an empty body with io.EOF's text.
      if (!decoded.ok) return reply.error(res, 400, route.openai && rawBody.trim() === '' ? 'EOF' : decoded.error);
      body = decoded.value;
      record.body = body;
    } else if (rawBody.trim() !== '') {
      const decoded = decodeJsonBody(rawBody);
      if (decoded.ok) record.body = decoded.value;
    }

    let shape = HEALTHY;
    const taken = state.faults.take(faultInfo(path, body));
    if (taken) {
      record.fault = taken.kind;
      const effect = taken.effect;
      if (effect.type === 'reset') return void req.socket.destroy();
      if (effect.type === 'reply') return reply.error(res, effect.status, effect.error);
      shape = effect.shape;
    }

    await handler({ state, req, res, path, body, signal: abort.signal, shape, reply });
  } catch (e) {
    const reply = ROUTES[path]?.openai ? OPENAI_REPLIER : NATIVE_REPLIER;
    if (!res.headersSent && !res.destroyed) reply.error(res, 500, `fake-ollama internal error: ${e instanceof Error ? e.message : String(e)}`);
    else res.destroy();
  }
}
