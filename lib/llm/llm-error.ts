/**
 * Classified LLM failures. Every error from a provider is turned into an LlmError whose `kind`
 * decides whether it is retried and which circuit breaker it counts against:
 * - host faults (the server cannot be reached: refused, unreachable, unknown name; and 503
 *   "maximum pending requests", an overloaded server) count against the host's breaker;
 * - model faults (HTTP 500 runner crash, an `{"error": ...}` record inside a 200 stream, a
 *   connection reset mid-answer, a malformed stream, a deadline) count against the breaker of
 *   that model on that host, so one broken model never stops the others;
 * - 4xx (unknown model, rejected option) are neither retried nor counted.
 */
export type LlmErrorKind =
  | 'timeout'
  | 'connection'
  | 'reset'
  | 'server'
  | 'stream-error'
  | 'malformed-response'
  | 'model-not-found'
  | 'bad-request'
  | 'circuit-open'
  | 'unknown';

const RETRYABLE: Record<LlmErrorKind, boolean> = {
  timeout: true,
  connection: true,
  reset: true,
  server: true,
  'stream-error': true,
  'malformed-response': true,
  'model-not-found': false,
  'bad-request': false,
  'circuit-open': false,
  unknown: false,
};

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly host: string;

  constructor(kind: LlmErrorKind, host: string, message: string, status?: number) {
    super(message);
    this.name = 'LlmError';
    this.kind = kind;
    this.host = host;
    this.status = status;
  }

  get retryable(): boolean {
    return RETRYABLE[this.kind];
  }

  /** Which breaker a failure counts against: the host's, the (host, model)'s, or none. */
  get breakerScope(): 'host' | 'model' | undefined {
    if (!this.retryable) return undefined;
    if (this.kind === 'connection') return 'host';
    if (this.kind === 'server' && this.status === 503) return 'host';
    return 'model';
  }
}

/** Why an abort happened, set as the AbortController's reason by the deadline. */
export class DeadlineExceeded extends Error {
  constructor(readonly what: 'total' | 'idle' | 'first-token', readonly limitMs: number) {
    super(
      what === 'total' ? `no complete answer within ${limitMs} ms` : what === 'idle' ? `no data for ${limitMs} ms mid-answer` : `no first token within ${limitMs} ms`,
    );
    this.name = 'DeadlineExceeded';
  }
}

const OPTION_REJECTED = /option "?[\w.]+"? must be of type|invalid option/i;

/** The server cannot be reached at all. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** The server was reached and then dropped the connection (a runner crash mid-answer, a proxy cut). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps whatever a provider threw to an LlmError. `signal` tells a deadline abort from others. */
export function classifyError(error: unknown, host: string, signal?: AbortSignal): LlmError {
  if (error instanceof LlmError) return error;
  if (signal?.aborted && signal.reason instanceof DeadlineExceeded) {
    return new LlmError('timeout', host, signal.reason.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status_code?: unknown; status?: unknown }).status_code ?? (error as { status?: unknown }).status;
  if (typeof status === 'number') {
    if (status === 404 && /not found/i.test(message)) return new LlmError('model-not-found', host, message, status);
    // Ollama answers a wrongly typed option with a 500; it is the request, not the server.
    if (status >= 500 && OPTION_REJECTED.test(message)) return new LlmError('bad-request', host, `HTTP ${status}: ${message}`, status);
    if (status >= 500) return new LlmError('server', host, `HTTP ${status}: ${message}`, status);
    if (status >= 400) return new LlmError('bad-request', host, `HTTP ${status}: ${message}`, status);
  }
  const code = causeCode(error);
  if (code && CONNECTION_CODES.has(code)) return new LlmError('connection', host, `${code}: cannot reach ${host}`);
  if (code && RESET_CODES.has(code)) return new LlmError('reset', host, `${code}: ${host} closed the connection`);
  if (error instanceof TypeError && /terminated|socket|other side closed/i.test(message)) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = code ?? (cause instanceof Error ? cause.message : undefined);
    return new LlmError('reset', host, `${message}${detail ? ` (${detail})` : ''}: ${host} closed the connection`);
  }
  if (error instanceof TypeError && /fetch failed/i.test(message)) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = code ?? (cause instanceof Error ? cause.message : undefined);
    return new LlmError('connection', host, `${message}${detail ? ` (${detail})` : ''}: cannot reach ${host}`);
  }
  return new LlmError('unknown', host, message);
}
