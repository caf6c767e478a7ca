/**
 * Routing and the endpoint handlers. Status codes and error texts follow Ollama's server/routes.go
 * (see README.md in this folder for where the fake knowingly differs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ERRORS, FaultQueue, HEALTHY, type FaultRequestInfo, type ResponseShape } from './faults';
import { contextTokens, generate, metrics, type Generation } from './generation';
import { checkGoStruct, decodeJsonBody, keepAliveMs, type GoStruct } from './go-json';
import { hang, NDJSON_TYPE, sendError, sendJson, sendShapedJson, sendText, sleep, truncateJson } from './http-util';
import type { ModelStore } from './models';
import { validateOptions } from './options';
import type { FakeModel, RecordedRequest, RespondRequest } from './types';

export interface ServerState {
  store: ModelStore;
  faults: FaultQueue;
  requests: RecordedRequest[];
  respond: (req: RespondRequest) => string;
  tokenDelayMs: number;
  chunkSize: number;
  version: string;
  /** Aborted when the server closes. */
  closing: AbortSignal;
}

interface Ctx {
  state: ServerState;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: unknown;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  shape: ResponseShape;
}

type Handler = (ctx: Ctx) => Promise<void> | void;

const GENERATE_REQUEST: GoStruct = {
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
    format: 'any',
    keep_alive: 'duration',
    options: 'map',
  },
};

const CHAT_REQUEST: GoStruct = {
  name: 'ChatRequest',
  fields: { model: 'string', messages: 'messages', stream: 'bool', format: 'any', keep_alive: 'duration', options: 'map' },
};

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
  if (structError) return sendError(ctx.res, 400, structError);
  const body = asRecord(ctx.body);
  const name = str(body['model']) || str(body['name']);
  if (name === '') return sendError(ctx.res, 400, 'model is required');
  const model = ctx.state.store.find(name);
  if (!model) return sendError(ctx.res, 404, `model '${name}' not found`);
  return sendShapedJson(ctx.res, ctx.signal, ctx.shape, ctx.state.store.show(model));
};

// ---------------------------------------------------------------------------------------------
// Inference: /api/generate and /api/chat

interface Inference {
  model: FakeModel;
  modelName: string;
  respondReq: RespondRequest;
  promptTexts: string[];
  keepAlive: number;
  stream: boolean;
}

