/**
 * Owns the step between raw input and the measures: rank one query's documents the trec_eval
 * way, truncate at the evaluation depth (trec_eval -M), and attach each document's qrels grade.
 * Also owns trec_eval's notion of "relevant" and the shared validation of depths, cutoffs and grades.
 *
 * Mirrors form_res_rels.c: sort by (score desc, docid desc), then keep the first
 * max_num_docs_per_topic documents, then reject duplicate docids among the kept ones
 * (a duplicate beyond the depth is discarded before trec_eval's check, so it is not an error here either).
 */

import { assertNoDuplicateDocs, sortTrecEval } from './trec-order';
import type { ScoredDocument } from './types';

/** Default evaluation depth: documents ranked below this are discarded (trec_eval -M 1000). */
export const DEFAULT_EVALUATION_DEPTH = 1000;

/**
 * Minimum grade that counts as relevant (trec_eval -l, default 1). With integer grades this is
 * exactly "grade > 0"; zero and negative grades are judged non-relevant.
 */
export const RELEVANCE_LEVEL = 1;

/** doc id -> grade for one query. trec_eval reads grades as integers (atol in get_qrels.c). */
export type QueryJudgments = ReadonlyMap<string, number>;

/** One retrieved document at its trec_eval rank, with its grade (null when the doc is not in the qrels). */
export interface RankedDocument {
  readonly docId: string;
  readonly grade: number | null;
}

/** What every measure reads: one query's truncated trec_eval ranking plus all its judgments. */
export interface JudgedRanking {
  /** Retrieved documents in trec_eval order, rank 1 first, already cut at the depth. */
  readonly ranked: readonly RankedDocument[];
  /** Every judgment of the query, retrieved or not (needed for num_rel and the ideal DCG). */
  readonly judgments: QueryJudgments;
}

/** True when a grade counts as relevant at trec_eval's default relevance level. */
export function isRelevant(grade: number | null): boolean {
  return grade !== null && grade >= RELEVANCE_LEVEL;
}

/** num_rel: judged documents whose grade reaches the relevance level (form_res_rels.c num_rel). */
export function countRelevant(judgments: QueryJudgments): number {
  let count = 0;
  for (const grade of judgments.values()) {
    if (isRelevant(grade)) count++;
  }
  return count;
}

/** Throws unless depth is a positive integer or Infinity (no truncation). */
export function assertDepth(depth: number): void {
  if (!(depth === Number.POSITIVE_INFINITY || (Number.isInteger(depth) && depth > 0))) {
    throw new RangeError(`evaluation depth must be a positive integer or Infinity, got ${depth}`);
  }
}

/** Throws unless cutoff is a positive integer (trec_eval: "Cutoffs must be positive"). */
export function assertCutoff(cutoff: number): void {
  if (!Number.isSafeInteger(cutoff) || cutoff <= 0) {
    throw new RangeError(`measure cutoff must be a positive integer, got ${cutoff}`);
  }
}

/** Throws unless every grade is an integer, since trec_eval cannot represent any other grade. */
export function assertIntegerGrades(queryId: string, judgments: QueryJudgments): void {
  for (const [docId, grade] of judgments) {
    if (!Number.isInteger(grade)) {
      throw new Error(`query '${queryId}': document '${docId}' has grade ${grade}; trec_eval grades must be integers`);
    }
  }
}

/**
 * Ranks one query's documents as trec_eval does, cuts the ranking at `depth`, and looks up
 * each kept document's grade. Throws on NaN scores, on duplicate docids within the depth and
 * on non-integer grades.
 */
export function buildJudgedRanking(
  queryId: string,
  docs: readonly ScoredDocument[],
  judgments: QueryJudgments,
  depth: number = DEFAULT_EVALUATION_DEPTH,
): JudgedRanking {
  assertDepth(depth);
  assertIntegerGrades(queryId, judgments);
  const kept = sortTrecEval(queryId, docs).slice(0, depth);
  assertNoDuplicateDocs(queryId, kept.map((doc) => doc.docId));
  const ranked = kept.map((doc) => ({ docId: doc.docId, grade: judgments.get(doc.docId) ?? null }));
  return { ranked, judgments };
}
