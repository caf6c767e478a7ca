/**
 * SMART-format test collections (the classic Cornell collections: MED, ADI, CISI, CACM, CRAN, ...).
 *
 * Owns: reading a SMART collection from disk into a `ParsedCollection` (pure: no store access).
 *
 * Format read. Three files:
 *   - documents (`*.ALL`, also `cran.all.1400`), queries (`*.QRY`, also CACM's `query.text`),
 *     judgments (`*.REL`, also `cranqrel`, `qrels.text`).
 *   - `.ALL` and `.QRY` are sequences of records. A record starts with a line `.I <integer id>`;
 *     then field markers on lines of their own: `.T` title, `.A` authors, `.B` bibliographic
 *     data, `.W` text (abstract), `.X` cross-references, `.K` keywords, `.N` entry date,
 *     `.C` categories. A field's text is the lines up to the next marker. Text on the marker
 *     line itself (`.T Some title`) is accepted as the field's first line.
 *   - In `Document.fields` a field is named by its lower-case letter (`t`, `a`, `b`, `w`, `x`, ...);
 *     its lines are joined with single spaces, whitespace collapsed, trimmed.
 *   - Ids (`.I` and judgment ids) are integers; they are stored in canonical decimal form, so
 *     CACM's `01` in `qrels.text` and CRAN's `.I 001` both become `1`.
 *
 * Quirks handled:
 *   - A field repeated within one record: ADI doc 67 has its `.T` twice. The first occurrence
 *     is kept and the repeat dropped, with a warning naming file:line (if the first occurrence
 *     is empty, the repeat is used instead). Exception: `.A` repeats (ADI docs 41 and 78 list
 *     each author under its own `.A`); authors are accumulated, joined with `; `.
 *   - Unknown single-letter markers (`.Z`) are kept as a field (`z`) with a warning.
 *   - CRAN: the `.I` numbers in `cran.qry` are NOT the query ids used by `cranqrel`; those are
 *     the positions 1..225 of the queries in file order. Option `queryIds: 'position'`; it is
 *     the default when the queries file name starts with `cran` (case-insensitive).
 *   - CRAN relevance codes are 1 (complete answer, best) .. 4 (minimum interest) and -1 (no
 *     interest). With `relevanceScale: 'cran'` (default when the judgments file name starts with
 *     `cran`) they become grades where higher is better: 1->4, 2->3, 3->2, 4->1, -1->0 (judged,
 *     not relevant). Code 5 (no interest, in the original Cranfield scale) also maps to 0.
 *   - Judgment file layouts, detected per file from the column pattern of all its non-blank
 *     lines (every line must have the same number of whitespace-separated columns, at least 2):
 *       2 columns `qid docid`                 -> each listed pair is relevant, grade 1.
 *       3 columns `qid docid grade`           -> integer grade (the MED.REL in ../shared, lines
 *                                                like `1 13 1`; also CRAN's cranqrel).
 *       4 columns `qid 0 docid grade`         -> TREC qrels: taken when EVERY line has `0` (or
 *                                                `Q0`) in column 2 and an integer in column 4
 *                                                (other MED.REL copies, e.g. `1 0 13 1`).
 *       4 columns `qid docid n x.xxxxxx`      -> ADI/CISI/CACM: columns 3 and 4 numeric but the
 *                                                TREC test fails (ADI.REL has `1 17 0 0.000000`:
 *                                                column 4 is a decimal, column 2 a document id);
 *                                                columns 3-4 are ignored and every listed pair is
 *                                                relevant, grade 1 (with a warning saying so).
 *     `relevanceScale: 'binary'` turns any grade column into 1 (grade > 0) / 0; `'graded'` keeps
 *     the integers (default for layouts that have a grade column, except CRAN).
 *
 * Errors (`DatasetParseError` with file:line): non-blank text before the first `.I`, text after
 * `.I` before any field marker, `.I` without an integer id, a duplicate document id (or query id
 * when ids are labels), a judgments line with fewer than 2 columns, a column count different
 * from the file's first line, non-integer ids or grades, an unknown CRAN code.
 *
 * Warnings: repeated fields, unknown markers, ignored judgment columns, documents with no text,
 * queries with no text, judgments naming unknown documents/queries, queries without judgments.
 *
 * Default indexed fields: `t` and `w`, those present (MED has only `w`).
 * Query text: `.T` and `.W` joined (either may be absent); if both are missing, every other
 * field except `.X` (cross-references).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collapseWhitespace, canonicalInteger, crossCheck, dedupeJudgments, presentFields, sampleList } from './common';
import type { LocatedJudgment } from './common';
import { DatasetParseError } from './parse-error';
import { forEachLine, readAllLines } from './read-lines';
import type { Document, ParsedCollection, Query } from './types';

export type SmartQueryIds = 'position' | 'label';
export type SmartRelevanceScale = 'cran' | 'binary' | 'graded';

export interface SmartOptions {
  /** `label`: the `.I` number is the query id; `position`: the 1-based position in the file (CRAN). */
  queryIds?: SmartQueryIds;
  /** How judgment codes become grades; see the header. Default: by file name and layout. */
  relevanceScale?: SmartRelevanceScale;
}

