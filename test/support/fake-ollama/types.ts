/**
 * Public types of the fake Ollama server (see ./server.ts for the entry point).
 */

/** One model the fake "has pulled". Shapes the /api/tags, /api/show and /api/ps answers. */
export interface FakeModel {
  /** Full name with tag, as `ollama list` shows it, e.g. `llama3.2:3b`. */
  name: string;
  /** GGUF architecture, e.g. `llama`, `qwen2`. Ollama reports it as details.family. */
  family: string;
  /** e.g. `3.2B` (details.parameter_size). */
  parameterSize: string;
  /** e.g. `Q4_K_M` (details.quantization_level). */
  quantization: string;
  /** On-disk size in bytes (the `size` of /api/tags). */
  sizeBytes: number;
  /** The model's trained context length (`<family>.context_length` in /api/show's model_info). */
  contextLength: number;
  /** Starts out loaded (listed by /api/ps, no cold-load cost on the first request). */
  loaded?: boolean;
  /** size_vram reported by /api/ps; defaults to sizeBytes (fully offloaded to the GPU). */
  sizeVram?: number;
  /** /api/show capabilities; defaults to ['completion']. */
  capabilities?: string[];
  /** modified_at of /api/tags and /api/show (ISO 8601); a fixed, deterministic date by default. */
  modifiedAt?: string;
  /**
   * Embedding models (capabilities ['embedding']): the vector length (`<family>.embedding_length`
   * in /api/show's model_info). Others answer /api/embed with Ollama's error for a model without it.
   */
  embeddingLength?: number;
}

/** The `think` value of a request: true/false, or a thinking level. */
export type ThinkValue = boolean | 'low' | 'medium' | 'high';

/** What a `respond` callback sees: the request as the model would. */
export interface RespondRequest {
  /** The model name exactly as the client sent it. */
  model: string;
  /** /api/generate: the prompt. /api/chat: the content of the last user message ('' if none). */
  prompt: string;
  /** /api/generate: `system`. /api/chat: the content of the first system message. */
  system?: string;
  /** /api/chat only: every message, roles lower-cased as Ollama does. */
  messages?: Array<{ role: string; content: string }>;
  options?: Record<string, unknown>;
  /** `format` as sent: "json" or a JSON Schema object (/v1: from `response_format`). */
  format?: unknown;
  /**
   * The request's `think` as sent; undefined when absent. /v1: from `reasoning_effort`
   * ("none" → false, "low" | "medium" | "high" → that level).
   */
  think?: ThinkValue;
  /**
   * Which handler ran: /v1/chat/completions goes through the same chat handler as /api/chat in
   * Ollama, so it is 'chat' too (see `api`).
   */
  endpoint: 'generate' | 'chat';
  /** Which API the request came in through: 'ollama' (/api/...) or 'openai' (/v1/...). Always set by the fake. */
  api?: 'ollama' | 'openai';
}

/** A `respond` answer with a thinking trace (streamed before the content, dropped when `think: false`). */
export interface RespondAnswer {
  thinking?: string;
  content: string;
}

export interface FakeOllamaConfig {
  /** The pulled models; defaults to DEFAULT_MODELS. */
  models?: FakeModel[];
  /**
   * The model's full answer: the content, or the content with a thinking trace. The fake streams
   * it in chunks (thinking first), then applies `stop` (to the content) and `num_predict` (to
   * thinking + content tokens).
   */
  respond?: (req: RespondRequest) => string | RespondAnswer;
  /**
   * Real time spent per generated token (ms) while streaming; 0 (default) streams at once.
   * Reported durations use it too (eval_duration = eval_count * tokenDelayMs), or a nominal
   * 20 ms/token when it is 0, so the timings stay deterministic and never zero.
   */
  tokenDelayMs?: number;
  /**
   * Spend a cold model's load_duration (250 ms + size / 4 GB/s) before the first byte, as real
   * Ollama does (default false: the load is reported, not spent, so tests stay fast).
   */
  spendLoadTime?: boolean;
  /** Words per streamed chunk (default 1: one "token" per NDJSON line, like Ollama). */
  chunkSize?: number;
  /**
   * Reported by /api/version; default '0.12.0'. Below 0.5.0, `format` is a Go string field (a
   * JSON Schema object is rejected with 400, as those versions did).
   */
  version?: string;
  /**
   * Act as a llama.cpp server started without `--embeddings`: every /v1/embeddings request gets
   * llama-server's 501 `{"error":{"code":501,"message":"This server does not support embeddings.
   * Start it with `--embeddings`","type":"not_supported_error"}}` (and /api/embed the same text
   * as a native error). Default false.
   */
  embeddingsDisabled?: boolean;
}

