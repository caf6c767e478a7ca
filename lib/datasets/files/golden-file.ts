/**
 * The golden file of the `files` format (`benchlab import --format files DIR --golden FILE`):
 * the questions to ask of the documents and which documents answer them (README, "Your own
 * documents"). CSV with a header line, or JSONL; chosen by the extension (`.csv`; `.jsonl` or
 * `.ndjson`).
 *
 * One row (CSV line, JSONL object) per judgment:
 *   - `query_id`   required: the question's id (string; JSONL may give a number).
 *   - `question`   the question's text: on at least one row of its `query_id`; other rows may
 *                  leave it empty or repeat it (a different text is an error).
 *   - `doc_id`     the judged document: its path relative to DIR as the import stores it
 *                  (`/` separators; `\` and a leading `./` are accepted). Empty: the row only
 *                  declares the question.
 *   - `grade`      integer relevance (default 1; 0 or less = judged not relevant).
 * JSONL may instead group a question's judgments on one line:
 *   `{"query_id": "q1", "question": "...", "judgments": [{"doc_id": "a.pdf", "grade": 2}]}`.
 * CSV columns are matched case-insensitively; other columns (and other JSONL keys) are ignored.
 *
 * Errors (`DatasetParseError`) name the file, the line and the field. A repeated (question,
 * document) pair keeps the first judgment, with a warning; judgments naming documents that were
 * not imported are warned about by the importer.
 */
import * as fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { forEachJsonLine } from '../beir';
import { dedupeJudgments, sampleList, type LocatedJudgment } from '../common';
import { DatasetParseError } from '../parse-error';
import type { Judgment, Query } from '../types';

export interface GoldenSet {
  queries: Query[];
  qrels: Judgment[];
  warnings: string[];
}

/** Columns a CSV golden file must have, and may have. */
const REQUIRED_COLUMNS = ['query_id', 'question'] as const;
const OPTIONAL_COLUMNS = ['doc_id', 'grade'] as const;

/** One judgment row, as read (both formats). */
interface GoldenRow {
  queryId: string;
  question: string;
  docId: string;
  grade: number;
}

const idValue = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const gradeValue = z
  .union([z.number().int(), z.string().regex(/^\s*-?\d+\s*$/)], { error: 'expected an integer' })
  .transform(Number);
const jsonJudgment = z.object({ doc_id: idValue, grade: gradeValue.optional() });
const jsonRow = z
  .object({
    query_id: idValue.refine((id) => id !== '', 'empty query id'),
    question: z.string().nullish(),
    doc_id: idValue.nullish(),
    grade: gradeValue.nullish(),
    judgments: z.array(jsonJudgment).optional(),
  })
  .refine((row) => row.judgments === undefined || (row.doc_id ?? '') === '', {
    message: 'give either doc_id (one judgment) or judgments (a list), not both',
    path: ['judgments'],
  });

