/**
 * BEIR-layout test collections (the layout of the BEIR benchmark datasets, and of Benchlab's
 * built-in sample in `data/sample/`).
 *
 * Owns: reading a BEIR directory from disk as a `DocumentStream` (corpus.jsonl in batches, for
 * streaming import) or a `ParsedCollection` (pure: no store access).
 *
 * Format read, in one directory:
 *   - `corpus.jsonl`: one JSON object per line, `{"_id", "title"?, "text", ...}`. `_id` may be a
 *     string or a number (numbers become strings); `title`/`text` may be missing or null (-> '').
 *     Other keys (`metadata`, ...) are ignored. Document fields: `title`, `text`.
 *   - `queries.jsonl`: `{"_id", "text", ...}`. All queries are kept, judged in the chosen split
 *     or not: which ones to run is the importer's decision.
 *   - `qrels/<split>.tsv`: tab-separated `query-id  corpus-id  score`, with the header line
 *     `query-id\tcorpus-id\tscore` (recognised by its non-integer score column and skipped; a
 *     file without a header is accepted too). Scores are integer grades, kept as they are.
 *
 * Each JSON line is validated with zod; a bad line throws `DatasetParseError` with file:line and
 * the field path, e.g. `corpus.jsonl:17: _id: expected string or number, received undefined`.
 * Blank lines are skipped. A duplicate `_id` is an error; judgments naming unknown ids are kept
 * with a warning.
 *
 * Default indexed fields: `title`, `text`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { crossCheckIds, dedupeJudgments, isEmptyDocument } from './common';
import type { LocatedJudgment } from './common';
import { DatasetParseError } from './parse-error';
import { forEachLine } from './read-lines';
import { collectStream, type DocumentStream } from './document-stream';
import type { Document, ParsedCollection, Query } from './types';

export interface BeirOptions {
  /** Which `qrels/<split>.tsv` to read. Default `test`. */
  split?: string;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const beirId = z.union([z.string(), z.number()], {
  error: (iss) => `expected string or number, received ${describe(iss.input)}`,
});

const optionalText = z
  .string()
  .nullish()
  .transform((s) => s ?? '');

export const beirCorpusLine = z.object({
  _id: beirId.transform((v) => String(v)),
  title: optionalText,
  text: optionalText,
});

export const beirQueryLine = z.object({
  _id: beirId.transform((v) => String(v)),
  text: z.string(),
});

/** `path: message` for the first zod issue, without zod's "Invalid input: " prefix. */
export function formatZodIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const where = issue.path.map(String).join('.');
  const msg = issue.message.replace(/^Invalid input: /, '');
  return where === '' ? msg : `${where}: ${msg}`;
}

/**
 * Streams a JSONL file, validating each non-blank line with `schema` and handing the result to
 * `onRecord`. Shared with the TREC parser.
 */
export async function forEachJsonLine<T>(
  file: string,
  schema: z.ZodType<T>,
  onRecord: (value: T, line: number) => void,
): Promise<void> {
  await forEachLine(file, (text, line) => {
    if (text.trim() === '') return;
    onRecord(parseJsonLine(file, schema, text, line), line);
  });
}

