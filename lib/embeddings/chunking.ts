/**
 * Splits a document's text into chunks for embedding: at sentence boundaries (Node's built-in
 * `Intl.Segmenter` with granularity 'sentence', the Unicode UAX #29 rules, so no library is
 * needed), packing whole sentences up to `maxTokens` words, each chunk repeating the last whole
 * sentences of the previous one, up to `overlapTokens` words. A sentence longer than `maxTokens` is
 * cut at word boundaries. Each chunk carries its character offsets into the text, so its text
 * can be read back from the document (`text.slice(start, end)`), as citations need.
 *
 * Sizes are counted in words (the analyzer's notion of a token: runs of letters and digits), a
 * stable stand-in for model tokens that needs no tokenizer; a model's tokenizer usually makes 1.3
 * to 1.5 tokens of an English word, so `max_tokens: 256` words fits a 512-token context.
 */

export interface ChunkingSettings {
  /** Most words in a chunk. */
  maxTokens: number;
  /** At most this many words of the previous chunk repeated at the start of the next (whole sentences). */
  overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkingSettings = { maxTokens: 256, overlapTokens: 32 };

export interface Chunk {
  index: number;
  /** Character offsets into the text (UTF-16 code units, as String.slice takes them). */
  start: number;
  end: number;
  text: string;
  /** Words in the chunk. */
  tokens: number;
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

interface Piece {
  start: number;
  end: number;
  tokens: number;
}

/** Word spans of `text` from `from` to `to`. */
function wordSpans(text: string, from: number, to: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const re = new RegExp(WORD.source, 'gu');
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null && m.index < to; m = re.exec(text)) spans.push({ start: m.index, end: Math.min(to, m.index + m[0].length) });
  return spans;
}

/** Sentences (trimmed), a sentence over `max` words split at word boundaries. */
function pieces(text: string, max: number): Piece[] {
  const out: Piece[] = [];
  for (const s of segmenter.segment(text)) {
    const from = s.index;
    const to = s.index + s.segment.length;
    const words = wordSpans(text, from, to);
    if (words.length === 0) continue;
    for (let i = 0; i < words.length; i += max) {
      const part = words.slice(i, i + max);
      const first = part[0] as { start: number };
      const last = part[part.length - 1] as { end: number };
      // Keep the sentence's trailing punctuation with its last piece.
      const end = i + max >= words.length ? trimEnd(text, from, to) : last.end;
      out.push({ start: first.start, end: Math.max(end, last.end), tokens: part.length });
    }
  }
  return out;
}

function trimEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(text[end - 1] as string)) end--;
  return end;
}

export function validateChunking(settings: ChunkingSettings): void {
  if (!Number.isInteger(settings.maxTokens) || settings.maxTokens < 1) throw new RangeError('chunking max_tokens must be a positive integer');
  if (!Number.isInteger(settings.overlapTokens) || settings.overlapTokens < 0 || settings.overlapTokens >= settings.maxTokens) {
    throw new RangeError('chunking overlap_tokens must be an integer from 0 to max_tokens - 1');
  }
}

/** The chunks of `text`; none for a text without words. */
export function chunkText(text: string, settings: ChunkingSettings = DEFAULT_CHUNKING): Chunk[] {
  validateChunking(settings);
  const { maxTokens, overlapTokens } = settings;
  const ps = pieces(text, maxTokens);
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < ps.length) {
    let j = i;
    let tokens = 0;
    while (j < ps.length && tokens + (ps[j] as Piece).tokens <= maxTokens) {
      tokens += (ps[j] as Piece).tokens;
      j++;
    }
    if (j === i) {
      // Cannot happen (pieces are at most maxTokens), kept as a guard against an endless loop.
      tokens = (ps[j] as Piece).tokens;
      j++;
    }
    const start = (ps[i] as Piece).start;
    const end = (ps[j - 1] as Piece).end;
    chunks.push({ index: chunks.length, start, end, text: text.slice(start, end), tokens });
    if (j >= ps.length) break;
    // The next chunk starts with the last sentences of this one, up to overlapTokens words and
    // leaving room for the next new sentence (a chunk of overlap alone would add nothing).
    const room = Math.min(overlapTokens, maxTokens - (ps[j] as Piece).tokens);
    let back = j;
    let overlap = 0;
    while (back - 1 > i && overlap + (ps[back - 1] as Piece).tokens <= room) {
      back--;
      overlap += (ps[back] as Piece).tokens;
    }
    i = back;
  }
  return chunks;
}
