/**
 * TREC-style test collections: a qrels file, a topics file and JSONL documents.
 *
 * Owns: reading those files as a `DocumentStream` (`streamTrec`: documents in batches, for
 * streaming import) or a `ParsedCollection` (`parseTrec`, the same stream collected; pure: no
 * store access), and sorting a list of paths given on the command line into those three roles
 * (`classifyTrecFiles`).
 *
 * Formats read:
 *   - qrels: `qid iter docid rel` per line, 4 whitespace-separated columns. The 2nd column
 *     (iteration; usually `0`, TREC-COVID uses rounds like `0.5`) is ignored. `rel` is an integer
 *     grade, kept as judged (graded qrels stay graded; negative grades such as -2 stay negative).
 *   - topics, either
 *       TSV: `qid<TAB>text` per line (text = everything after the first tab; an optional header
 *       line like `qid<TAB>query` is skipped), or
 *       SGML-style: `<top> <num> Number: 401 <title> ... <desc> Description: ... <narr>
 *       Narrative: ... </top>`. Tags may share lines with their text or not; closing tags
 *       (`</title>`) are tolerated; `Number:`, `Topic:`, `Description:`, `Narrative:` prefixes
 *       are stripped; other tags (`<dom>`, `<con>`, `<smry>` of TREC 1-3) are ignored. Query text
 *       is chosen by `topicField`: `title` (default), `desc`, or `title+desc`.
 *   - documents: JSONL, one object per line. Accepted keys:
 *       id:    `id`, `docno`, `_id` or `docid` (first present wins; string or number)
 *       title: `title` (optional)
 *       text:  `text`, `contents` or `body` (first present wins; may be missing if `title` is there)
 *     Document fields: `title` (when present) and `text`. Several JSONL files may be given.
 *
 * Query ids that are all digits are stored without leading zeros, in topics and qrels alike
 * (TREC-1/2 topics say `Number: 051` while their qrels say `51`). Document ids are kept as is.
 *
 * Errors: `DatasetParseError` with file:line for malformed lines (wrong column count, non-integer
 * grade, invalid JSON, missing id/text keys, a topic without `<num>`, text outside `<top>`,
 * duplicate ids), and for a file no role fits (the line that breaks the pattern, with its
 * column count: `explainUnknownTrecFile`). Judgments naming unknown ids are kept with a warning.
 *
 * Default indexed fields: `title` and `text`, those present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseJsonLine } from './beir';
import { canonicalInteger, collapseWhitespace, crossCheckIds, dedupeJudgments, isEmptyDocument } from './common';
import type { LocatedJudgment } from './common';
import { collectStream, type DocumentStream } from './document-stream';
import { DatasetParseError } from './parse-error';
import { firstNonBlankLines, forEachLine, readAllLines } from './read-lines';
import type { Document, Judgment, ParsedCollection, Query } from './types';

export type TopicField = 'title' | 'desc' | 'title+desc';

export interface TrecOptions {
  /** Which part of an SGML topic becomes the query text. Default `title`. */
  topicField?: TopicField;
}

/** The files of a TREC collection by role. */
export interface TrecPaths {
  qrels: string | readonly string[];
  topics: string | readonly string[];
  documents: string | readonly string[];
}

/** `TrecPaths` with every role as a list, as `classifyTrecFiles` returns it. */
export interface TrecFileRoles {
  qrels: string[];
  topics: string[];
  documents: string[];
}

/** Keys accepted in document JSONL, in order of preference. */
export const TREC_DOC_ID_KEYS = ['id', 'docno', '_id', 'docid'] as const;
export const TREC_DOC_TEXT_KEYS = ['text', 'contents', 'body'] as const;

const queryIdOf = (raw: string): string => canonicalInteger(raw.trim());

// ---------------------------------------------------------------------------------------------
// Classification of command-line paths

type TrecRole = keyof TrecFileRoles;

