/**
 * The fake's embeddings: `POST /api/embed` (Ollama's EmbedHandler, server/routes.go) and
 * `POST /v1/embeddings` (Ollama's EmbeddingsMiddleware in front of it, middleware/openai.go,
 * openai/openai.go ToEmbeddingList), plus a llama.cpp-server mode that refuses every embedding
 * request with 501, as `llama-server` started without `--embeddings` does.
 *
 * Vectors are deterministic and carry meaning, so dense retrieval over them behaves like a weak
 * bag-of-words model: the text goes through Benchlab's analyzer (stemmed, English stopwords
 * dropped), each term adds 1 + ln(tf) to two hashed dimensions with hashed signs (feature
 * hashing), and the vector is L2-normalized, as Ollama's `normalize` does; `dimensions` keeps the
 * first N values and normalizes again (Ollama's order). Token counts are word counts (analyzer
 * words, stopwords included), like the rest of the fake.
 */
import { createHash } from 'node:crypto';

import { Analyzer } from '../../../lib/text/analyzer';

const terms = new Analyzer({ stem: true, stopwords: true });
const words = new Analyzer({ stem: false, stopwords: false });

/** The token count the fake reports for a text (its words). */
export function embedTokenCount(text: string): number {
  return words.words(text).length;
}

/** The text cut to its first `limit` words (what Ollama's Detokenize(tokens[:ctxLen]) does). */
export function truncateToTokens(text: string, limit: number): string {
  const re = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
  let count = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    count++;
    if (count === limit) return text.slice(0, m.index + m[0].length);
  }
  return text;
}

function hash32(text: string, salt: string): number {
  return createHash('sha1').update(salt).update(text).digest().readUInt32LE(0);
}

/** Ollama's normalize(): v / max(|v|, 1e-12), in float32. */
export function normalizeVector(v: Float64Array | number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = 1 / Math.max(Math.sqrt(sum), 1e-12);
  return Array.from(v, (x) => Math.fround(x * norm));
}

const termSlots = new Map<string, [number, number, number, number]>();

/** The model's raw (unnormalized) vector for a text: hashed, stemmed bag of words. */
function rawVector(text: string, dims: number): Float64Array {
  const v = new Float64Array(dims);
  const tf = new Map<string, number>();
  for (const t of terms.terms(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
  if (tf.size === 0) {
    v[0] = 1; // a text without words still embeds to a unit vector
    return v;
  }
  for (const [term, count] of tf) {
    const key = `${dims}|${term}`;
    let slots = termSlots.get(key);
    if (!slots) {
      const a = hash32(term, 'a');
      const b = hash32(term, 'b');
      slots = [a % dims, a & 0x80000000 ? -1 : 1, b % dims, b & 0x80000000 ? -1 : 1];
      if (termSlots.size < 200_000) termSlots.set(key, slots);
    }
    const w = 1 + Math.log(count);
    (v[slots[0]] as number) += slots[1] * w;
    (v[slots[2]] as number) += slots[3] * w;
  }
  return v;
}

/** The unit vector for `text` from a model with `nativeDims` outputs, cut to `dimensions` when smaller (then normalized again). */
export function embedText(text: string, nativeDims: number, dimensions?: number): number[] {
  let v = normalizeVector(rawVector(text, nativeDims));
  if (dimensions !== undefined && dimensions > 0 && dimensions < v.length) v = normalizeVector(v.slice(0, dimensions));
  return v;
}

/** openai/openai.go floatsToBase64: the float32 values little-endian, base64. */
export function floatsToBase64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

/** llama.cpp server's 501 body for /v1/embeddings when started without --embeddings (tools/server/server.cpp). */
export const LLAMA_CPP_NO_EMBEDDINGS = 'This server does not support embeddings. Start it with `--embeddings`';

export function llamaCppErrorBody(status: number, message: string): unknown {
  return { error: { code: status, message, type: status === 501 ? 'not_supported_error' : 'invalid_request_error' } };
}
