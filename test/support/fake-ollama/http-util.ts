/**
 * Small node:http helpers shared by the handlers: JSON and text replies in gin's formats, abortable
 * sleeps, and replies that honour an injected ResponseShape.
 */
import type { ServerResponse } from 'node:http';

import type { ResponseShape } from './faults';

/** gin's c.JSON content type. */
export const JSON_TYPE = 'application/json; charset=utf-8';
/** streamResponse's content type. */
export const NDJSON_TYPE = 'application/x-ndjson';
/** What Ollama's /v1 writers set for JSON bodies (json.Encoder, so the body ends with a newline). */
export const OPENAI_JSON_TYPE = 'application/json';
/** Ollama's /v1 streams: server-sent events. */
export const SSE_TYPE = 'text/event-stream';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error });
}

/** How an API writes JSON bodies and errors: Ollama's native API (gin) or its OpenAI-compatible /v1. */
export interface JsonReplier {
  json(res: ServerResponse, status: number, body: unknown): void;
  error(res: ServerResponse, status: number, message: string): void;
}

/** gin's c.JSON and {"error": "..."} bodies. */
export const NATIVE_REPLIER: JsonReplier = { json: sendJson, error: sendError };

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes nothing more until the client goes away or the server closes, then drops the socket. */
export async function hang(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (!signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  res.destroy();
}

/** Cut a JSON text in half: what a malformed/truncated line looks like. */
export function truncateJson(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/**
 * A single JSON reply under an injected shape: delayed, hanging or reset before any byte, replaced
 * by a 500 error (a non-streamed request sees a mid-generation error that way in Ollama), or
 * truncated.
 */
export async function sendShapedJson(
  res: ServerResponse,
  signal: AbortSignal,
  shape: ResponseShape,
  body: unknown,
  extraDelayMs = 0,
  replier: JsonReplier = NATIVE_REPLIER,
): Promise<void> {
  if (!(await sleep(shape.firstByteDelayMs, signal))) return void res.destroy();
  if (shape.hangAfterChunks !== undefined) return hang(res, signal);
  if (!(await sleep(extraDelayMs, signal))) return void res.destroy();
  if (shape.resetAfterChunks !== undefined) return void res.socket?.destroy();
  if (shape.errorAfterChunks !== undefined) return replier.error(res, 500, shape.errorMessage ?? 'unexpected error');
  if (shape.malformedAfterChunks !== undefined) return sendText(res, 200, truncateJson(JSON.stringify(body)), JSON_TYPE);
  replier.json(res, 200, body);
}

/** True when semver `version` is below `target` (numeric major.minor.patch; pre-release tags ignored). */
export function versionBelow(version: string, target: string): boolean {
  const parse = (v: string): number[] => {
    const nums = v.trim().replace(/^v/, '').split(/[-+]/)[0]?.split('.') ?? [];
    return [0, 1, 2].map((i) => Number.parseInt(nums[i] ?? '0', 10) || 0);
  };
  const a = parse(version);
  const b = parse(target);
  for (let i = 0; i < 3; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  }
  return false;
}
