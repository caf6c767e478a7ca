/**
 * Shapes the trec_eval-exact measures work on: a ranked run and graded qrels, both keyed by
 * query id. Kept free of database types so measures are pure functions.
 */

/** One retrieved document for one query. Rank is implied by the trec_eval ordering, never trusted from input. */
export interface ScoredDocument {
  docId: string;
  score: number;
}

/** query id -> retrieved documents (any order; measures sort them the trec_eval way). */
export type Run = Map<string, ScoredDocument[]>;

/** query id -> (doc id -> grade). Grades > 0 are relevant; 0 or negative are judged non-relevant. */
export type Qrels = Map<string, Map<string, number>>;
