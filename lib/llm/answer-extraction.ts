/**
 * Reading a list-of-strings answer (`{"queries": ["q1", "q2"]}`, `{"keywords": [...]}`) from an
 * LLM tolerantly, and recording how it was read.
 *
 * This module owns the "answer ladder": given the raw text of a model's answer and a
 * `ListAnswerSpec`, it returns the items and the rung that produced them (`readAs`), so a run can
 * report how often each model answered in the declared shape and how often it needed leniency:
 *
 *   1. `strict`     the whole answer is JSON that satisfies the prompt's JSON Schema;
 *   2. `variant:*`  the whole answer is JSON in a known non-conforming shape (see VariantName);
 *   3. `fenced`     JSON found inside a Markdown code fence or embedded in prose, read with 1-2;
 *   4. `lines`      no usable JSON: numbered / bulleted lines, or query-like plain lines;
 *   5. `none`       nothing usable; `problem` says why, with a preview of the answer.
 *
 * Readers of other shapes reuse the rungs: findJsonValue finds JSON in an answer (whole, fenced,
 * embedded), readListJson reads a list from parsed JSON (rungs 1-2). lib/rag reads RAG answers
 * with them and records `prose` for an answer with no JSON, read as text.
 *
 * `<think>...</think>` reasoning is removed first (splitThinking, thinking.ts) and is never read as the answer.
 *
 * The answer is untrusted data: it is only ever JSON.parse'd and string-processed, never
 * evaluated. Every step is linear or budgeted (the embedded-JSON scan has a fixed step budget),
 * so a 1 MB garbage answer costs milliseconds, not minutes.
 *
 * Written by hand: JSON-repair libraries (jsonrepair, json5, dirty-json) fix JSON *syntax*, but
 * the failures of small models are mostly *shape* (a bare array, `{"query": "..."}`, objects
 * instead of strings, a renamed key, a numbered list in prose), and none of them records which
 * leniency was needed, which is the point here. ajv is used for the strict rung (schemaPredicate).
 */
import { Ajv } from 'ajv';
import { splitThinking } from './thinking';

export type VariantName =
  | 'query-string'
  | 'bare-array'
  | 'list-as-string'
  | 'object-array'
  | 'key-case'
  | 'other-key'
  | 'schema-mismatch';

export type AnswerReading = 'strict' | `variant:${VariantName}` | 'fenced' | 'lines' | 'prose' | 'none';

/**
 * Variants in the order the reader tries them on a JSON object or array (a Record, so the
 * compiler insists that every VariantName is listed).
 */
const VARIANT_ORDER: Readonly<Record<VariantName, number>> = {
  'schema-mismatch': 0,
  'key-case': 1,
  'other-key': 2,
  'list-as-string': 3,
  'object-array': 4,
  'query-string': 5,
  'bare-array': 6,
};

/** Every reading, in ladder order (for summaries and docs). */
export const ANSWER_READINGS: readonly AnswerReading[] = Object.freeze([
  'strict',
  ...(Object.keys(VARIANT_ORDER) as VariantName[])
    .sort((a, b) => VARIANT_ORDER[a] - VARIANT_ORDER[b])
    .map((v): AnswerReading => `variant:${v}`),
  'fenced',
  'lines',
  'prose',
  'none',
]);

export interface ListAnswerSpec {
  /** The answer object's list key, e.g. 'queries' or 'keywords'. */
  key: string;
  /** Field names that hold the string in an array of objects, in preference order, e.g. ['query','q','text','search','value'] (the singular of key first: 'query' / 'keyword'). */
  itemFields: readonly string[];
  /** True when the parsed JSON satisfies the prompt's declared JSON Schema exactly (the caller compiles it with ajv). */
  isStrict: (json: unknown) => boolean;
  /** Longest item kept; longer ones are cut. */
  maxItemChars: number;
}

export interface ExtractedList {
  /** Trimmed, whitespace-collapsed, cut to maxItemChars, empty ones and exact duplicates dropped, order kept. */
  items: string[];
  /** How the items were read; 'none' when items is empty. */
  readAs: AnswerReading;
  /** Why nothing usable was found (for 'none'), with a short preview of the answer; undefined otherwise. */
  problem: string | undefined;
}

/** Longest preview of the answer quoted in `problem`. */
const PREVIEW_CHARS = 120;

/**
 * Step budget of the embedded-JSON scan (bracket matching plus JSON.parse'd characters, summed
 * over all candidate starts). Enough for any real answer; caps the quadratic worst case
 * (`[[[[...`) of a hostile one.
 */
const EMBEDDED_SCAN_BUDGET = 4_000_000;