/**
 * What one file is, by extension and by sniffing its first non-blank lines:
 * `.jsonl` -> documents; first non-blank line starting with `<top>` -> topics; lines with
 * exactly 2 tab-separated columns -> topics; 4 whitespace-separated columns with an integer last
 * column -> qrels. Returns undefined when none applies.
 */
export function sniffTrecRole(file: string): TrecRole | undefined {
  if (/\.jsonl$/i.test(file)) return 'documents';
  const lines = firstNonBlankLines(file, 5);
  const first = lines[0];
  if (first === undefined) return undefined;
  if (/^\s*<top>/i.test(first.text)) return 'topics';
  if (first.text.trimStart().startsWith('{')) return 'documents';
  // Skip a possible TSV header when judging the column pattern.
  const sample = lines.length > 1 ? lines.slice(1) : lines;
  if (sample.every((l) => l.text.split('\t').length === 2)) return 'topics';
  if (
    sample.every((l) => {
      const cols = l.text.trim().split(/\s+/);
      return cols.length === 4 && /^-?\d+$/.test(cols[3] as string);
    })
  ) {
    return 'qrels';
  }
  return undefined;
}

const ROLES_EXPECTED =
  'expected documents (.jsonl), topics (<top> SGML or qid<TAB>text) or qrels (qid 0 docid rel)';

/** Whether a line fits the TSV topics pattern, the qrels pattern, or neither (as `sniffTrecRole` judges). */
function linePattern(text: string): 'topics' | 'qrels' | undefined {
  if (text.split('\t').length === 2) return 'topics';
  const cols = text.trim().split(/\s+/);
  if (cols.length === 4 && /^-?\d+$/.test(cols[3] as string)) return 'qrels';
  return undefined;
}

function describeColumns(text: string): string {
  const tabs = text.split('\t').length;
  const words = text.trim().split(/\s+/).length;
  return `${tabs} tab-separated and ${words} whitespace-separated column(s)`;
}

/**
 * Why `sniffTrecRole` placed no role on `file`, and at which line: the first of the sniffed
 * lines that breaks the pattern most of them follow (topics `qid<TAB>text` or qrels
 * `qid iter docid rel`), or the first non-blank line when none follows either.
 */
export function explainUnknownTrecFile(file: string): { line: number | undefined; reason: string } {
  const lines = firstNonBlankLines(file, 5);
  if (lines.length === 0) return { line: undefined, reason: `cannot tell what this file is: it has no text; ${ROLES_EXPECTED}` };
  const sample = lines.length > 1 ? lines.slice(1) : lines;
  const count = (role: 'topics' | 'qrels') => sample.filter((l) => linePattern(l.text) === role).length;
  const topics = count('topics');
  const qrels = count('qrels');
  if (topics === 0 && qrels === 0) {
    const top = lines[0] as (typeof lines)[number];
    return { line: top.line, reason: `cannot tell what this file is: this line has ${describeColumns(top.text)}; ${ROLES_EXPECTED}` };
  }
  const first = sample[0] as (typeof sample)[number];
  const role = topics > qrels || (topics === qrels && linePattern(first.text) === 'topics') ? 'topics' : 'qrels';
  const bad = sample.find((l) => linePattern(l.text) !== role) ?? first;
  let detail: string;
  if (role === 'topics') {
    detail = `${bad.text.split('\t').length} tab-separated column(s), where topics have 2 (qid<TAB>text)`;
  } else {
    const cols = bad.text.trim().split(/\s+/);
    detail =
      cols.length === 4
        ? `relevance '${cols[3] as string}' is not an integer (qrels: qid iter docid rel)`
        : `${cols.length} column(s), where qrels have 4 (qid iter docid rel)`;
  }
  return { line: bad.line, reason: `cannot tell what this file is: the other lines look like ${role}, but this one has ${detail}` };
}

/**
 * Sorts paths from the command line into qrels, topics and documents (`sniffTrecRole`). A
 * directory stands for the files in it (not recursive, hidden files skipped). Throws when a file
 * fits no role, or when qrels, topics or documents are missing.
 */
