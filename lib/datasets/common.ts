/**
 * Small helpers shared by the dataset parsers (SMART, BEIR, TREC): whitespace normalisation,
 * short id lists for warnings, and the cross-checks every parsed collection gets (judgments
 * that point at unknown documents or queries, duplicate judgments, documents with no text).
 * Nothing here reads files or touches the store.
 */
import type { Document, Judgment, Query } from './types';

/** Collapses every run of whitespace to one space and trims. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** `a, b, c` or `a, b, c, ... (+12 more)`: keeps warnings readable on big collections. */
export function sampleList(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, ... (+${items.length - max} more)`;
}

/** `'007'` -> `'7'`; anything that is not all digits is returned unchanged. */
export function canonicalInteger(id: string): string {
  if (!/^\d+$/.test(id)) return id;
  const stripped = id.replace(/^0+(?=\d)/, '');
  return stripped;
}

/** A judgment together with where it was read, for duplicate reports. */
export interface LocatedJudgment extends Judgment {
  line: number;
}

/**
 * Drops repeated (query, document) pairs, keeping the first, and reports them in `warnings`.
 * `file` names the judgments file in the warning.
 */
export function dedupeJudgments(file: string, judged: LocatedJudgment[], warnings: string[]): Judgment[] {
  const seen = new Map<string, number>();
  const out: Judgment[] = [];
  const dups: string[] = [];
  for (const j of judged) {
    const key = `${j.queryId}\u0000${j.docId}`;
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      dups.push(`line ${j.line} (${j.queryId} ${j.docId}, first at line ${firstLine})`);
      continue;
    }
    seen.set(key, j.line);
    out.push({ queryId: j.queryId, docId: j.docId, grade: j.grade });
  }
  if (dups.length > 0) {
    warnings.push(
      `${file}: ${dups.length} repeated judgment(s) ignored, the first one kept: ${sampleList(dups, 5)}`,
    );
  }
  return out;
}

/**
 * Warnings every format shares: judgments naming a document or query that the collection does
 * not contain (kept: the importer decides), queries without any judgment, documents whose
 * fields are all empty.
 */
export function crossCheck(
  documents: readonly Document[],
  queries: readonly Query[],
  qrels: readonly Judgment[],
  warnings: string[],
): void {
  const empty = documents.filter(isEmptyDocument).map((d) => d.id);
  crossCheckIds(new Set(documents.map((d) => d.id)), empty, queries, qrels, warnings);
}

/** Whether every field of `doc` is blank (reported as "documents with no text"). */
export function isEmptyDocument(doc: Document): boolean {
  return Object.values(doc.fields).every((v) => v.trim() === '');
}

/** `crossCheck` for a collection streamed rather than held: its document ids and its empty documents' ids. */
export function crossCheckIds(
  docIds: { has(id: string): boolean },
  emptyDocIds: readonly string[],
  queries: readonly Query[],
  qrels: readonly Judgment[],
  warnings: string[],
): void {
  const queryIds = new Set(queries.map((q) => q.id));

  const unknownDocs = new Set<string>();
  const unknownQueries = new Set<string>();
  const judgedQueries = new Set<string>();
  for (const j of qrels) {
    judgedQueries.add(j.queryId);
    if (!docIds.has(j.docId)) unknownDocs.add(j.docId);
    if (!queryIds.has(j.queryId)) unknownQueries.add(j.queryId);
  }
  if (unknownQueries.size > 0) {
    warnings.push(`judgments for unknown queries: ids ${sampleList([...unknownQueries])}`);
  }
  if (unknownDocs.size > 0) {
    warnings.push(`judgments for unknown documents: ids ${sampleList([...unknownDocs])}`);
  }
  const unjudged = queries.filter((q) => !judgedQueries.has(q.id)).map((q) => q.id);
  if (unjudged.length > 0) {
    warnings.push(`${unjudged.length} of ${queries.length} queries have no judgments: ids ${sampleList(unjudged)}`);
  }
  const emptyQueries = queries.filter((q) => q.text.trim() === '').map((q) => q.id);
  if (emptyQueries.length > 0) {
    warnings.push(`queries with no text: ids ${sampleList(emptyQueries)}`);
  }
  if (emptyDocIds.length > 0) {
    warnings.push(`documents with no text: ids ${sampleList(emptyDocIds)}`);
  }
}

/** The preferred fields that at least one document actually has, in preference order. */
export function presentFields(documents: readonly Document[], preferred: readonly string[]): string[] {
  const present = new Set<string>();
  for (const d of documents) {
    for (const [k, v] of Object.entries(d.fields)) if (v !== '') present.add(k);
  }
  return preferred.filter((f) => present.has(f));
}
