/**
 * Reading a RAG answer (`{"answer": "...", "citations": ["d1", ...]}`) as real small models give
 * it, and recording how it was read. The answer is untrusted text: it is only ever JSON.parse'd
 * and string-processed, never evaluated, and what is kept of it is capped.
 *
 * The answer's shape is read with the list reader's rungs (lib/llm/answer-extraction.ts):
 * thinking removed (splitThinking), the JSON found whole, in a code fence or embedded in prose
 * (findJsonValue), the citation list read strictly or in a known variant (readListJson: a renamed
 * or re-cased key, `{"citations": "d1, d2"}`, objects `[{"id": "d1"}]`, a bare array). So the
 * item's `answer_read` means what it means for queries: `strict`, `variant:<name>`, `fenced`;
 * `prose` when the answer has no JSON at all (its text is the answer, its `[1]` / `[d1]` markers
 * the citations), `none` when it is empty. A JSON answer with no citation list has its markers
 * read from the answer text.
 *
 * Each citation is then resolved against the context's passage ids, and how is recorded:
 * `exact` (an id as given), `normalized` (brackets, quotes, whitespace, case, or a `doc`/`id:`
 * prefix removed), `index` (a number n that is no passage id: the n-th passage, as models that
 * number the passages cite `[1]`), `not-in-context` (a hallucinated citation). Written by hand:
 * resolving model-written ids against a known list is this project's own rule, no library's.
 */
import { findJsonValue, readListJson, type AnswerReading } from '../llm/answer-extraction';
import { splitThinking } from '../llm/thinking';

/** Longest answer text kept. */
export const MAX_ANSWER_CHARS = 10_000;
/** Most citations kept per answer, and the longest citation kept. */
export const MAX_CITATIONS = 50;
export const MAX_CITATION_CHARS = 200;

export type CitationHow = 'exact' | 'normalized' | 'index' | 'not-in-context';

export interface CitationRead {
  /** The citation as the model wrote it (capped). */
  raw: string;
  /** The passage id it resolved to, or the cleaned citation when it is not in the context. */
  id: string;
  how: CitationHow;
}

export interface RagAnswerRead {
  /** The answer text (capped); '' when there is none. */
  answer: string;
  /** Distinct cited passage ids in the context, in the order first cited. */
  cited: string[];
  /** Distinct citations that are no passage id of the context. */
  hallucinated: string[];
  /** Every citation read, in order, with how it resolved. */
  citationReads: CitationRead[];
  readAs: AnswerReading;
  /** Where the citations came from: the answer's list, the markers in its text, or nowhere. */
  citationSource: 'list' | 'markers' | 'none';
  /** Why nothing usable was read (readAs `none`). */
  problem: string | undefined;
}

/** What the reader needs of the prompt template: its list key, item fields and strict predicate. */
export interface RagAnswerSpec {
  list: string;
  itemFields: readonly string[];
  isStrict: (json: unknown) => boolean;
}

const ANSWER_KEYS = ['answer', 'response', 'text', 'reply', 'content', 'result'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cap(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** The answer text of a JSON answer: `answer`, else a usual synonym, in any case. */
function answerText(json: Record<string, unknown>): string | undefined {
  for (const key of ANSWER_KEYS) {
    for (const [k, v] of Object.entries(json)) if (k.toLowerCase() === key && typeof v === 'string') return v;
  }
  return undefined;
}

/** Numbers in arrays become strings (`"citations": [1, 3]`), so the list reader keeps them. */
function numbersAsStrings(json: unknown): unknown {
  const fix = (v: unknown): unknown => (Array.isArray(v) ? v.map((e) => (typeof e === 'number' ? String(e) : e)) : v);
  if (Array.isArray(json)) return fix(json);
  if (!isRecord(json)) return json;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fix(v)]));
}

interface JsonAnswer {
  answer: string;
  citations: string[] | undefined;
  readAs: AnswerReading;
}

function readJsonAnswer(json: unknown, spec: RagAnswerSpec): JsonAnswer | undefined {
  if (!isRecord(json) && !Array.isArray(json)) return undefined;
  const normalized = numbersAsStrings(json);
  const list = readListJson(normalized, { key: spec.list, itemFields: spec.itemFields, isStrict: spec.isStrict, maxItemChars: MAX_CITATION_CHARS });
  const text = isRecord(json) ? answerText(json) : undefined;
  if (list !== undefined) return { answer: text ?? '', citations: list.items, readAs: list.readAs };
  if (text === undefined) return undefined;
  let strict = false;
  try {
    strict = spec.isStrict(json) === true;
  } catch {
    strict = false;
  }
  return { answer: text, citations: undefined, readAs: strict ? 'strict' : 'variant:schema-mismatch' };
}

/** `[1]`, `[d001]`, `[1, 3]`, `[Document 2]` in a text; not a Markdown link's `[text](url)`. */
const MARKER = /\[([^[\]\n]{1,80})\](?!\()/g;

function markerCitations(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(MARKER)) if (m[1] !== undefined) found.push(m[1]);
  return found;
}

