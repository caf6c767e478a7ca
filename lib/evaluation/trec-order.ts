/**
 * Owns trec_eval's document ordering: the strcmp-style string comparison and the
 * (score descending, docid descending) sort that trec_eval applies before any measure.
 *
 * trec_eval (form_res_rels.c, comp_sim_docno) sorts a query's results by sim descending and
 * breaks ties with strcmp(p2->docno, p1->docno), i.e. docno in DESCENDING byte order. The rank
 * column of the input is never read (get_trec_results.c: "the rank field is ignored here").
 */

import type { ScoredDocument } from './types';

/** First UTF-16 code unit of a surrogate pair (U+D800..U+DFFF). */
const SURROGATE_START = 0xd800;
/** First BMP code unit above the surrogate block (U+E000..U+FFFF). */
const PRIVATE_USE_START = 0xe000;
/** Lifts surrogates above U+E000..U+FFFF so that UTF-16 units compare in code point order. */
const SURROGATE_LIFT = 0x2000;
/** Lowers U+E000..U+FFFF below the lifted surrogates. */
const BMP_HIGH_DROP = 0x800;

/** Maps a UTF-16 code unit to a key whose order equals code point (= UTF-8 byte) order at a first difference. */
function codePointOrderKey(unit: number): number {
  if (unit < SURROGATE_START) return unit;
  return unit < PRIVATE_USE_START ? unit + SURROGATE_LIFT : unit - BMP_HIGH_DROP;
}

/**
 * Compares two strings the way C strcmp compares their UTF-8 bytes (which is Unicode code point
 * order). Plain `<` on JS strings compares UTF-16 units and disagrees only for characters above
 * U+FFFF versus U+E000..U+FFFF; localeCompare disagrees far more often and must never be used.
 * Returns a negative number, zero or a positive number.
 */
export function compareStrcmp(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const ua = a.charCodeAt(i);
    const ub = b.charCodeAt(i);
    if (ua !== ub) return codePointOrderKey(ua) - codePointOrderKey(ub);
  }
  return a.length - b.length;
}

/** trec_eval's comp_sim_docno: higher score first; equal scores put the larger docid (strcmp) first. */
export function compareTrecEval(a: ScoredDocument, b: ScoredDocument): number {
  if (a.score > b.score) return -1;
  if (a.score < b.score) return 1;
  return compareStrcmp(b.docId, a.docId);
}

/**
 * Returns a new array of the documents in trec_eval rank order. Throws when a score is NaN,
 * because NaN has no place in trec_eval's order (its comparator would be inconsistent).
 */
export function sortTrecEval(queryId: string, docs: readonly ScoredDocument[]): ScoredDocument[] {
  for (const doc of docs) {
    if (Number.isNaN(doc.score)) {
      throw new Error(`query '${queryId}': document '${doc.docId}' has a NaN score`);
    }
  }
  return [...docs].sort(compareTrecEval);
}

/**
 * Throws when a docid occurs twice in one query's list, as trec_eval does
 * (form_res_rels.c: "duplicate docs"), naming the query and the document.
 */
export function assertNoDuplicateDocs(queryId: string, docIds: Iterable<string>): void {
  const seen = new Set<string>();
  for (const docId of docIds) {
    if (seen.has(docId)) {
      throw new Error(`query '${queryId}': duplicate document '${docId}' in the ranking (trec_eval rejects duplicate docs)`);
    }
    seen.add(docId);
  }
}
