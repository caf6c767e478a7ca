/**
 * BM25 ranking computed in SQL over a dataset's index tables. All queries of a batch are scored
 * in one set-based statement: the analyzed query terms are bound as list parameters (no temp
 * tables, one round-trip), one join with the postings computes every (query, document) score,
 * and a window keeps each query's top k.
 *
 * Scoring is Lucene's BM25 (idf = ln(1 + (N - df + 0.5) / (df + 0.5)), always positive;
 * tf part = tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)); a term repeated in a query counts
 * once per occurrence). Scores are rounded to SCORE_DECIMALS so that documents with the same
 * evidence tie exactly, whatever order SQL sums them in; ties are then broken by doc id
 * descending, as trec_eval does.
 *
 * Optionally a candidate set per query restricts scoring (boolean filters); candidates with none
 * of the query's positive terms still appear, with score 0.
 */
import { DOUBLE, INTEGER, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import { InputError } from '../input-error';
import type { Run, ScoredDocument } from '../evaluation/types';
import { SCORE_DECIMALS } from './bm25-scorer';

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };
/** trec_eval's default evaluation depth, and our default retrieval depth. */
export const DEFAULT_TOP_K = 1000;
export { SCORE_DECIMALS } from './bm25-scorer';

/** One analyzed term of one query; `weight` is how often the term occurs in the query. */
export interface QueryTerm {
  queryKey: string;
  term: string;
  weight: number;
}

export interface Candidate {
  queryKey: string;
  docNo: number;
}

export interface Bm25Options {
  params?: Bm25Params;
  top?: number;
  /** When given, only these (query, doc_no) pairs are scored and returned. */
  candidates?: Candidate[];
}

export function validateBm25Params(params: Bm25Params): void {
  if (!Number.isFinite(params.k1) || params.k1 < 0) throw new InputError(`BM25 k1 must be a number >= 0, got ${params.k1}`);
  if (!Number.isFinite(params.b) || params.b < 0 || params.b > 1) throw new InputError(`BM25 b must be between 0 and 1, got ${params.b}`);
}

/**
 * The parameters and cut-off a ranking call runs with, defaults filled in and checked (bad
 * values are the caller's input: InputError). Every engine entry point starts with it.
 */
export function resolveRanking(options: { params?: Bm25Params | undefined; top?: number | undefined }): { params: Bm25Params; top: number } {
  const params = options.params ?? DEFAULT_BM25;
  validateBm25Params(params);
  const top = options.top ?? DEFAULT_TOP_K;
  if (!Number.isInteger(top) || top < 1) throw new InputError(`top must be a whole number >= 1, got ${top}`);
  return { params, top };
}


function scoringSql(withCandidates: boolean): string {
  // Per (query, term): the query-side weight, qtf * idf. Per posting: the length-normalized tf.
  const contributions = `
    stats AS (
      SELECT doc_count::DOUBLE AS n, avg_doc_length AS avgdl FROM datasets WHERE name = $dataset
    ),
    query_terms AS (
      SELECT q.query_key, t.term_no,
        sum(q.weight) * ln(1 + (stats.n - t.doc_freq + 0.5) / (t.doc_freq + 0.5)) AS query_weight
      FROM (SELECT unnest($keys) AS query_key, unnest($terms) AS term, unnest($weights) AS weight) q
      JOIN index_terms t ON t.dataset = $dataset AND t.term = q.term
      CROSS JOIN stats
      GROUP BY q.query_key, t.term_no, t.doc_freq, stats.n
    ),
    contributions AS (
      SELECT qt.query_key, p.doc_no,
        qt.query_weight * p.tf * ($k1 + 1)
          / (p.tf + $k1 * (1 - $b + $b * p.doc_length / (SELECT avgdl FROM stats))) AS w
      FROM query_terms qt
      JOIN index_postings p ON p.dataset = $dataset AND p.term_no = qt.term_no
    )`;
  const scored = withCandidates
    ? `scored AS (
      SELECT c.query_key, c.doc_no, round(coalesce(sum(x.w), 0), $decimals) AS score
      FROM (SELECT unnest($candidate_keys) AS query_key, unnest($candidate_docs) AS doc_no) c
      LEFT JOIN contributions x ON x.query_key = c.query_key AND x.doc_no = c.doc_no
      GROUP BY ALL
    )`
    : `scored AS (
      SELECT query_key, doc_no, round(sum(w), $decimals) AS score FROM contributions GROUP BY ALL
    )`;
  // doc_no follows doc_id byte order (see the importer), so "doc_no DESC" is trec_eval's tie-break.
  return `WITH ${contributions}, ${scored},
    top_k AS (
      SELECT * FROM scored
      QUALIFY row_number() OVER (PARTITION BY query_key ORDER BY score DESC, doc_no DESC) <= $top
    )
    SELECT t.query_key, d.doc_id, t.score
    FROM top_k t
    JOIN documents d ON d.dataset = $dataset AND d.doc_no = t.doc_no
    ORDER BY t.query_key, t.score DESC, t.doc_no DESC`;
}

/** Scores every query's terms against `dataset` in one statement; returns query key -> ranked docs. */
export async function scoreBm25(
  store: Store,
  dataset: string,
  terms: QueryTerm[],
  options: Bm25Options = {},
): Promise<Run> {
  const { params, top } = resolveRanking(options);

  const withCandidates = options.candidates !== undefined;
  const candidates = options.candidates ?? [];
  const columns = await store.columns(
    scoringSql(withCandidates),
    {
      dataset,
      k1: params.k1,
      b: params.b,
      top,
      decimals: SCORE_DECIMALS,
      keys: listValue(terms.map((t) => t.queryKey)),
      terms: listValue(terms.map((t) => t.term)),
      weights: listValue(terms.map((t) => t.weight)),
      ...(withCandidates
        ? {
            candidate_keys: listValue(candidates.map((c) => c.queryKey)),
            candidate_docs: listValue(candidates.map((c) => c.docNo)),
          }
        : {}),
    },
    {
      keys: LIST(VARCHAR),
      terms: LIST(VARCHAR),
      weights: LIST(DOUBLE),
      ...(withCandidates ? { candidate_keys: LIST(VARCHAR), candidate_docs: LIST(INTEGER) } : {}),
    },
  );
  const [keys = [], docIds = [], scores = []] = columns as [string[], string[], number[]];
  const run: Run = new Map();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    let list = run.get(key);
    if (!list) run.set(key, (list = []));
    list.push({ docId: docIds[i] as string, score: scores[i] as number } satisfies ScoredDocument);
  }
  return run;
}