const PREFIX = /^(?:doc(?:ument)?|id|source|passage|ref(?:erence)?)\s*(?:id)?\s*[:#.]?\s*/i;
const WRAPPING = /^[\s"'`[(<{]+|[\s"'`\])>}.,;:]+$/g;

/** One citation resolved against the context (see the module header). */
export function resolveCitation(raw: string, contextIds: readonly string[]): CitationRead {
  const kept = cap(raw, MAX_CITATION_CHARS);
  const cleaned = kept.replace(WRAPPING, '').replace(/\s+/g, ' ');
  if (contextIds.includes(kept)) return { raw: kept, id: kept, how: 'exact' };
  const lower = new Map(contextIds.map((id) => [id.toLowerCase(), id]));
  for (const candidate of [cleaned, cleaned.replace(PREFIX, '')]) {
    const hit = lower.get(candidate.toLowerCase());
    if (hit !== undefined) return { raw: kept, id: hit, how: 'normalized' };
  }
  const bare = cleaned.replace(PREFIX, '');
  if (/^\d{1,3}$/.test(bare)) {
    const id = contextIds[Number(bare) - 1];
    if (id !== undefined) return { raw: kept, id, how: 'index' };
  }
  return { raw: kept, id: cleaned, how: 'not-in-context' };
}

/** A citation item that may hold several (`d1, d2`, `[1][2]`, `d1 and d2`), each resolved. */
function resolveItem(raw: string, contextIds: readonly string[]): CitationRead[] {
  const whole = resolveCitation(raw, contextIds);
  if (whole.how !== 'not-in-context') return [whole];
  const parts = raw.split(/[,;]|\]\s*\[|\s+and\s+/i).map((p) => p.trim()).filter((p) => p.replace(WRAPPING, '') !== '');
  if (parts.length <= 1) return whole.id === '' ? [] : [whole];
  return parts.map((p) => resolveCitation(p, contextIds));
}

/** Marker contents resolved; a marker that resolves to nothing id-like (`[citation needed]`) is prose, not a citation. */
function resolveMarkers(markers: string[], contextIds: readonly string[]): CitationRead[] {
  return markers.flatMap((m) => resolveItem(m, contextIds).filter((r) => r.how !== 'not-in-context' || /\d/.test(r.id)));
}

/** True when `value` is the whole text parsed (not a JSON span found inside it). */
function isWholeText(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function preview(text: string): string {
  const flat = text.slice(0, 400).replace(/\s+/g, ' ').trim();
  return flat.length <= 120 ? flat : `${flat.slice(0, 117)}...`;
}

/** Reads a model's RAG answer against the ids of the passages it was given (see the module header). */
export function readRagAnswer(text: string, contextIds: readonly string[], spec: RagAnswerSpec): RagAnswerRead {
  const { answer: body, thinking } = splitThinking(typeof text === 'string' ? text : '');
  if (body === '') {
    const problem = thinking !== '' ? 'the answer has only thinking (<think>) and no answer after it' : 'the answer is empty';
    return { answer: '', cited: [], hallucinated: [], citationReads: [], readAs: 'none', citationSource: 'none', problem };
  }
  // A bare array is an answer only as the whole text: in prose, `[1]` is a citation marker.
  const json = findJsonValue(body, (value) => (isRecord(value) || isWholeText(body, value) ? readJsonAnswer(value, spec) : undefined));
  let answer: string;
  let readAs: AnswerReading;
  let reads: CitationRead[];
  let citationSource: RagAnswerRead['citationSource'];
  if (json !== undefined) {
    answer = json.value.answer;
    readAs = json.where === 'fenced' ? 'fenced' : json.value.readAs;
    const listed = (json.value.citations ?? []).flatMap((c) => resolveItem(c, contextIds));
    const marked = listed.length === 0 ? resolveMarkers(markerCitations(answer), contextIds) : [];
    reads = listed.length > 0 ? listed : marked;
    citationSource = listed.length > 0 ? 'list' : marked.length > 0 ? 'markers' : 'none';
  } else {
    answer = body;
    readAs = 'prose';
    reads = resolveMarkers(markerCitations(body), contextIds);
    citationSource = reads.length > 0 ? 'markers' : 'none';
  }
  reads = reads.slice(0, MAX_CITATIONS);
  const cited = [...new Set(reads.filter((r) => r.how !== 'not-in-context').map((r) => r.id))];
  const hallucinated = [...new Set(reads.filter((r) => r.how === 'not-in-context').map((r) => r.id))];
  const problem = answer.trim() === '' && reads.length === 0 ? `the answer holds neither an answer text nor citations: ${preview(body)}` : undefined;
  return { answer: cap(answer.trim(), MAX_ANSWER_CHARS), cited, hallucinated, citationReads: reads, readAs, citationSource, problem };
}
