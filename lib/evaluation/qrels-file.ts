/**
 * Owns the TREC qrels file format: `qid iter docid rel`, one judgment per line.
 *
 * Reading mirrors get_qrels.c: whitespace-separated fields, '#' lines skipped, the iter column
 * ignored, exactly 4 fields (trec_eval also rejects extra fields), and rel an integer (trec_eval
 * reads it with atol; here a non-integer is an error instead of being truncated). A (qid, docid)
 * judged twice is an error, as in form_res_rels.c ("duplicate docs"). Blank lines are skipped
 * (trec_eval's qrels reader would call them malformed). Every error message starts with
 * `${file}:${line}:`.
 *
 * Writing emits `qid 0 docid rel` sorted by qid, then docid, in strcmp order.
 */

import { readFile, writeFile } from 'node:fs/promises';

import { compareStrcmp } from './trec-order';
import { assertWritableField, contentLines, lineError } from './trec-text-format';
import type { Qrels } from './types';

/** Columns in a qrels line: qid, iteration, docid, relevance grade. */
const QRELS_FIELD_COUNT = 4;
const QID_FIELD = 0;
const DOCID_FIELD = 2;
const GRADE_FIELD = 3;
/** Conventional content of the ignored iteration column. */
const ITERATION_MARKER = '0';
const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** Renders qrels in TREC format; throws on unwritable ids or non-integer grades. */
export function formatQrelsFile(qrels: Qrels): string {
  const lines: string[] = [];
  for (const queryId of [...qrels.keys()].sort(compareStrcmp)) {
    assertWritableField('query id', queryId, true);
    const judgments = qrels.get(queryId) ?? new Map<string, number>();
    for (const docId of [...judgments.keys()].sort(compareStrcmp)) {
      assertWritableField('document id', docId);
      const grade = judgments.get(docId);
      if (grade === undefined || !Number.isSafeInteger(grade)) {
        throw new Error(`query '${queryId}': document '${docId}' has grade ${grade}; qrels grades must be integers`);
      }
      lines.push(`${queryId} ${ITERATION_MARKER} ${docId} ${grade}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Parses TREC qrels text; `file` names the source in error messages (`${file}:${line}: ...`). */
export function parseQrelsFile(text: string, file: string): Qrels {
  const qrels: Qrels = new Map();
  const seenAt = new Map<string, Map<string, number>>();
  for (const { lineNumber, fields } of contentLines(text)) {
    if (fields.length !== QRELS_FIELD_COUNT) {
      throw lineError(file, lineNumber, `expected ${QRELS_FIELD_COUNT} fields 'qid iter docid rel', found ${fields.length}`);
    }
    const queryId = fields[QID_FIELD] ?? '';
    const docId = fields[DOCID_FIELD] ?? '';
    const gradeText = fields[GRADE_FIELD] ?? '';
    const grade = Number(gradeText);
    if (!INTEGER_TEXT.test(gradeText) || !Number.isSafeInteger(grade)) {
      throw lineError(file, lineNumber, `relevance '${gradeText}' is not an integer`);
    }
    let queryLines = seenAt.get(queryId);
    let judgments = qrels.get(queryId);
    if (queryLines === undefined || judgments === undefined) {
      queryLines = new Map();
      judgments = new Map();
      seenAt.set(queryId, queryLines);
      qrels.set(queryId, judgments);
    }
    const firstLine = queryLines.get(docId);
    if (firstLine !== undefined) {
      throw lineError(file, lineNumber, `duplicate judgment of document '${docId}' for query '${queryId}' (first at line ${firstLine})`);
    }
    queryLines.set(docId, lineNumber);
    judgments.set(docId, grade);
  }
  return qrels;
}

/** Writes a qrels file (UTF-8). */
export async function writeQrelsFile(path: string, qrels: Qrels): Promise<void> {
  await writeFile(path, formatQrelsFile(qrels), 'utf8');
}

/** Reads a qrels file (UTF-8); errors name `path:line`. */
export async function readQrelsFile(path: string): Promise<Qrels> {
  return parseQrelsFile(await readFile(path, 'utf8'), path);
}
