/**
 * Fault injection: a FIFO queue of faults, each consumed by the next matching request(s), and one
 * typed handler per fault kind (a Record<FaultKind, ...>, so adding a kind without a handler does
 * not compile).
 */
import type { Fault, FaultKind } from './types';

/** Go's %q for the plain strings model names are (JSON quoting matches it for printable ASCII). */
const goQuote = (s: string): string => JSON.stringify(s);

/** Ollama's texts for the errors the fake answers with (see README.md for their sources). */
export const ERRORS = {
  /** llm/server.go: what a request gets when the runner crashed (current versions). */
  runnerStopped:
    'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details',
  /** llm/server.go: the older text for a crashed runner (still produced while a runner is starting). */
  runnerTerminated: 'llama runner process has terminated: exit status 2',
  /** server/sched.go ErrMaxQueue (two spaces after the period). */
  serverBusy: 'server busy, please try again.  maximum pending requests exceeded',
  streamEof: 'an error was encountered while running the model: unexpected EOF',
  /** server/routes.go GenerateHandler/ChatHandler/ShowHandler: the model is not pulled. */
  modelNotFound: (model: string): string => `model '${model}' not found`,
  /** server/routes.go handleScheduleError (os.ErrNotExist while scheduling); older versions' text. */
  modelNotFoundPull: (model: string): string => `model ${goQuote(model)} not found, try pulling it first`,
  /** server/routes.go (0.12.5+): `think` set (not false) for a model without the thinking capability. */
  noThinking: (model: string): string => `${goQuote(model)} does not support thinking`,
  /** server/routes.go GenerateHandler/ChatHandler: a model without the completion capability (an embedding model). */
  noCompletion: (model: string, endpoint: 'generate' | 'chat'): string => `${goQuote(model)} does not support ${endpoint}`,
  /**
   * /api/embed on a model without embeddings, Ollama 0.30+: llama-server runs it without
   * `--embedding` and its 501 text comes through (llm/llama_server.go normalizeEmbeddingError).
   */
  noEmbeddings: 'This server does not support embeddings. Start it with `--embeddings`',
  /** The same before 0.30: runner/ollamarunner/runner.go's 501, which EmbedHandler returned as a 500. */
  noEmbeddingsRunner: 'this model does not support embeddings',
  /** EmbedHandler, truncate: false and an input longer than the context (0.30+: api.StatusError 400). */
  embedTooLong: 'the input length exceeds the context length',
  /** The same before 0.30 (server/routes.go v0.12.0). */
  embedTooLongOld: 'input exceeds maximum context length',
} as const;

/**
 * What a response must look like; the default is a plain, healthy response. "Chunks" are the
 * streamed lines before the final one (thinking chunks included).
 */
export interface ResponseShape {
  /** Wait before the first byte (status line included). */
  firstByteDelayMs: number;
  /** Write this many chunks, then nothing more (the socket stays open). */
  hangAfterChunks?: number;
  /** After this many chunks, the next line is truncated JSON (it replaces that chunk). */
  malformedAfterChunks?: number;
  /** After this many chunks, write {"error": errorMessage} and end. */
  errorAfterChunks?: number;
  errorMessage?: string;
  /** Write this many chunks, then destroy the socket (no final line). */
  resetAfterChunks?: number;
}

export const HEALTHY: ResponseShape = { firstByteDelayMs: 0 };

export type FaultEffect =
  | { type: 'reply'; status: number; error: string }
  | { type: 'reset' }
  | { type: 'shape'; shape: ResponseShape };

/** What a fault handler (and a fault's `match`) may look at. */
export interface FaultRequestInfo {
  path: string;
  /** The model named by the request, as sent; '' when none. */
  model: string;
  /** Prompt, system prompt and chat message contents. */
  texts: string[];
}

type FaultHandler = (fault: Fault, req: FaultRequestInfo) => FaultEffect;

export const FAULT_HANDLERS: Record<FaultKind, FaultHandler> = {
  'slow-first-token': (f) => ({ type: 'shape', shape: { firstByteDelayMs: f.delayMs ?? 1000 } }),
  'hang-mid-stream': (f) => ({ type: 'shape', shape: { firstByteDelayMs: f.delayMs ?? 0, hangAfterChunks: f.afterChunks ?? 2 } }),
  'http-500': () => ({ type: 'reply', status: 500, error: ERRORS.runnerStopped }),
  'http-500-terminated': () => ({ type: 'reply', status: 500, error: ERRORS.runnerTerminated }),
  'http-503': () => ({ type: 'reply', status: 503, error: ERRORS.serverBusy }),
  'connection-reset': () => ({ type: 'reset' }),
  'reset-mid-stream': (f) => ({ type: 'shape', shape: { firstByteDelayMs: f.delayMs ?? 0, resetAfterChunks: f.afterChunks ?? 1 } }),
  'malformed-json': (f) => ({
    type: 'shape',
    shape: { firstByteDelayMs: f.delayMs ?? 0, malformedAfterChunks: f.afterChunks ?? 1 },
  }),
  'error-in-stream': (f) => ({
    type: 'shape',
    shape: { firstByteDelayMs: f.delayMs ?? 0, errorAfterChunks: f.afterChunks ?? 2, errorMessage: ERRORS.streamEof },
  }),
  'unknown-model': (_f, req) => ({ type: 'reply', status: 404, error: ERRORS.modelNotFound(req.model) }),
};

interface Queued {
  fault: Fault;
  remaining: number;
}

function matches(fault: Fault, req: FaultRequestInfo): boolean {
  const m = fault.match;
  if (!m) return true;
  if (m.path !== undefined && m.path !== req.path) return false;
  if (m.model !== undefined && m.model !== req.model) return false;
  if (m.promptIncludes !== undefined && !req.texts.some((t) => t.includes(m.promptIncludes as string))) return false;
  return true;
}

export class FaultQueue {
  private queue: Queued[] = [];

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (times !== Number.POSITIVE_INFINITY && (!Number.isInteger(times) || times < 1)) {
      throw new Error(`fake-ollama: fault.times must be a positive integer or Infinity, got ${times}`);
    }
    if (!(fault.kind in FAULT_HANDLERS)) throw new Error(`fake-ollama: unknown fault kind ${String(fault.kind)}`);
    this.queue.push({ fault: { ...fault }, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  /** Consumes one use of the oldest fault matching `req`; null when none does. */
  take(req: FaultRequestInfo): { kind: FaultKind; effect: FaultEffect } | null {
    const idx = this.queue.findIndex((q) => matches(q.fault, req));
    if (idx < 0) return null;
    const q = this.queue[idx] as Queued;
    q.remaining -= 1;
    if (q.remaining <= 0) this.queue.splice(idx, 1);
    return { kind: q.fault.kind, effect: FAULT_HANDLERS[q.fault.kind](q.fault, req) };
  }
}