/** Deepest bracket nesting the embedded-JSON scan follows; no real answer nests deeper. */
const EMBEDDED_MAX_DEPTH = 64;

/** Most candidate starts (`{` / `[`) tried by the embedded-JSON scan. */
const EMBEDDED_MAX_CANDIDATES = 2_000;

// ---------------------------------------------------------------------------------------------
// Thinking



// ---------------------------------------------------------------------------------------------
// Strict predicate

/**
 * Compiles a JSON Schema with ajv (strict mode off, allErrors false) into an isStrict predicate;
 * throws a clear Error naming `where` if the schema itself is invalid. A fresh Ajv instance per
 * schema, so two prompts' schemas with the same `$id` never collide.
 */
export function schemaPredicate(schema: object, where: string): (json: unknown) => boolean {
  const ajv = new Ajv({ strict: false, allErrors: false });
  let validate: (json: unknown) => boolean;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new Error(`invalid JSON Schema in ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return (json: unknown) => validate(json) === true;
}

// ---------------------------------------------------------------------------------------------
// The ladder

/** Reads a list of strings from a model's answer; see the module header for the ladder. */
export function extractStringList(text: string, spec: ListAnswerSpec): ExtractedList {
  const raw = typeof text === 'string' ? text : '';
  const { answer, thinking } = splitThinking(raw);
  if (answer === '') {
    const why = thinking !== '' ? 'the answer has only thinking (<think>) and no answer after it' : 'the answer is empty';
    return none(why, '');
  }

  // 1-2: the whole answer is JSON.
  // A bare JSON scalar (`"a AND b"`, `42`) is not a JSON answer; it goes on down the ladder.
  const whole = tryParseJson(answer);
  if (whole.ok && typeof whole.value === 'object' && whole.value !== null) {
    const read = readJson(whole.value, spec);
    if (read !== undefined) return found(read.items, read.readAs);
    return none(`the answer is JSON but holds no usable list of strings for "${spec.key}"`, answer);
  }

  // 3: JSON in a fence or embedded in prose.
  const readItems = (json: unknown) => readJson(json, spec)?.items;
  const embedded = findFencedJson(answer, readItems) ?? findEmbeddedJson(answer, readItems);
  if (embedded !== undefined) return found(embedded, 'fenced');

  // 4: lines.
  const lines = readLines(answer, spec);
  if (lines.length > 0) return found(lines, 'lines');

  return none('the answer has no usable JSON list and no query-like lines', answer);
}

function found(items: string[], readAs: AnswerReading): ExtractedList {
  return { items, readAs, problem: undefined };
}

function none(why: string, answer: string): ExtractedList {
  return { items: [], readAs: 'none', problem: answer === '' ? why : `${why}: ${preview(answer)}` };
}

function preview(text: string): string {
  const flat = text.slice(0, PREVIEW_CHARS * 4).replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 3)}...`;
}

type Parsed = { ok: true; value: unknown } | { ok: false };

function tryParseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Steps 1-2: reading parsed JSON

export interface JsonRead {
  items: string[];
  readAs: 'strict' | `variant:${VariantName}`;
}

/** Rungs 1-2 on parsed JSON: the list as the schema declares it (`strict`) or in a known variant; undefined when neither. */
export function readListJson(json: unknown, spec: ListAnswerSpec): JsonRead | undefined {
  return readJson(json, spec);
}

function readJson(json: unknown, spec: ListAnswerSpec): JsonRead | undefined {
  if (safeIsStrict(spec, json)) {
    const list = isRecord(json) ? json[spec.key] : json;
    if (Array.isArray(list)) {
      const items = normalizeItems(readArray(list, spec).raw, spec.maxItemChars);
      if (items.length > 0) return { items, readAs: 'strict' };
    }
  }
  const variant = readVariant(json, spec);
  return variant === undefined ? undefined : { items: variant.items, readAs: `variant:${variant.variant}` };
}

function safeIsStrict(spec: ListAnswerSpec, json: unknown): boolean {
  try {
    return spec.isStrict(json) === true;
  } catch {
    return false;
  }
}

interface VariantRead {
  items: string[];
  variant: VariantName;
}

function readVariant(json: unknown, spec: ListAnswerSpec): VariantRead | undefined {
  if (Array.isArray(json)) return fromListValue(json, 'bare-array', spec);
  if (!isRecord(json)) return undefined;
  const entries = Object.entries(json);

  // The list key itself, but the schema rejected something else (extra keys, too many items...).
  if (Object.prototype.hasOwnProperty.call(json, spec.key)) {
    const read = fromListValue(json[spec.key], 'schema-mismatch', spec);
    if (read !== undefined) return read;
  }

  // `Queries`, `QUERIES`, `Key_Words`...
  const wanted = normalizeKey(spec.key);
  for (const [k, v] of entries) {
    if (k === spec.key || normalizeKey(k) !== wanted) continue;
    const read = fromListValue(v, 'key-case', spec);
    if (read !== undefined) return read;
  }

  // `search_queries`, `query_list`: exactly one usable array under a key containing the stem...
  const stem = singularStem(spec.key);
  const stemReads: VariantRead[] = [];
  for (const [k, v] of entries) {
    const nk = normalizeKey(k);
    if (k === spec.key || nk === wanted || stem === '' || !nk.includes(stem) || !Array.isArray(v)) continue;
    const read = fromListValue(v, 'other-key', spec);
    if (read !== undefined) stemReads.push(read);
  }
  if (stemReads.length === 1) return stemReads[0];
  // ...or, failing that, the object's only array value.
  if (stemReads.length === 0) {
    const arrays = entries.filter(([, v]) => Array.isArray(v));
    const only = arrays[0];
    if (arrays.length === 1 && only !== undefined) {
      const read = fromListValue(only[1], 'other-key', spec);
      if (read !== undefined) return read;
    }
  }

  // `{"query": "a AND b"}`: one string under the singular key or an item field.
  for (const field of [singular(spec.key), ...spec.itemFields]) {
    const value = pickField(json, field);
    if (value === undefined) continue;
    const items = normalizeItems([value], spec.maxItemChars);
    if (items.length > 0) return { items, variant: 'query-string' };
  }
  return undefined;
}

/**
 * A list-like value: an array (strings, objects with an item field, or both; other elements
 * skipped) or one string holding a newline-separated list.
 */
function fromListValue(value: unknown, arrayVariant: VariantName, spec: ListAnswerSpec): VariantRead | undefined {
  if (Array.isArray(value)) {
    const { raw, fromObjects } = readArray(value, spec);
    const items = normalizeItems(raw, spec.maxItemChars);
    if (items.length === 0) return undefined;
    return { items, variant: fromObjects ? 'object-array' : arrayVariant };
  }
  if (typeof value === 'string') {
    const labels = labelPattern(spec);
    const raw = splitLines(value).map((line) => cleanLine(stripListMarker(line.trim()) ?? line, labels));
    const items = normalizeItems(raw, spec.maxItemChars);
    return items.length === 0 ? undefined : { items, variant: 'list-as-string' };
  }
  return undefined;
}

function readArray(list: readonly unknown[], spec: ListAnswerSpec): { raw: string[]; fromObjects: boolean } {
  const raw: string[] = [];
  let fromObjects = false;
  for (const element of list) {
    if (typeof element === 'string') {
      raw.push(element);
    } else if (isRecord(element)) {
      const value = firstField(element, spec.itemFields);
      if (value !== undefined) {
        raw.push(value);
        fromObjects = true;
      }
    }
    // Numbers, booleans, null and nested arrays are skipped.
  }
  return { raw, fromObjects };
}

/** The string under the first of `fields` (preference order, case-insensitive) that holds one. */
function firstField(obj: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = pickField(obj, field);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The string under `field` (exact name first, then case-insensitively), if any. */
function pickField(obj: Record<string, unknown>, field: string): string | undefined {
  const exact = Object.prototype.hasOwnProperty.call(obj, field) ? obj[field] : undefined;
  if (typeof exact === 'string') return exact;
  const lower = field.toLowerCase();
  for (const [k, v] of Object.entries(obj)) {
    if (k.toLowerCase() === lower && typeof v === 'string') return v;
  }
  return undefined;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]+/g, '');
}