/** The three files of a SMART collection. */
export interface SmartFiles {
  documents: string;
  queries: string;
  qrels: string;
}

/** Field letters with a known meaning; others are kept with a warning. */
export const SMART_KNOWN_FIELDS: Readonly<Record<string, string>> = {
  t: 'title',
  a: 'authors',
  b: 'bibliographic',
  w: 'text',
  x: 'cross-references',
  k: 'keywords',
  n: 'entry date',
  c: 'categories',
};

/** Fields whose repeats within a record are accumulated rather than dropped. */
const REPEATABLE_FIELDS = new Set(['a']);

/** CRAN relevance code -> grade (higher is better; 0 = judged not relevant). */
export const CRAN_GRADES: Readonly<Record<string, number>> = {
  '1': 4,
  '2': 3,
  '3': 2,
  '4': 1,
  '5': 0,
  '-1': 0,
};

/** True for CRAN's files (`cran.all.1400`, `cran.qry`, `cranqrel`): name starts with `cran`. */
export function isCranFile(file: string): boolean {
  return /^cran/i.test(path.basename(file));
}

type SmartRole = keyof SmartFiles;

function roleOf(file: string): SmartRole | undefined {
  const base = path.basename(file);
  if (/\.all(\.\d+)?$/i.test(base)) return 'documents';
  if (/\.qry$/i.test(base) || /^quer(y|ies)\.te?xt$/i.test(base)) return 'queries';
  if (/\.rel$/i.test(base) || /qrels?(\.te?xt)?$/i.test(base)) return 'qrels';
  return undefined;
}

const ROLE_LABEL: Record<SmartRole, string> = {
  documents: 'documents (*.ALL)',
  queries: 'queries (*.QRY)',
  qrels: 'judgments (*.REL)',
};

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Finds the documents, queries and judgments files. `input` is a directory (its `*.ALL`,
 * `*.QRY`, `*.REL` files, case-insensitive; other files are ignored), or a list of files
 * and/or directories. Exactly one file per role is required.
 */