export type FaultKind =
  /** Wait `delayMs` (default 1000) before the first chunk (headers included), then stream normally. */
  | 'slow-first-token'
  /**
   * Send `afterChunks` (default 2) chunks with status 200, then stop writing (`afterChunks: 1` is
   * "hang after the first chunk"); the socket stays open until the client goes away or the server
   * closes. A non-streamed request hangs before any byte.
   */
  | 'hang-mid-stream'
  /**
   * 500 {"error":"model runner has unexpectedly stopped, this may be due to resource limitations or
   * an internal error, check ollama server logs for details"} (current Ollama's text for a crashed runner).
   */
  | 'http-500'
  /** 500 {"error":"llama runner process has terminated: exit status 2"} (the older text of a crashed runner). */
  | 'http-500-terminated'
  /** 503 {"error":"server busy, please try again.  maximum pending requests exceeded"} (two spaces, as Ollama). */
  | 'http-503'
  /** Destroy the socket without any response. */
  | 'connection-reset'
  /**
   * Send `afterChunks` (default 1) chunks with status 200, then destroy the socket: no final line,
   * no end of the chunked body. A non-streamed request is reset before any byte.
   */
  | 'reset-mid-stream'
  /** 200 stream whose line number `afterChunks + 1` (default: the second line) is truncated JSON. */
  | 'malformed-json'
  /**
   * 200 stream: `afterChunks` (default 2) chunks, then {"error":"an error was encountered while
   * running the model: unexpected EOF"} and end (/v1: an SSE error event, no [DONE]). A
   * non-streamed request gets a 500 with that error.
   */
  | 'error-in-stream'
  /** 404 {"error":"model 'x' not found"} even for a model that exists. */
  | 'unknown-model';

export interface FaultMatch {
  /** Exact request path, e.g. '/api/generate' or '/v1/chat/completions'. */
  path?: string;
  /** The model name exactly as the request sends it. */
  model?: string;
  /** Substring of the prompt, the system prompt, any chat message or any embedding input. */
  promptIncludes?: string;
}

export interface Fault {
  kind: FaultKind;
  /**
   * How many matching requests it hits before it is used up (default 1). A positive integer, or
   * Number.POSITIVE_INFINITY for a fault that never wears off (e.g. "a model that always fails").
   */
  times?: number;
  /** All given conditions must hold; none given matches every routed request. */
  match?: FaultMatch;
  delayMs?: number;
  /** For the mid-stream kinds: how many chunks (streamed lines before the final one, thinking chunks included) go out first. */
  afterChunks?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The parsed JSON body; undefined for an empty or unparseable body. */
  body: unknown;
  /** The body as received. */
  rawBody: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** The request headers, names lower-cased (repeated headers joined with ', '), e.g. `authorization`. */
  headers: Record<string, string>;
  /** The injected fault this request consumed, if any. */
  fault?: FaultKind;
}

export interface FakeOllama {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** Ends hanging responses, closes every socket, stops the server. Idempotent. */
  close(): Promise<void>;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Every request received, in arrival order (live array). */
  readonly requests: RecordedRequest[];
  /** Replace the pulled models (their `loaded` flags set the loaded state). */
  setModels(models: FakeModel[]): void;
  /** Names of the models currently loaded (what /api/ps lists). */
  loadedModels(): string[];
}
