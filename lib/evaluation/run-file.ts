/**
 * Owns the TREC run file format: `qid Q0 docid rank score tag`, one line per retrieved document.
 *
 * Reading mirrors get_trec_results.c: fields are separated by whitespace, blank lines and lines
 * starting with '#' are skipped, the Q0 and rank columns are ignored (ranks come from sorting by
 * score, then docid descending). Stricter than trec_eval: exactly 6 fields per line (trec_eval
 * ignores anything after the tag), a score that is not a number is an error (trec_eval's atof
 * would silently read 0), and a docid repeated within a query is an error at its line (trec_eval
 * only fails at evaluation time, and only when both copies fall within -M). Every error message
 * starts with `${file}:${line}:`.
 *
 * Writing emits queries in strcmp order of qid and documents in trec_eval order with ranks 1..n,
 * so the rank column agrees with what trec_eval computes. Scores are printed with JavaScript's
 * shortest round-trip form, which strtod/atof parse back to the identical double, so ordering
 * and ties survive exactly. A query with no documents has no lines (same as absent under -c).
 */

import { readFile, writeFile } from 'node:fs/promises';

import { assertNoDuplicateDocs, compareStrcmp, sortTrecEval } from './trec-order';
import { assertWritableField, contentLines, lineError } from './trec-text-format';
import type { Run, ScoredDocument } from './types';

/** Columns in a run line: qid, iteration ("Q0"), docid, rank, score, run tag. */
const RUN_FIELD_COUNT = 6;
const QID_FIELD = 0;
const DOCID_FIELD = 2;
const SCORE_FIELD = 4;
/** Conventional content of the ignored iteration column. */
const ITERATION_MARKER = 'Q0';

/** Renders a run in TREC format under one run tag; throws on unwritable ids, NaN scores or duplicate docids. */
export function formatRunFile(run: Run, tag: string): string {
  assertWritableField('run tag', tag);
  const lines: string[] = [];
  for (const queryId of [...run.keys()].sort(compareStrcmp)) {
    assertWritableField('query id', queryId, true);
    const docs = sortTrecEval(queryId, run.get(queryId) ?? []);
    assertNoDuplicateDocs(queryId, docs.map((doc) => doc.docId));
    docs.forEach((doc, index) => {
      assertWritableField('document id', doc.docId);
      lines.push(`${queryId} ${ITERATION_MARKER} ${doc.docId} ${index + 1} ${String(doc.score)} ${tag}`);
    });
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Parses TREC run text; `file` names the source in error messages (`${file}:${line}: ...`). */
export function parseRunFile(text: string, file: string): Run {
  const run: Run = new Map();
  const seenAt = new Map<string, Map<string, number>>();
  for (const { lineNumber, fields } of contentLines(text)) {
    if (fields.length !== RUN_FIELD_COUNT) {
      throw lineError(file, lineNumber, `expected ${RUN_FIELD_COUNT} fields 'qid Q0 docid rank score tag', found ${fields.length}`);
    }
    const queryId = fields[QID_FIELD] ?? '';
    const docId = fields[DOCID_FIELD] ?? '';
    const scoreText = fields[SCORE_FIELD] ?? '';
    const score = Number(scoreText);
    if (Number.isNaN(score)) {
      throw lineError(file, lineNumber, `score '${scoreText}' is not a number`);
    }
    let queryLines = seenAt.get(queryId);
    if (queryLines === undefined) {
      queryLines = new Map();
      seenAt.set(queryId, queryLines);
      run.set(queryId, []);
    }
    const firstLine = queryLines.get(docId);
    if (firstLine !== undefined) {
      throw lineError(file, lineNumber, `duplicate document '${docId}' for query '${queryId}' (first at line ${firstLine})`);
    }
    queryLines.set(docId, lineNumber);
    const docs: ScoredDocument[] = run.get(queryId) ?? [];
    docs.push({ docId, score });
  }
  return run;
}

/** Writes a run file (UTF-8). */
export async function writeRunFile(path: string, run: Run, tag: string): Promise<void> {
  await writeFile(path, formatRunFile(run, tag), 'utf8');
}

/** Reads a run file (UTF-8); errors name `path:line`. */
export async function readRunFile(path: string): Promise<Run> {
  return parseRunFile(await readFile(path, 'utf8'), path);
}
