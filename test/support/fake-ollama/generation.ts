/**
 * What the fake "model" produces: the text (from `respond`, then `stop` and `num_predict`
 * applied as Ollama would), its split into tokens and streamed chunks, and deterministic timings.
 */
import type { RespondRequest } from './types';

/** Nominal per-token generation time when tokenDelayMs is 0: 20 ms, i.e. 50 tokens/s. */
export const NOMINAL_TOKEN_NS = 20_000_000;
/** Prompt processing: 0.25 ms per token (4000 tokens/s). */
export const PROMPT_TOKEN_NS = 250_000;
/** load_duration for a request to a model that is already loaded. */
export const WARM_LOAD_NS = 15_000_000;
/** Time outside loading, prompt eval and eval (templating, sampling setup...). */
export const OVERHEAD_NS = 2_000_000;

/** load_duration of a cold load: 250 ms plus reading the weights at 4 GB/s. */
export function coldLoadNs(sizeBytes: number): number {
  return 250_000_000 + Math.round(sizeBytes / 4);
}

/** Splits text into "tokens": each word with the whitespace before it; joining them gives the text back. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function countWords(...texts: Array<string | undefined>): number {
  return texts.reduce((n, t) => n + (t ? (t.match(/\S+/g) ?? []).length : 0), 0);
}

/** The default `respond`: a short deterministic echo of the prompt (JSON when a format is asked for). */
export function defaultRespond(req: RespondRequest): string {
  const words = (req.prompt.match(/\S+/g) ?? []).slice(0, 8).join(' ');
  const echo = words === '' ? 'Hello from the fake model.' : `You said: ${words}`;
  return req.format !== undefined && req.format !== null && req.format !== '' ? JSON.stringify({ answer: echo }) : echo;
}

/** One streamed line's worth of output. */
export interface StreamChunk {
  kind: 'thinking' | 'content';
  text: string;
  /** Real ms to wait before writing it. */
  delayMs: number;
}

export interface Generation {
  /** Everything streamed before the final line, in order: thinking chunks first, then content. */
  stream: StreamChunk[];
  /** The whole generated content (content chunks joined). */
  text: string;
  /** The whole thinking trace ('' when none). */
  thinking: string;
  doneReason: 'stop' | 'length';
  promptEvalCount: number;
  /** Thinking and content tokens (at least 1: the end-of-sequence token). */
  evalCount: number;
}

export interface GenerateInput {
  answer: string;
  /** Thinking trace to stream before the answer ('' or undefined: none). */
  thinking?: string;
  promptTexts: string[];
  options: Record<string, unknown> | undefined;
  tokenDelayMs: number;
  chunkSize: number;
}

function chunksOf(tokens: string[], kind: StreamChunk['kind'], size: number, tokenDelayMs: number): StreamChunk[] {
  const out: StreamChunk[] = [];
  for (let i = 0; i < tokens.length; i += size) {
    const group = tokens.slice(i, i + size);
    out.push({ kind, text: group.join(''), delayMs: group.length * tokenDelayMs });
  }
  return out;
}

export function generate(input: GenerateInput): Generation {
  let text = input.answer;
  let doneReason: 'stop' | 'length' = 'stop';

  // Ollama cuts the output before the first stop sequence (which is not returned).
  const stops = Array.isArray(input.options?.['stop']) ? (input.options?.['stop'] as string[]) : [];
  let cut = -1;
  for (const s of stops) {
    if (s === '') continue;
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) text = text.slice(0, cut);

  // num_predict limits every generated token, thinking included (thinking comes first).
  let thinkingTokens = tokenize(input.thinking ?? '');
  let tokens = tokenize(text);
  const numPredict = input.options?.['num_predict'];
  if (typeof numPredict === 'number' && numPredict > 0) {
    const limit = Math.trunc(numPredict);
    if (thinkingTokens.length + tokens.length > limit) {
      thinkingTokens = thinkingTokens.slice(0, limit);
      tokens = tokens.slice(0, Math.max(0, limit - thinkingTokens.length));
      doneReason = 'length';
    }
  }

  const size = Math.max(1, Math.trunc(input.chunkSize));
  const thinkingChunks = chunksOf(thinkingTokens, 'thinking', size, input.tokenDelayMs);
  const contentChunks = chunksOf(tokens, 'content', size, input.tokenDelayMs);

  return {
    stream: [...thinkingChunks, ...contentChunks],
    text: contentChunks.map((c) => c.text).join(''),
    thinking: thinkingChunks.map((c) => c.text).join(''),
    doneReason,
    promptEvalCount: Math.max(1, countWords(...input.promptTexts)),
    // An empty answer still costs the end-of-sequence token.
    evalCount: Math.max(1, thinkingTokens.length + tokens.length),
  };
}

export interface Metrics {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/**
 * Deterministic nanosecond timings: eval_duration = eval_count × per-token time,
 * prompt_eval_duration = prompt_eval_count × 0.25 ms (+ any injected first-token delay),
 * load_duration = cold or warm load, total = their sum + overhead.
 */
export function metrics(
  gen: Generation,
  opts: { tokenDelayMs: number; wasLoaded: boolean; sizeBytes: number; firstTokenDelayMs: number },
): Metrics {
  const tokenNs = opts.tokenDelayMs > 0 ? Math.round(opts.tokenDelayMs * 1e6) : NOMINAL_TOKEN_NS;
  const load = opts.wasLoaded ? WARM_LOAD_NS : coldLoadNs(opts.sizeBytes);
  const promptEval = gen.promptEvalCount * PROMPT_TOKEN_NS + Math.round(opts.firstTokenDelayMs * 1e6);
  const evalNs = gen.evalCount * tokenNs;
  return {
    total_duration: load + promptEval + evalNs + OVERHEAD_NS,
    load_duration: load,
    prompt_eval_count: gen.promptEvalCount,
    prompt_eval_duration: promptEval,
    eval_count: gen.evalCount,
    eval_duration: evalNs,
  };
}

/** Deterministic stand-in for token ids (the `context` of /api/generate). */
export function contextTokens(texts: string[], count: number): number[] {
  const words = texts.flatMap((t) => t.match(/\S+/g) ?? []);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const w = words.length > 0 ? (words[i % words.length] as string) : '';
    let h = 2166136261 ^ i;
    for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w.charCodeAt(k), 16777619);
    out.push((h >>> 0) % 128_256);
  }
  return out;
}
