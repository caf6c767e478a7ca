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

export interface GenerateRequest {
  model: string;
  prompt: string;
  system?: string;
  options?: GenerationOptions;
  /** Ask the server for JSON output. */
  format?: 'json';
  /** How long the server keeps the model loaded after the call (Ollama `keep_alive`). */
  keepAlive?: string | number;
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
  text: string;
  timings: ServerTimings;
  /** Client-measured time to the first non-empty chunk, in ms. */
  ttftMs: number | null;
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
  generate(request: GenerateRequest, control: CallControl): Promise<ProviderResponse>;
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