export function classifyTrecFiles(paths: readonly string[]): TrecFileRoles {
  const roles: TrecFileRoles = { qrels: [], topics: [], documents: [] };
  const files: string[] = [];
  for (const p of paths) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (name.startsWith('.')) continue;
        const full = path.join(p, name);
        if (fs.statSync(full).isFile()) files.push(full);
      }
    } else {
      files.push(p);
    }
  }
  for (const f of files) {
    const role = sniffTrecRole(f);
    if (role === undefined) {
      const { line, reason } = explainUnknownTrecFile(f);
      throw new DatasetParseError(f, line, reason);
    }
    roles[role].push(f);
  }
  const where = paths.join(', ') || '(trec)';
  for (const role of ['qrels', 'topics', 'documents'] as const) {
    if (roles[role].length === 0) {
      throw new DatasetParseError(where, undefined, `no ${role} file among the paths given`);
    }
  }
  return roles;
}

// ---------------------------------------------------------------------------------------------
// qrels

/** Reads a TREC qrels file (`qid iter docid rel`). */
export async function readTrecQrels(file: string): Promise<LocatedJudgment[]> {
  const out: LocatedJudgment[] = [];
  await forEachLine(file, (text, line) => {
    const t = text.trim();
    if (t === '') return;
    const cols = t.split(/\s+/);
    if (cols.length !== 4) {
      throw new DatasetParseError(file, line, `${cols.length} column(s); expected 4: qid iter docid rel`);
    }
    const [q, , d, rel] = cols as [string, string, string, string];
    if (!/^-?\d+$/.test(rel)) throw new DatasetParseError(file, line, `relevance '${rel}' is not an integer`);
    out.push({ queryId: queryIdOf(q), docId: d, grade: Number(rel), line });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// topics

interface RawTopic {
  id: string;
  line: number;
  title: string;
  desc: string;
}

const HEADER_IDS = /^(q(uery)?[-_ ]?id|id|qid|topic([-_ ]?id)?|num(ber)?)$/i;

async function readTsvTopics(file: string): Promise<RawTopic[]> {
  const out: RawTopic[] = [];
  let first = true;
  for (const { text, line } of await readAllLines(file)) {
    if (text.trim() === '') continue;
    const tab = text.indexOf('\t');
    if (tab < 0) {
      throw new DatasetParseError(file, line, 'no tab; expected qid<TAB>text');
    }
    const id = text.slice(0, tab).trim();
    const wasFirst = first;
    first = false;
    if (wasFirst && HEADER_IDS.test(id)) continue;
    if (id === '') throw new DatasetParseError(file, line, 'empty query id');
    out.push({ id: queryIdOf(id), line, title: collapseWhitespace(text.slice(tab + 1)), desc: '' });
  }
  return out;
}

const TAG = /<\s*(\/?)\s*([a-zA-Z]+)\s*>/g;

/** Parses SGML-style `<top>` topics. */
export async function readSgmlTopics(file: string): Promise<RawTopic[]> {
  const out: RawTopic[] = [];
  let inTop = false;
  let topLine = 0;
  let sections = new Map<string, string[]>();
  let currentTag: string | undefined;
  let numLine = 0;

  const closeTop = (line: number): void => {
    const numText = collapseWhitespace((sections.get('num') ?? []).join(' ')).replace(/^number\s*:\s*/i, '');
    if (numText === '') {
      throw new DatasetParseError(file, topLine, 'topic without a <num>');
    }
    if (/\s/.test(numText)) {
      throw new DatasetParseError(file, numLine || line, `topic number '${numText}' is not a single token`);
    }
    const title = collapseWhitespace((sections.get('title') ?? []).join(' ')).replace(/^topic\s*:\s*/i, '');
    const desc = collapseWhitespace((sections.get('desc') ?? []).join(' ')).replace(/^description\s*:\s*/i, '');
    out.push({ id: queryIdOf(numText), line: topLine, title, desc });
  };

  await forEachLine(file, (text, line) => {
    let pos = 0;
    TAG.lastIndex = 0;
    const addText = (s: string): void => {
      if (s.trim() === '') return;
      if (!inTop) throw new DatasetParseError(file, line, `text outside <top> ... </top>: '${s.trim().slice(0, 40)}'`);
      if (currentTag === undefined) return; // text between <top> and the first tag
      let parts = sections.get(currentTag);
      if (parts === undefined) sections.set(currentTag, (parts = []));
      parts.push(s);
    };
    for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
      addText(text.slice(pos, m.index));
      pos = m.index + m[0].length;
      const closing = m[1] === '/';
      const tag = (m[2] as string).toLowerCase();
      if (tag === 'top') {
        if (!closing) {
          if (inTop) throw new DatasetParseError(file, line, `<top> inside the topic opened at line ${topLine}`);
          inTop = true;
          topLine = line;
          sections = new Map();
          currentTag = undefined;
          numLine = 0;
        } else {
          if (!inTop) throw new DatasetParseError(file, line, '</top> without <top>');
          closeTop(line);
          inTop = false;
          currentTag = undefined;
        }
        continue;
      }
      if (!inTop) throw new DatasetParseError(file, line, `<${closing ? '/' : ''}${tag}> outside <top> ... </top>`);
      if (closing) {
        currentTag = undefined; // text after </title> until the next tag is ignored
        continue;
      }
      currentTag = tag;
      if (tag === 'num') numLine = line;
    }
    addText(text.slice(pos));
  });
  if (inTop) throw new DatasetParseError(file, topLine, '<top> never closed with </top>');
  return out;
}

/** Reads a topics file, TSV or SGML (decided by whether the first non-blank line starts with `<top>`). */
export async function readTrecTopics(file: string, options: TrecOptions = {}): Promise<Query[]> {
  const first = firstNonBlankLines(file, 1)[0];
  const sgml = first !== undefined && /^\s*<top>/i.test(first.text);
  const raw = sgml ? await readSgmlTopics(file) : await readTsvTopics(file);
  const field: TopicField = options.topicField ?? 'title';
  const seen = new Map<string, number>();
  const out: Query[] = [];
  for (const t of raw) {
    const prev = seen.get(t.id);
    if (prev !== undefined) {
      throw new DatasetParseError(file, t.line, `duplicate topic id ${t.id} (first at line ${prev})`);
    }
    seen.set(t.id, t.line);
    const text =
      !sgml || field === 'title'
        ? t.title
        : field === 'desc'
          ? t.desc
          : [t.title, t.desc].filter((s) => s !== '').join(' ');
    out.push({ id: t.id, text });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// documents

const idValue = z.union([z.string(), z.number()]).transform((v) => String(v));
const textValue = z.string().nullish();

export const trecDocLine = z
  .object({
    id: idValue.optional(),
    docno: idValue.optional(),
    _id: idValue.optional(),
    docid: idValue.optional(),
    title: textValue,
    text: textValue,
    contents: textValue,
    body: textValue,
  })
  .transform((o, ctx) => {
    const id = o.id ?? o.docno ?? o._id ?? o.docid;
    if (id === undefined || id.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `no document id: expected one of ${TREC_DOC_ID_KEYS.join(', ')}` });
      return z.NEVER;
    }
    const text = o.text ?? o.contents ?? o.body;
    const title = o.title ?? undefined;
    if (text === undefined && title === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `no document text: expected one of ${TREC_DOC_TEXT_KEYS.join(', ')} (or title)`,
      });
      return z.NEVER;
    }
    return { id, title, text: text ?? '' };
  });

