/**
 * `POST /api/embed` and `POST /v1/embeddings`, in the order Ollama's EmbedHandler checks a request
 * (server/routes.go, v0.12.0 and main) and with its texts:
 *
 *   body decoding and Go types (400; `missing request body` for an empty body) → injected fault →
 *   `input` a string or a list of strings (else 400 `invalid input type`) → the model exists (404
 *   `model 'x' not found`, an empty name included) → options (400) → no input: 200 with
 *   `"embeddings": []` → per input: longer than the context (`num_ctx` or the model's, in words)
 *   with `truncate: false` → 400 (`the input length exceeds the context length`; before 0.30
 *   `input exceeds maximum context length`), else cut to the context → a model without the
 *   embedding capability → 501 `This server does not support embeddings. Start it with
 *   `--embeddings`` (Ollama 0.30+, where llama-server runs the model without `--embedding`),
 *   500 `this model does not support embeddings` before 0.30 → vectors normalized, cut to
 *   `dimensions` and normalized again.
 *
 * /v1/embeddings is Ollama's EmbeddingsMiddleware: `encoding_format` `float` (default) or
 * `base64` (else 400 `Invalid value for 'encoding_format' = x. Supported values: ['float',
 * 'base64'].`), `input: ""` embeds one empty string, a missing input or an empty list is 400
 * `invalid input`; the answer is `{"object":"list","data":[{"object":"embedding","embedding":[...],
 * "index":0}],"model":"...","usage":{"prompt_tokens":n,"total_tokens":n}}`, errors in the OpenAI
 * shape. With `embeddingsDisabled` the server is a llama.cpp server without `--embeddings`.
 */
import { embedText, embedTokenCount, floatsToBase64, llamaCppErrorBody, truncateToTokens } from './embedding';
import { ERRORS } from './faults';
import { coldLoadNs, OVERHEAD_NS, PROMPT_TOKEN_NS, WARM_LOAD_NS } from './generation';
import { checkGoStruct, keepAliveMs, type GoStruct } from './go-json';
import type { Ctx, Handler } from './handlers';
import { sendShapedJson, versionBelow } from './http-util';
import { sendOpenAiJson } from './openai';
import { validateOptions } from './options';

const EMBED_REQUEST: GoStruct = {
  name: 'EmbedRequest',
  fields: { model: 'string', input: 'any', keep_alive: 'duration', truncate: 'bool', dimensions: 'int', options: 'map' },
};

const OPENAI_EMBED_REQUEST: GoStruct = {
  name: 'EmbedRequest',
  fields: { input: 'any', model: 'string', dimensions: 'int', encoding_format: 'string' },
};

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