export function findSmartFiles(input: string | readonly string[]): SmartFiles {
  const inputs = typeof input === 'string' ? [input] : [...input];
  if (inputs.length === 0) throw new DatasetParseError('(smart)', undefined, 'no files given');
  const found: Record<SmartRole, string[]> = { documents: [], queries: [], qrels: [] };
  const seenNames: string[] = [];
  for (const p of inputs) {
    if (isDirectory(p)) {
      const names = fs.readdirSync(p).filter((n) => !n.startsWith('.')).sort();
      for (const name of names) {
        const full = path.join(p, name);
        if (isDirectory(full)) continue;
        seenNames.push(name);
        const role = roleOf(name);
        if (role !== undefined) found[role].push(full);
      }
    } else {
      if (!fs.existsSync(p)) throw new DatasetParseError(p, undefined, 'file not found');
      seenNames.push(path.basename(p));
      const role = roleOf(p);
      if (role === undefined) {
        throw new DatasetParseError(
          p,
          undefined,
          'cannot tell whether this is documents (*.ALL), queries (*.QRY) or judgments (*.REL) from its name',
        );
      }
      found[role].push(p);
    }
  }
  const where = inputs.join(', ');
  const pick = (role: SmartRole): string => {
    const files = found[role];
    if (files.length === 0) {
      throw new DatasetParseError(
        where,
        undefined,
        `no ${ROLE_LABEL[role]} file found (files seen: ${seenNames.length > 0 ? sampleList(seenNames) : 'none'})`,
      );
    }
    if (files.length > 1) {
      throw new DatasetParseError(
        where,
        undefined,
        `several ${ROLE_LABEL[role]} files: ${files.join(', ')}; pass the files explicitly`,
      );
    }
    return files[0] as string;
  };
  return { documents: pick('documents'), queries: pick('queries'), qrels: pick('qrels') };
}

// ---------------------------------------------------------------------------------------------
// Records (.ALL / .QRY)

interface SmartRecord {
  /** The `.I` id, canonical decimal. */
  label: string;
  /** Line of the `.I` marker. */
  line: number;
  fields: Record<string, string>;
}

interface FieldAccumulator {
  /** One list of lines per occurrence (several only for repeatable fields). */
  occurrences: string[][];
}

const MARKER = /^\.([A-Z])(?:[ \t]+(.*))?$/;

/**
 * Streams a `.ALL`/`.QRY` file into records. `uniqueIds`: a repeated `.I` id is an error.
 */
async function readRecords(
  file: string,
  uniqueIds: boolean,
  what: 'document' | 'query',
  warnings: string[],
): Promise<SmartRecord[]> {
  const records: SmartRecord[] = [];
  const idLines = new Map<string, number>();
  const unknownMarkers = new Map<string, { line: number; count: number }>();

  let label: string | undefined;
  let recordLine = 0;
  let fields = new Map<string, FieldAccumulator>();
  let current: string[] | undefined; // lines of the field being read
  let skipping = false; // inside a dropped repeat

  const finish = (): void => {
    if (label === undefined) return;
    const out: Record<string, string> = {};
    for (const [name, acc] of fields) {
      out[name] = acc.occurrences
        .map((lines) => collapseWhitespace(lines.join(' ')))
        .filter((s) => s !== '')
        .join('; ');
    }
    records.push({ label, line: recordLine, fields: out });
  };

  await forEachLine(file, (raw, lineNo) => {
    const text = raw.trimEnd();
    const m = MARKER.exec(text);
    if (m) {
      const letter = m[1] as string;
      const rest = m[2] ?? '';
      if (letter === 'I') {
        if (!/^\d+$/.test(rest.trim())) {
          throw new DatasetParseError(
            file,
            lineNo,
            rest.trim() === '' ? '.I without an id' : `.I with a non-integer id '${rest.trim()}'`,
          );
        }
        finish();
        label = canonicalInteger(rest.trim());
        if (uniqueIds) {
          const prev = idLines.get(label);
          if (prev !== undefined) {
            throw new DatasetParseError(file, lineNo, `duplicate ${what} id ${label} (first at line ${prev})`);
          }
          idLines.set(label, lineNo);
        }
        recordLine = lineNo;
        fields = new Map();
        current = undefined;
        skipping = false;
        return;
      }
      if (label === undefined) {
        throw new DatasetParseError(file, lineNo, `field marker .${letter} before the first .I record`);
      }
      const name = letter.toLowerCase();
      if (SMART_KNOWN_FIELDS[name] === undefined) {
        const u = unknownMarkers.get(letter);
        if (u) u.count++;
        else unknownMarkers.set(letter, { line: lineNo, count: 1 });
      }
      const existing = fields.get(name);
      skipping = false;
      if (existing === undefined) {
        current = [];
        fields.set(name, { occurrences: [current] });
      } else if (REPEATABLE_FIELDS.has(name)) {
        current = [];
        existing.occurrences.push(current);
      } else {
        const firstText = collapseWhitespace(existing.occurrences.map((o) => o.join(' ')).join(' '));
        if (firstText === '') {
          warnings.push(
            `${file}:${lineNo}: ${what} ${label} repeats field .${letter}; the first occurrence was empty, the repeat is used`,
          );
          current = [];
          existing.occurrences = [current];
        } else {
          warnings.push(
            `${file}:${lineNo}: ${what} ${label} repeats field .${letter}; the repeat was dropped (first occurrence kept)`,
          );
          current = undefined;
          skipping = true;
        }
      }
      if (rest !== '' && current !== undefined) current.push(rest);
      return;
    }
    if (label === undefined) {
      if (text.trim() === '') return;
      throw new DatasetParseError(file, lineNo, 'text before the first .I record');
    }
    if (skipping) return;
    if (current === undefined) {
      if (text.trim() === '') return;
      throw new DatasetParseError(file, lineNo, `text after .I ${label} before any field marker (.T, .W, ...)`);
    }
    current.push(text);
  });
  finish();

  for (const [letter, u] of unknownMarkers) {
    warnings.push(
      `${file}:${u.line}: unknown field marker .${letter} kept as field '${letter.toLowerCase()}'` +
        (u.count > 1 ? ` (${u.count} occurrences)` : ''),
    );
  }
  return records;
}