// ---------------------------------------------------------------------------------------------

const list = (v: string | readonly string[]): string[] => (typeof v === 'string' ? [v] : [...v]);

/** Bytes of `file`, 0 when it cannot be read: reading it then reports why, with the file's name. */
function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Where a document was read, as one number (`file index * 2^32 + line`): the id map is the one
 * thing held per document while streaming, and a number is smaller than a `file:line` string.
 */
const LINE_SPAN = 2 ** 32;

/** Parses a TREC collection from its files by role into memory; see the module header. */
export async function parseTrec(paths: TrecPaths, options: TrecOptions = {}): Promise<ParsedCollection> {
  return collectStream(streamTrec(paths, options));
}

/**
 * A TREC collection as a stream: the JSONL document files are read line by line, in the order
 * given, and handed over in batches (a bad line throws with file:line when its batch is read);
 * topics and qrels (small) are read by `finish`, in that order, as `parseTrec` always read them.
 * `size` is the document files' bytes. Held while streaming: each document's id and where it was
 * read (duplicate ids, the judgments' cross-check), the ids of documents with no text, and
 * whether any document has a title or a text (the default fields).
 */
export function streamTrec(paths: TrecPaths, options: TrecOptions = {}): DocumentStream {
  const qrelsFiles = list(paths.qrels);
  const topicFiles = list(paths.topics);
  const docFiles = list(paths.documents);
  for (const [role, files] of [
    ['qrels', qrelsFiles],
    ['topics', topicFiles],
    ['documents', docFiles],
  ] as const) {
    if (files.length === 0) throw new DatasetParseError('(trec)', undefined, `no ${role} file given`);
  }

  const sizes = docFiles.map(sizeOf);
  const size = sizes.reduce((sum, n) => sum + n, 0);
  const seen = new Map<string, number>();
  const emptyDocIds: string[] = [];
  let hasTitle = false;
  let hasText = false;
  return {
    format: 'trec',
    defaultFields: ['title', 'text'],
    size,
    async forEachBatch(batchSize, onBatch) {
      let batch: Document[] = [];
      let before = 0;
      for (const [index, file] of docFiles.entries()) {
        let read = 0;
        await forEachLine(file, (text, line) => {
          read += Buffer.byteLength(text) + 1;
          if (text.trim() === '') return;
          const doc = parseJsonLine(file, trecDocLine, text, line);
          const prev = seen.get(doc.id);
          if (prev !== undefined) {
            const at = `${docFiles[Math.floor(prev / LINE_SPAN)] as string}:${prev % LINE_SPAN}`;
            throw new DatasetParseError(file, line, `duplicate document id '${doc.id}' (first at ${at})`);
          }
          seen.set(doc.id, index * LINE_SPAN + line);
          const fields: Record<string, string> = {};
          if (doc.title !== undefined) fields.title = doc.title;
          fields.text = doc.text;
          const document: Document = { id: doc.id, fields };
          if (doc.title !== undefined && doc.title !== '') hasTitle = true;
          if (doc.text !== '') hasText = true;
          if (isEmptyDocument(document)) emptyDocIds.push(doc.id);
          batch.push(document);
          if (batch.length < batchSize) return;
          const full = batch;
          batch = [];
          return onBatch(full, Math.min(before + read, size));
        });
        before += sizes[index] ?? 0;
      }
      if (batch.length > 0) await onBatch(batch, before);
    },
    async finish() {
      const warnings: string[] = [];
      const queries: Query[] = [];
      const topicSeen = new Map<string, string>();
      for (const f of topicFiles) {
        for (const q of await readTrecTopics(f, options)) {
          const prev = topicSeen.get(q.id);
          if (prev !== undefined) {
            throw new DatasetParseError(f, undefined, `topic ${q.id} is also defined in ${prev}`);
          }
          topicSeen.set(q.id, f);
          queries.push(q);
        }
      }

      const qrels: Judgment[] = [];
      for (const f of qrelsFiles) {
        for (const j of dedupeJudgments(f, await readTrecQrels(f), warnings)) qrels.push(j);
      }
      crossCheckIds(seen, emptyDocIds, queries, qrels, warnings);

      const defaultFields = [...(hasTitle ? ['title'] : []), ...(hasText ? ['text'] : [])];
      return { queries, qrels, warnings, defaultFields: defaultFields.length > 0 ? defaultFields : ['text'] };
    },
  };
}