/** `docs\a.pdf`, `./docs/a.pdf` -> `docs/a.pdf`: ids as the import stores them. */
export function normalizeDocId(raw: string): string {
  return raw.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

class GoldenCollector {
  private readonly questions = new Map<string, { text: string; line: number; firstLine: number }>();
  private readonly judgments: LocatedJudgment[] = [];

  constructor(private readonly file: string) {}

  add(row: GoldenRow, line: number): void {
    const question = row.question.replace(/\s+/g, ' ').trim();
    const known = this.questions.get(row.queryId);
    if (known === undefined) {
      this.questions.set(row.queryId, { text: question, line, firstLine: line });
    } else if (question !== '') {
      if (known.text === '') {
        known.text = question;
        known.line = line;
      } else if (known.text !== question) {
        throw new DatasetParseError(
          this.file,
          line,
          `question: query ${row.queryId} has a different question than at line ${known.line} ('${question.slice(0, 60)}' vs '${known.text.slice(0, 60)}'); repeat it exactly or leave it empty`,
        );
      }
    }
    const docId = normalizeDocId(row.docId);
    if (docId !== '') this.judgments.push({ queryId: row.queryId, docId, grade: row.grade, line });
  }

  finish(): GoldenSet {
    const queries: Query[] = [];
    for (const [id, q] of this.questions) {
      if (q.text === '') {
        throw new DatasetParseError(this.file, q.firstLine, `question: query ${id} has no question text on any of its rows`);
      }
      queries.push({ id, text: q.text });
    }
    if (queries.length === 0) throw new DatasetParseError(this.file, undefined, 'no questions in the golden file');
    const warnings: string[] = [];
    const qrels = dedupeJudgments(this.file, this.judgments, warnings);
    const judged = new Set(qrels.map((j) => j.queryId));
    const unjudged = queries.filter((q) => !judged.has(q.id)).map((q) => q.id);
    if (unjudged.length > 0) {
      warnings.push(`${this.file}: ${unjudged.length} of ${queries.length} questions have no judgments: ids ${sampleList(unjudged)}`);
    }
    return { queries, qrels, warnings };
  }
}

function csvGrade(file: string, line: number, raw: string | undefined): number {
  const text = (raw ?? '').trim();
  if (text === '') return 1;
  if (!/^-?\d+$/.test(text)) throw new DatasetParseError(file, line, `grade: '${text}' is not an integer`);
  return Number(text);
}

async function readCsv(file: string, golden: GoldenCollector): Promise<void> {
  let headerError: DatasetParseError | undefined;
  const columns = (header: string[]): string[] => {
    const names = header.map((h) => h.trim().toLowerCase());
    const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
    if (missing.length > 0) {
      headerError = new DatasetParseError(
        file,
        1,
        `header: missing column(s) ${missing.join(', ')}; a golden CSV has the columns ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(', ')} (header: ${header.join(',')})`,
      );
      throw headerError;
    }
    return names;
  };
  const parser = fs.createReadStream(file).pipe(parseCsv({ columns, bom: true, skip_empty_lines: true, trim: true, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = info.lines;
      const queryId = (record.query_id ?? '').trim();
      if (queryId === '') throw new DatasetParseError(file, line, 'query_id: empty');
      golden.add({ queryId, question: record.question ?? '', docId: record.doc_id ?? '', grade: csvGrade(file, line, record.grade) }, line);
    }
  } catch (error) {
    if (headerError !== undefined) throw headerError;
    if (error instanceof DatasetParseError) throw error;
    const line = (error as { lines?: unknown }).lines;
    throw new DatasetParseError(file, typeof line === 'number' ? line : undefined, (error as Error).message);
  }
}

async function readJsonl(file: string, golden: GoldenCollector): Promise<void> {
  await forEachJsonLine(file, jsonRow, (row, line) => {
    const question = row.question ?? '';
    if (row.judgments !== undefined) {
      golden.add({ queryId: row.query_id, question, docId: '', grade: 1 }, line);
      for (const j of row.judgments) golden.add({ queryId: row.query_id, question: '', docId: j.doc_id, grade: j.grade ?? 1 }, line);
    } else {
      golden.add({ queryId: row.query_id, question, docId: row.doc_id ?? '', grade: row.grade ?? 1 }, line);
    }
  });
}

/** Reads a golden file (see the module header). */
export async function readGoldenFile(file: string): Promise<GoldenSet> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DatasetParseError(file, undefined, 'golden file not found');
  }
  if (!stat.isFile()) throw new DatasetParseError(file, undefined, 'the golden file is not a file');
  const golden = new GoldenCollector(file);
  if (/\.csv$/i.test(file)) await readCsv(file, golden);
  else if (/\.(jsonl|ndjson)$/i.test(file)) await readJsonl(file, golden);
  else throw new DatasetParseError(file, undefined, 'a golden file is CSV (.csv) or JSONL (.jsonl, .ndjson); the name says neither');
  return golden.finish();
}