/** One non-blank JSONL line validated with `schema`; a bad one throws `DatasetParseError` with file:line. Shared with the TREC parser. */
export function parseJsonLine<T>(file: string, schema: z.ZodType<T>, text: string, line: number): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DatasetParseError(file, line, `invalid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DatasetParseError(file, line, formatZodIssue(parsed.error));
  return parsed.data;
}

/** The splits a BEIR directory has judgments for (`qrels/*.tsv`), sorted. */
export function beirSplits(dir: string): string[] {
  const qrelsDir = path.join(dir, 'qrels');
  if (!fs.existsSync(qrelsDir) || !fs.statSync(qrelsDir).isDirectory()) return [];
  return fs
    .readdirSync(qrelsDir)
    .filter((n) => n.toLowerCase().endsWith('.tsv'))
    .map((n) => n.slice(0, -4))
    .sort();
}

function requireFile(file: string, what: string): void {
  if (!fs.existsSync(file)) {
    throw new DatasetParseError(file, undefined, `missing: a BEIR directory needs ${what}`);
  }
}

async function readBeirQrels(file: string): Promise<LocatedJudgment[]> {
  const out: LocatedJudgment[] = [];
  let firstLine = true;
  await forEachLine(file, (text, line) => {
    if (text.trim() === '') return;
    let cols = text.split('\t').map((c) => c.trim());
    if (cols.length === 1) cols = text.trim().split(/\s+/);
    if (cols.length < 3) {
      throw new DatasetParseError(file, line, `${cols.length} column(s); expected query-id, corpus-id, score`);
    }
    const [q, d, score] = cols as [string, string, string];
    const isFirst = firstLine;
    firstLine = false;
    if (!/^-?\d+$/.test(score)) {
      if (isFirst) return; // the header line: query-id corpus-id score
      throw new DatasetParseError(file, line, `score '${score}' is not an integer`);
    }
    if (q === '' || d === '') throw new DatasetParseError(file, line, 'empty query-id or corpus-id');
    out.push({ queryId: q, docId: d, grade: Number(score), line });
  });
  return out;
}

/** Parses a BEIR directory into memory; see the module header. */
export async function parseBeir(dir: string, options: BeirOptions = {}): Promise<ParsedCollection> {
  return collectStream(streamBeir(dir, options));
}

/**
 * A BEIR directory as a stream: corpus.jsonl is read in batches (a bad line throws with
 * file:line when its batch is read), queries and qrels when the documents are done. Held while
 * streaming: each document's id and line (duplicate ids) and the ids of documents with no text.
 */
export function streamBeir(dir: string, options: BeirOptions = {}): DocumentStream {
  if (!fs.existsSync(dir)) throw new DatasetParseError(dir, undefined, 'directory not found');
  if (!fs.statSync(dir).isDirectory()) {
    throw new DatasetParseError(dir, undefined, 'not a directory; a BEIR collection is a directory with corpus.jsonl');
  }
  const split = options.split ?? 'test';
  const corpusFile = path.join(dir, 'corpus.jsonl');
  const queriesFile = path.join(dir, 'queries.jsonl');
  const qrelsFile = path.join(dir, 'qrels', `${split}.tsv`);
  requireFile(corpusFile, 'corpus.jsonl');
  requireFile(queriesFile, 'queries.jsonl');
  if (!fs.existsSync(qrelsFile)) {
    const splits = beirSplits(dir);
    throw new DatasetParseError(
      qrelsFile,
      undefined,
      `no judgments for split '${split}'; available splits: ${splits.length > 0 ? splits.join(', ') : 'none (no qrels/*.tsv)'}`,
    );
  }

  const docLines = new Map<string, number>();
  const emptyDocIds: string[] = [];
  return {
    format: 'beir',
    defaultFields: ['title', 'text'],
    size: fs.statSync(corpusFile).size,
    async forEachBatch(batchSize, onBatch) {
      let batch: Document[] = [];
      let position = 0;
      await forEachLine(corpusFile, (text, line) => {
        position += text.length + 1;
        if (text.trim() === '') return;
        const rec = parseJsonLine(corpusFile, beirCorpusLine, text, line);
        const prev = docLines.get(rec._id);
        if (prev !== undefined) {
          throw new DatasetParseError(corpusFile, line, `duplicate _id '${rec._id}' (first at line ${prev})`);
        }
        docLines.set(rec._id, line);
        const doc: Document = { id: rec._id, fields: { title: rec.title, text: rec.text } };
        if (isEmptyDocument(doc)) emptyDocIds.push(doc.id);
        batch.push(doc);
        if (batch.length < batchSize) return;
        const full = batch;
        batch = [];
        return onBatch(full, position);
      });
      if (batch.length > 0) await onBatch(batch, position);
    },
    async finish() {
      const warnings: string[] = [];
      const queries: Query[] = [];
      const queryLines = new Map<string, number>();
      await forEachJsonLine(queriesFile, beirQueryLine, (rec, line) => {
        const prev = queryLines.get(rec._id);
        if (prev !== undefined) {
          throw new DatasetParseError(queriesFile, line, `duplicate _id '${rec._id}' (first at line ${prev})`);
        }
        queryLines.set(rec._id, line);
        queries.push({ id: rec._id, text: rec.text });
      });
      const qrels = dedupeJudgments(qrelsFile, await readBeirQrels(qrelsFile), warnings);
      crossCheckIds(docLines, emptyDocIds, queries, qrels, warnings);
      return { queries, qrels, warnings };
    },
  };
}