/** 'queries' -> 'query', 'keywords' -> 'keyword'. */
function singular(key: string): string {
  if (/ies$/i.test(key)) return `${key.slice(0, -3)}y`;
  if (/[^s]s$/i.test(key)) return key.slice(0, -1);
  return key;
}

/** The part a key's singular and plural share, normalized: 'queries' -> 'quer', 'keywords' -> 'keyword'. */
function singularStem(key: string): string {
  const k = normalizeKey(key);
  if (k.endsWith('ies')) return k.slice(0, -3);
  if (/[^s]s$/.test(k)) return k.slice(0, -1);
  return k;
}

/** Trims, collapses whitespace, cuts to `max` chars, drops empties and exact duplicates; keeps order. */
function normalizeItems(raw: readonly string[], max: number): string[] {
  const limit = Math.max(0, Math.floor(max));
  const seen = new Set<string>();
  const items: string[] = [];
  for (const r of raw) {
    let item = r.replace(/\s+/g, ' ').trim();
    if (item.length > limit) {
      item = item.slice(0, limit);
      // Never leave half of a surrogate pair at the cut.
      if (/[\uD800-\uDBFF]$/.test(item)) item = item.slice(0, -1);
      item = item.trim();
    }
    if (item === '' || seen.has(item)) continue;
    seen.add(item);
    items.push(item);
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Step 3: fenced or embedded JSON

const FENCE = '```';

/**
 * A JSON value inside a model's answer, for readers of other answer shapes (lib/rag reads
 * `{answer, citations}`): the whole answer, else the first Markdown code fence, else the first
 * JSON embedded in prose, whose parsed value `read` accepts (returns a value for). The same
 * budgeted scan as the list reader's rung 3.
 */
export function findJsonValue<T>(text: string, read: (json: unknown) => T | undefined): { value: T; where: 'whole' | 'fenced' } | undefined {
  const whole = tryParseJson(text.trim());
  if (whole.ok) {
    const value = read(whole.value);
    if (value !== undefined) return { value, where: 'whole' };
  }
  const embedded = findFencedJson(text, read) ?? findEmbeddedJson(text, read);
  return embedded === undefined ? undefined : { value: embedded, where: 'fenced' };
}

/** The first Markdown code fence whose content is JSON that `read` accepts. */
function findFencedJson<T>(text: string, read: (json: unknown) => T | undefined): T | undefined {
  let from = 0;
  for (;;) {
    const open = text.indexOf(FENCE, from);
    if (open === -1) return undefined;
    const close = text.indexOf(FENCE, open + FENCE.length);
    if (close === -1) return undefined;
    let content = text.slice(open + FENCE.length, close);
    // Drop an info string (```json) on the opening line; keep `{...}` on a one-line fence.
    const newline = content.indexOf('\n');
    const firstLine = newline === -1 ? content : content.slice(0, newline);
    if (/^[\w.+-]*\s*$/.test(firstLine) && newline !== -1) content = content.slice(newline + 1);
    else if (/^[\w.+-]+\s+(?=[{[])/.test(firstLine)) content = content.replace(/^[\w.+-]+\s+/, '');
    const parsed = tryParseJson(content.trim());
    if (parsed.ok) {
      const value = read(parsed.value);
      if (value !== undefined) return value;
    }
    from = close + FENCE.length;
  }
}

/**
 * The first JSON object/array embedded in prose that `read` accepts: for each `{` or `[` in
 * order, a string-aware bracket match; a balanced span is JSON.parse'd. Budgeted (see
 * EMBEDDED_SCAN_BUDGET), so the cost stays linear-ish whatever the text.
 */
function findEmbeddedJson<T>(text: string, read: (json: unknown) => T | undefined): T | undefined {
  let budget = EMBEDDED_SCAN_BUDGET;
  let candidates = 0;
  const opener = /[{[]/g;
  for (let m = opener.exec(text); m !== null && budget > 0 && candidates < EMBEDDED_MAX_CANDIDATES; m = opener.exec(text)) {
    candidates += 1;
    const start = m.index;
    const match = matchBrackets(text, start, budget);
    budget -= match.steps;
    if (match.end === -1 || match.end - start > budget) continue;
    budget -= match.end - start;
    const parsed = tryParseJson(text.slice(start, match.end + 1));
    if (!parsed.ok) continue;
    const value = read(parsed.value);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Index of the bracket closing the one at `start` (JSON strings and escapes respected), or -1 on
 * a mismatch, nesting deeper than EMBEDDED_MAX_DEPTH, the end of the text, or when `limit` steps
 * are used up.
 */
function matchBrackets(text: string, start: number, limit: number): { end: number; steps: number } {
  const expected: string[] = [];
  let inString = false;
  let i = start;
  for (; i < text.length && i - start < limit; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (expected.length >= EMBEDDED_MAX_DEPTH) return { end: -1, steps: i - start + 1 };
      expected.push(c === '{' ? '}' : ']');
    } else if (c === '}' || c === ']') {
      if (expected.pop() !== c) return { end: -1, steps: i - start + 1 };
      if (expected.length === 0) return { end: i, steps: i - start + 1 };
    }
  }
  return { end: -1, steps: i - start + 1 };
}

// ---------------------------------------------------------------------------------------------
// Step 4: lines

const NUMBERED_MARKER = /^(?:\(\d{1,3}\)\s*|\d{1,3}[.)]\s+|\*\*\d{1,3}[.)]\*\*\s*)/;
const BULLET_MARKER = /^[-*•+]\s+/;
/** Quote characters, for the "is this a sentence" and "may the wrapping quotes go" checks. */
const QUOTE_CHARS = /["'\u201C\u201D\u2018\u2019\u201E]/g;
const WRAPPING_QUOTES: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['\u201C', '\u201D'],
  ['\u2018', '\u2019'],
  ['\u201D', '\u201D'],
  ['\u201E', '\u201C'],
];

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** `query|<singular of key>`, regex-escaped, for the label patterns. */
function labelWords(spec: ListAnswerSpec): string {
  const words = new Set(['query', singular(spec.key).toLowerCase()]);
  return [...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** `Query:` / `Query 1:` / `**Query 1:**` (and the singular of the spec's key) at the start of a line. */
function labelPattern(spec: ListAnswerSpec): RegExp {
  const alternatives = labelWords(spec);
  return new RegExp(`^(?:\\*\\*)?(?:${alternatives})(?:\\s*#?\\d{1,3})?\\s*(?::\\s*(?:\\*\\*)?|(?:\\*\\*)?:)\\s*`, 'i');
}

/** A numbered label line (`Query 1:` / `Query 2.`) counts as a list marker too. */
function numberedLabelPattern(spec: ListAnswerSpec): RegExp {
  const alternatives = labelWords(spec);
  return new RegExp(`^(?:\\*\\*)?(?:${alternatives})\\s*#?\\d{1,3}(?:\\*\\*)?\\s*[:.)](?:\\*\\*)?\\s*`, 'i');
}

/** The line without its list marker, or undefined when it has none. */
function stripListMarker(line: string, numberedLabel?: RegExp): string | undefined {
  const numbered = NUMBERED_MARKER.exec(line);
  if (numbered !== null) return line.slice(numbered[0].length);
  const bullet = BULLET_MARKER.exec(line);
  if (bullet !== null) return line.slice(bullet[0].length);
  const label = numberedLabel?.exec(line);
  if (label != null) return line.slice(label[0].length);
  return undefined;
}

function readLines(text: string, spec: ListAnswerSpec): string[] {
  const labels = labelPattern(spec);
  const numberedLabel = numberedLabelPattern(spec);
  const lines = splitLines(text).map((l) => l.trim()).filter((l) => l !== '');
  const marked: string[] = [];
  for (const line of lines) {
    const rest = stripListMarker(line, numberedLabel);
    if (rest !== undefined) marked.push(rest);
  }
  if (marked.length > 0) return normalizeItems(marked.map((l) => cleanLine(l, labels)), spec.maxItemChars);

  const kept = lines.filter((line) => !isNonQueryLine(line)).map((l) => cleanLine(l, labels));
  return normalizeItems(kept, spec.maxItemChars);
}

/** Intro lines, fences, headings, JSON punctuation and prose sentences. */
function isNonQueryLine(line: string): boolean {
  if (line.endsWith(':')) return true;
  if (line.startsWith(FENCE) || line.startsWith('#')) return true;
  if (/^[{[\]}]/.test(line) || /[{[]$/.test(line)) return true;
  return isSentence(line);
}

function isSentence(line: string): boolean {
  if (!/[.!?]$/.test(line)) return false;
  if (line.split(/\s+/).length < 6) return false;
  if (/\b(?:AND|OR|NOT)\b/.test(line) || /[()]/.test(line) || hasQuoteChar(line)) return false;
  return true;
}

/** True when `s` has a quote character other than an apostrophe inside a word (`Crohn's`). */
function hasQuoteChar(s: string): boolean {
  QUOTE_CHARS.lastIndex = 0;
  for (let m = QUOTE_CHARS.exec(s); m !== null; m = QUOTE_CHARS.exec(s)) {
    const c = m[0];
    if ((c === "'" || c === '\u2019') && isLetterOrDigit(s[m.index - 1]) && isLetterOrDigit(s[m.index + 1])) continue;
    return true;
  }
  return false;
}

function isLetterOrDigit(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/** Strips a `Query:` label, trailing commas, wrapping backticks and wrapping quotes. */
function cleanLine(line: string, labels: RegExp): string {
  let s = line.trim();
  s = s.replace(labels, '');
  s = s.replace(/,+$/, '').trim();
  const ticks = /^(`+)([^`]+)\1$/.exec(s);
  if (ticks?.[2] !== undefined) s = ticks[2].trim();
  s = s.replace(/,+$/, '').trim();
  for (const [open, close] of WRAPPING_QUOTES) {
    if (s.length >= 2 && s.startsWith(open) && s.endsWith(close)) {
      const inside = s.slice(open.length, s.length - close.length);
      if (!hasQuoteChar(inside)) s = inside.trim();
      break;
    }
  }
  return s;
}