function queryText(fields: Record<string, string>): string {
  const main = ['t', 'w']
    .map((f) => fields[f] ?? '')
    .filter((s) => s !== '')
    .join(' ');
  if (main !== '') return main;
  return Object.entries(fields)
    .filter(([k, v]) => k !== 'x' && v !== '')
    .map(([, v]) => v)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Judgments (.REL)

/** The column layouts a SMART judgments file can have (see the header). */
export type SmartRelLayout = 'pairs' | 'qid-doc-grade' | 'trec' | 'qid-doc-extra';

const INT = /^-?\d+$/;
const NUM = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Decides a judgments file's layout from its rows (already split on whitespace, all with the
 * same column count). Throws at the first row that fits no layout.
 */
export function detectRelLayout(file: string, rows: readonly { cols: string[]; line: number }[]): SmartRelLayout {
  const first = rows[0];
  if (first === undefined) return 'pairs';
  const n = first.cols.length;
  if (n === 2) return 'pairs';
  if (n === 3) return 'qid-doc-grade';
  if (n === 4) {
    const isTrec = rows.every((r) => (r.cols[1] === '0' || r.cols[1] === 'Q0') && INT.test(r.cols[3] as string));
    if (isTrec) return 'trec';
    const bad = rows.find((r) => !NUM.test(r.cols[2] as string) || !NUM.test(r.cols[3] as string));
    if (bad === undefined) return 'qid-doc-extra';
    throw new DatasetParseError(
      file,
      bad.line,
      'four columns that are neither `qid 0 docid grade` (TREC) nor `qid docid <number> <number>` (ADI/CISI)',
    );
  }
  throw new DatasetParseError(
    file,
    first.line,
    `${n} columns; expected 2 (qid docid), 3 (qid docid grade) or 4 (qid 0 docid grade, or qid docid n n)`,
  );
}