/** Checks shared by generate and chat after the request-specific ones; null when it answered. */
function validateInference(ctx: Ctx, body: Record<string, unknown>): { model: FakeModel; options: Record<string, unknown> | undefined } | null {
  const name = str(body['model']);
  if (name === '') {
    sendError(ctx.res, 400, 'model is required');
    return null;
  }
  const model = ctx.state.store.find(name);
  if (!model) {
    sendError(ctx.res, 404, ERRORS.modelNotFound(name));
    return null;
  }
  const options = body['options'] === undefined || body['options'] === null ? undefined : asRecord(body['options']);
  const optionError = validateOptions(options);
  if (optionError) {
    sendError(ctx.res, 400, optionError);
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
  const structError = checkGoStruct(ctx.body, GENERATE_REQUEST);
  if (structError) return sendError(ctx.res, 400, structError);
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

  const v = validateInference(ctx, body);
  if (!v) return;
  const system = str(body['system']);
  if (body['raw'] === true && (str(body['template']) !== '' || system !== '' || Array.isArray(body['context']))) {
    return sendError(ctx.res, 400, 'raw mode does not support template, system, or context');
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
  if (fmtError) return sendError(ctx.res, 500, fmtError);

  const respondReq: RespondRequest = { endpoint: 'generate', model: name, prompt };
  if (system !== '') respondReq.system = system;
  if (v.options) respondReq.options = v.options;
  if (body['format'] !== undefined && body['format'] !== null) respondReq.format = body['format'];
  await runInference(ctx, {
    model: v.model,
    modelName: name,
    respondReq,
    promptTexts: [system, prompt],
    keepAlive,
    stream: body['stream'] !== false,
  });
};

const chatHandler: Handler = async (ctx) => {
  const structError = checkGoStruct(ctx.body, CHAT_REQUEST);
  if (structError) return sendError(ctx.res, 400, structError);
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

  const v = validateInference(ctx, body);
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
  if (fmtError) return sendError(ctx.res, 500, fmtError);

  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const firstSystem = messages.find((m) => m.role === 'system');
  const respondReq: RespondRequest = { endpoint: 'chat', model: name, prompt: lastUser?.content ?? '', messages };
  if (firstSystem) respondReq.system = firstSystem.content;
  if (v.options) respondReq.options = v.options;
  if (body['format'] !== undefined && body['format'] !== null) respondReq.format = body['format'];
  await runInference(ctx, {
    model: v.model,
    modelName: name,
    respondReq,
    promptTexts: messages.map((m) => m.content),
    keepAlive,
    stream: body['stream'] !== false,
  });
};

async function runInference(ctx: Ctx, inf: Inference): Promise<void> {
  const { store, tokenDelayMs, chunkSize } = ctx.state;
  let answer: string;
  try {
    answer = ctx.state.respond(inf.respondReq);
  } catch (e) {
    return sendError(ctx.res, 500, `fake-ollama respond() threw: ${e instanceof Error ? e.message : String(e)}`);
  }

  const wasLoaded = store.isLoaded(inf.model);
  // Loaded from now on; the keep-alive countdown starts when the request finishes.
  store.touch(inf.model, Math.max(inf.keepAlive, 60_000));

  const gen = generate({ answer, promptTexts: inf.promptTexts, options: inf.respondReq.options, tokenDelayMs, chunkSize });
  const m = metrics(gen, {
    tokenDelayMs,
    wasLoaded,
    sizeBytes: inf.model.sizeBytes,
    firstTokenDelayMs: ctx.shape.firstByteDelayMs,
  });
  const isChat = inf.respondReq.endpoint === 'chat';
  const head = (): { model: string; created_at: string } => ({ model: inf.modelName, created_at: nowIso() });
  const chunkLine = (content: string): unknown =>
    isChat
      ? { ...head(), message: { role: 'assistant', content }, done: false }
      : { ...head(), response: content, done: false };
  const finalLine = (content: string): unknown =>
    isChat
      ? { ...head(), message: { role: 'assistant', content }, done_reason: gen.doneReason, done: true, ...m }
      : {
          ...head(),
          response: content,
          done: true,
          done_reason: gen.doneReason,
          context: contextTokens([...inf.promptTexts, gen.text], m.prompt_eval_count + m.eval_count),
          ...m,
        };

  try {
    if (inf.stream) await writeStream(ctx, gen, chunkLine, () => finalLine(''));
    else await sendShapedJson(ctx.res, ctx.signal, ctx.shape, finalLine(gen.text), sum(gen.chunkDelaysMs));
  } finally {
    store.touch(inf.model, inf.keepAlive);
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** NDJSON stream: one line per chunk, then the final line; the status line goes out with the first line. */
async function writeStream(ctx: Ctx, gen: Generation, chunkLine: (c: string) => unknown, finalLine: () => unknown): Promise<void> {
  const { res, signal, shape } = ctx;
  const writeLine = (text: string): void => {
    if (res.destroyed || res.writableEnded) return;
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': NDJSON_TYPE });
    res.write(`${text}\n`);
  };
  const n = gen.chunks.length;
  const at = (k: number | undefined): number | undefined => (k === undefined ? undefined : Math.max(0, Math.min(k, n)));
  const hangAt = at(shape.hangAfterChunks);
  const errorAt = at(shape.errorAfterChunks);
  const malformedAt = at(shape.malformedAfterChunks);

  if (!(await sleep(shape.firstByteDelayMs, signal))) return void res.destroy();
  for (let i = 0; i <= n; i++) {
    if (i === hangAt) return hang(res, signal);
    if (i === errorAt) {
      writeLine(JSON.stringify({ error: shape.errorMessage ?? 'unexpected error' }));
      res.end();
      return;
    }
    if (i === n) break;
    if (!(await sleep(gen.chunkDelaysMs[i] ?? 0, signal))) return void res.destroy();
    const line = JSON.stringify(chunkLine(gen.chunks[i] as string));
    writeLine(i === malformedAt ? truncateJson(line) : line);
  }
  const last = JSON.stringify(finalLine());
  writeLine(malformedAt === n ? truncateJson(last) : last);
  res.end();
}

// ---------------------------------------------------------------------------------------------
// Routing

interface Route {
  methods: Partial<Record<string, Handler>>;
  /** Reads a JSON body (POST endpoints). */
  json: boolean;
}

const ROUTES: Record<string, Route> = {
  '/': { methods: { GET: root, HEAD: root }, json: false },
  '/api/version': { methods: { GET: version, HEAD: version }, json: false },
  '/api/tags': { methods: { GET: tags, HEAD: tags }, json: false },
  '/api/ps': { methods: { GET: ps }, json: false },
  '/api/show': { methods: { POST: show }, json: true },
  '/api/generate': { methods: { POST: generateHandler }, json: true },
  '/api/chat': { methods: { POST: chatHandler }, json: true },
};

/** Real Ollama endpoints this fake does not implement: answered 501 so a test notices at once. */
const UNIMPLEMENTED: Record<string, string> = {
  '/api/pull': 'POST',
  '/api/push': 'POST',
  '/api/create': 'POST',
  '/api/copy': 'POST',
  '/api/delete': 'DELETE',
  '/api/embed': 'POST',
  '/api/embeddings': 'POST',
};

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function faultInfo(path: string, body: unknown): FaultRequestInfo {
  const b = asRecord(body);
  const texts = [str(b['prompt']), str(b['system'])];
  if (Array.isArray(b['messages'])) for (const m of b['messages']) texts.push(str(asRecord(m)['content']));
  return { path, model: str(b['model']) || str(b['name']), texts: texts.filter((t) => t !== '') };
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
    const record: RecordedRequest = { method, path, body: undefined, rawBody, at };
    state.requests.push(record);

    const route = ROUTES[path];
    if (!route) {
      if (UNIMPLEMENTED[path] === method) return sendError(res, 501, `fake-ollama does not implement ${method} ${path}`);
      return sendText(res, 404, '404 page not found', 'text/plain');
    }
    const handler = route.methods[method];
    if (!handler) return sendText(res, 405, '405 method not allowed', 'text/plain');

    let body: unknown;
    if (route.json) {
      const decoded = decodeJsonBody(rawBody);
      if (!decoded.ok) return sendError(res, 400, decoded.error);
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
      if (effect.type === 'reply') return sendError(res, effect.status, effect.error);
      shape = effect.shape;
    }

    await handler({ state, req, res, path, body, signal: abort.signal, shape });
  } catch (e) {
    if (!res.headersSent && !res.destroyed) sendError(res, 500, `fake-ollama internal error: ${e instanceof Error ? e.message : String(e)}`);
    else res.destroy();
  }
}