interface EmbedResult {
  model: string;
  embeddings: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

/** EmbedHandler after decoding: the answer, or the error status and text. */
function embed(ctx: Ctx, body: Record<string, unknown>): { ok: true; result: EmbedResult } | { ok: false; status: number; error: string } {
  const { state } = ctx;
  const fail = (status: number, error: string) => ({ ok: false as const, status, error });
  const inputs: string[] = [];
  const input = body['input'];
  if (typeof input === 'string') {
    if (input.length > 0) inputs.push(input);
  } else if (Array.isArray(input)) {
    for (const i of input) {
      if (typeof i !== 'string') return fail(400, 'invalid input type');
      inputs.push(i);
    }
  } else if (input !== undefined && input !== null) {
    return fail(400, 'invalid input type');
  }
  const name = typeof body['model'] === 'string' ? body['model'] : '';
  const model = name === '' ? undefined : state.store.find(name);
  if (!model) return fail(404, ERRORS.modelNotFound(name));
  const options = body['options'] === undefined || body['options'] === null ? undefined : asRecord(body['options']);
  const optionError = validateOptions(options);
  if (optionError) return fail(400, optionError);
  if (state.embeddingsDisabled) return fail(501, ERRORS.noEmbeddings);
  const wasLoaded = state.store.isLoaded(model);
  state.store.touch(model, keepAliveMs(body['keep_alive']));
  const loadNs = wasLoaded ? WARM_LOAD_NS : coldLoadNs(model.sizeBytes);
  if (inputs.length === 0) return { ok: true, result: { model: name, embeddings: [] } };

  const modern = !versionBelow(state.version, '0.30.0');
  const numCtx = typeof options?.['num_ctx'] === 'number' && options['num_ctx'] > 0 ? options['num_ctx'] : Number.POSITIVE_INFINITY;
  const contextLength = Math.min(numCtx, model.contextLength);
  const truncate = body['truncate'] !== false;
  let tokens = 0;
  const texts: string[] = [];
  for (const text of inputs) {
    const count = embedTokenCount(text);
    if (count > contextLength) {
      if (!truncate) return fail(400, modern ? ERRORS.embedTooLong : ERRORS.embedTooLongOld);
      texts.push(truncateToTokens(text, contextLength));
      tokens += contextLength;
    } else {
      texts.push(text);
      tokens += count;
    }
  }
  if (!(model.capabilities ?? ['completion']).includes('embedding') || model.embeddingLength === undefined) {
    return modern ? fail(501, ERRORS.noEmbeddings) : fail(500, ERRORS.noEmbeddingsRunner);
  }
  const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : undefined;
  const embeddings = texts.map((t) => embedText(t, model.embeddingLength as number, dimensions));
  const promptNs = tokens * PROMPT_TOKEN_NS;
  return {
    ok: true,
    result: { model: name, embeddings, total_duration: loadNs + promptNs + OVERHEAD_NS, load_duration: loadNs, prompt_eval_count: tokens },
  };
}

/** POST /api/embed */
export const embedHandler: Handler = async (ctx) => {
  const structError = checkGoStruct(ctx.body, EMBED_REQUEST);
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const answer = embed(ctx, asRecord(ctx.body));
  if (!answer.ok) return ctx.reply.error(ctx.res, answer.status, answer.error);
  await sendShapedJson(ctx.res, ctx.signal, ctx.shape, answer.result);
};

/** POST /v1/embeddings: Ollama's EmbeddingsMiddleware, or a llama.cpp server without --embeddings. */
export const openAiEmbedHandler: Handler = async (ctx) => {
  if (ctx.state.embeddingsDisabled) return sendOpenAiJson(ctx.res, 501, llamaCppErrorBody(501, ERRORS.noEmbeddings));
  const structError = checkGoStruct(ctx.body, OPENAI_EMBED_REQUEST);
  if (structError) return ctx.reply.error(ctx.res, 400, structError);
  const body = asRecord(ctx.body);
  const format = typeof body['encoding_format'] === 'string' ? body['encoding_format'] : '';
  if (format !== '' && format.toLowerCase() !== 'float' && format.toLowerCase() !== 'base64') {
    return ctx.reply.error(ctx.res, 400, `Invalid value for 'encoding_format' = ${format}. Supported values: ['float', 'base64'].`);
  }
  let input = body['input'];
  if (input === '') input = [''];
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0)) return ctx.reply.error(ctx.res, 400, 'invalid input');
  const answer = embed(ctx, { model: body['model'], input, ...(body['dimensions'] !== undefined ? { dimensions: body['dimensions'] } : {}) });
  if (!answer.ok) return ctx.reply.error(ctx.res, answer.status, answer.error);
  const base64 = format.toLowerCase() === 'base64';
  const tokens = answer.result.prompt_eval_count ?? 0;
  const list = {
    object: 'list',
    data: answer.result.embeddings.map((e, index) => ({ object: 'embedding', embedding: base64 ? floatsToBase64(e) : e, index })),
    model: answer.result.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  await sendShapedJson(ctx.res, ctx.signal, ctx.shape, list, 0, ctx.reply);
};