async function readRel(
  file: string,
  scaleOption: SmartRelevanceScale | undefined,
  warnings: string[],
): Promise<LocatedJudgment[]> {
  const rows: { cols: string[]; line: number }[] = [];
  for (const { text, line } of await readAllLines(file)) {
    const t = text.trim();
    if (t === '') continue;
    const cols = t.split(/\s+/);
    if (cols.length < 2) {
      throw new DatasetParseError(file, line, `fewer than 2 columns ('${t}'); expected qid docid [...]`);
    }
    const firstRow = rows[0];
    if (firstRow !== undefined && cols.length !== firstRow.cols.length) {
      throw new DatasetParseError(
        file,
        line,
        `${cols.length} columns, but line ${firstRow.line} has ${firstRow.cols.length}`,
      );
    }
    rows.push({ cols, line });
  }
  const layout = detectRelLayout(file, rows);
  const hasGrade = layout === 'qid-doc-grade' || layout === 'trec';
  const scale: SmartRelevanceScale = scaleOption ?? (isCranFile(file) ? 'cran' : hasGrade ? 'graded' : 'binary');
  if (scale === 'cran' && !hasGrade && rows.length > 0) {
    throw new DatasetParseError(file, undefined, `relevanceScale 'cran' needs a relevance code column; this file has none`);
  }
  if (layout === 'qid-doc-extra') {
    warnings.push(
      `${file}: layout 'qid docid n n' (ADI/CISI style): columns 3-4 ignored, every listed pair is relevant (grade 1)`,
    );
  }
  if (scale === 'cran') {
    warnings.push(`${file}: CRAN relevance codes mapped to grades 1->4, 2->3, 3->2, 4->1, -1->0`);
  }

  const out: LocatedJudgment[] = [];
  for (const { cols, line } of rows) {
    const [q, d] = layout === 'trec' ? [cols[0], cols[2]] : [cols[0], cols[1]];
    const code = layout === 'trec' ? cols[3] : layout === 'qid-doc-grade' ? cols[2] : undefined;
    if (!/^\d+$/.test(q as string)) throw new DatasetParseError(file, line, `non-numeric query id '${q}'`);
    if (!/^\d+$/.test(d as string)) throw new DatasetParseError(file, line, `non-numeric document id '${d}'`);
    let grade = 1;
    if (code !== undefined) {
      if (!INT.test(code)) throw new DatasetParseError(file, line, `relevance '${code}' is not an integer`);
      if (scale === 'cran') {
        const g = CRAN_GRADES[String(Number(code))];
        if (g === undefined) {
          throw new DatasetParseError(file, line, `unknown CRAN relevance code '${code}' (expected -1, 1, 2, 3, 4)`);
        }
        grade = g;
      } else if (scale === 'binary') {
        grade = Number(code) > 0 ? 1 : 0;
      } else {
        grade = Number(code);
      }
    }
    out.push({ queryId: canonicalInteger(q as string), docId: canonicalInteger(d as string), grade, line });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function asFiles(input: string | readonly string[] | SmartFiles): SmartFiles {
  if (typeof input === 'string' || Array.isArray(input)) return findSmartFiles(input as string | string[]);
  return input as SmartFiles;
}

/**
 * Parses a SMART collection. `input`: a directory, a list of files/directories, or the three
 * files by role. See the module header for the format, options and quirks.
 */
export async function parseSmart(
  input: string | readonly string[] | SmartFiles,
  options: SmartOptions = {},
): Promise<ParsedCollection> {
  const files = asFiles(input);
  const warnings: string[] = [];

  const docRecords = await readRecords(files.documents, true, 'document', warnings);
  const documents: Document[] = docRecords.map((r) => ({ id: r.label, fields: r.fields }));

  const queryIds: SmartQueryIds = options.queryIds ?? (isCranFile(files.queries) ? 'position' : 'label');
  const queryRecords = await readRecords(files.queries, queryIds === 'label', 'query', warnings);
  const queries: Query[] = queryRecords.map((r, i) => ({
    id: queryIds === 'position' ? String(i + 1) : r.label,
    text: queryText(r.fields),
  }));
  if (queryIds === 'position') {
    warnings.push(
      `${files.queries}: query ids are positions 1..${queries.length} in file order (the .I numbers are not the ids the judgments use)`,
    );
  }

  const located = await readRel(files.qrels, options.relevanceScale, warnings);
  const qrels = dedupeJudgments(files.qrels, located, warnings);

  crossCheck(documents, queries, qrels, warnings);

  let defaultFields = presentFields(documents, ['t', 'w']);
  if (defaultFields.length === 0) {
    const all = new Set<string>();
    for (const d of documents) for (const k of Object.keys(d.fields)) if (k !== 'x') all.add(k);
    defaultFields = [...all];
  }

  return { format: 'smart', documents, queries, qrels, defaultFields, warnings };
}
