/**
 * The shapes of Benchlab's LLM layer: what a caller asks for (a prompt, a model, generation
 * options), what comes back (text plus the server's own timings), and the provider interface
 * that the Ollama and OpenAI-compatible providers implement.
 */

/** Generation options passed through to the server unchanged (Ollama names). */
export interface GenerationOptions {
  num_ctx?: number;
  num_predict?: number;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  seed?: number;
  stop?: string[];
  repeat_penalty?: number;
  [option: string]: unknown;
}

/** A JSON Schema the answer must follow, with a name (OpenAI's `json_schema.name`). */
export interface AnswerSchema {
  name: string;
  schema: Record<string, unknown>;
}

/**
 * What the caller asks the answer to be: JSON following a schema (sent as Ollama's `format`
 * since Ollama 0.5.0, as `response_format: json_schema` to OpenAI-compatible servers, and
 * downgraded to plain JSON mode for older servers), or plain JSON mode.
 */
export type RequestedFormat = 'json' | AnswerSchema;

/** What a request actually asked the server for. */
export type FormatUsed = 'schema' | 'json' | 'none';

/** Ollama's `think`: on, off, or a level for models that have levels (gpt-oss). */
export type ThinkSetting = boolean | 'low' | 'medium' | 'high';

export interface GenerateRequest {
  model: string;
  prompt: string;
  system?: string;
  options?: GenerationOptions;
  format?: RequestedFormat;
  /** Thinking models: whether (and how much) to think. Absent: the model's default. */
  think?: ThinkSetting;
  /** How long the server keeps the model loaded after the call (Ollama `keep_alive`). */
  keepAlive?: string | number;
}

/** The request a provider sends: the format is resolved for that server. */
export interface ProviderRequest extends Omit<GenerateRequest, 'format'> {
  format?: 'json' | AnswerSchema;
  formatUsed: FormatUsed;
}

/** The server's own measurements of one call (Ollama reports nanoseconds in its final chunk). */
export interface ServerTimings {
  totalNs: number | null;
  loadNs: number | null;
  promptEvalNs: number | null;
  evalNs: number | null;
  promptTokens: number | null;
  evalTokens: number | null;
  /** evalTokens / evalNs, in tokens per second. */
  tokensPerSecond: number | null;
}

export interface ProviderResponse {
  /** The answer, without any thinking. */
  text: string;
  /** A thinking model's reasoning ('' when none): stored apart, never parsed as the answer. */
  thinking: string;
  timings: ServerTimings;
  /** Client-measured time to the first non-empty chunk (thinking or answer), in ms. */
  ttftMs: number | null;
  /** Client-measured time from the first thinking chunk to the first answer chunk, in ms. */
  thinkingMs: number | null;
  /** Thinking tokens, where the server reports them apart (OpenAI `reasoning_tokens`). */
  thinkingTokens: number | null;
}

export interface ModelInfo {
  name: string;
  host: string;
  sizeBytes: number | null;
  family: string | null;
  parameterSize: string | null;
  quantization: string | null;
  loaded: boolean;
  sizeVramBytes: number | null;
}

export interface CallControl {
  /** Aborts the request (timeouts are implemented through it). */
  signal: AbortSignal;
  /** Called on every streamed chunk, so an idle watchdog can be reset. */
  onChunk: () => void;
}

/** One server of one kind. Providers never retry or cache; the client around them does. */
export interface LlmProvider {
  readonly kind: ProviderKind;
  readonly host: string;
  listModels(signal: AbortSignal): Promise<ModelInfo[]>;
  /** Whether the server takes a JSON Schema as the answer format (Ollama >= 0.5.0). */
  supportsSchemas(signal: AbortSignal): Promise<boolean>;
  generate(request: ProviderRequest, control: CallControl): Promise<ProviderResponse>;
}

export type ProviderKind = 'ollama' | 'openai';

export const NO_TIMINGS: ServerTimings = {
  totalNs: null,
  loadNs: null,
  promptEvalNs: null,
  evalNs: null,
  promptTokens: null,
  evalTokens: null,
  tokensPerSecond: null,
};

/**
 * A call that waited at least this long for its model to load was a cold start. Ollama reports
 * `load_duration` on every call; a model already in memory loads in milliseconds. Latency
 * figures leave a cold start's load out and report it apart.
 */
export const COLD_START_MS = 100;
