/**
 * What both boolean matchers (the typed-array engine in boolean-search.ts and its SQL reference
 * in boolean-search-sql.ts) do the same way: a query's leaves (terms and phrases), each analyzed
 * as the index was (a sequence of index terms, or a prefix), and each prefix's expansion to the
 * index terms of corpus words that start with it, the most frequent first, capped; and the
 * positions of index terms (phrases).
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { Analyzer } from '../text/analyzer';
import type { QueryNode } from './query-ast';

/** Index terms a prefix may expand to, the most frequent first. */
export const MAX_PREFIX_EXPANSIONS = 200;

/** A leaf after analysis: a sequence of index terms (one for a plain term) or a prefix. */
export type Leaf = { kind: 'words'; terms: string[] } | { kind: 'prefix'; prefix: string };

export function analyzeLeaf(analyzer: Analyzer, node: QueryNode): Leaf {
  if (node.kind === 'term') {
    if (node.prefix) return { kind: 'prefix', prefix: analyzer.words(node.text).join('') };
    return { kind: 'words', terms: analyzer.terms(node.text) };
  }
  if (node.kind === 'phrase') return { kind: 'words', terms: analyzer.terms(node.words.join(' ')) };
  throw new Error(`not a leaf: ${node.kind}`);
}

export function collectLeaves(node: QueryNode, out: QueryNode[]): void {
  if (node.kind === 'term' || node.kind === 'phrase') out.push(node);
  else if (node.kind === 'not') collectLeaves(node.child, out);
  else for (const child of node.children) collectLeaves(child, out);
}

/** The index terms and prefixes a batch of parsed queries needs, by the kind of leaf they come from. */
export interface LeafTerms {
  /** Terms of single-term leaves. */
  single: Set<string>;
  /** Terms of phrase leaves (several terms): the matchers need their positions. */
  phrase: Set<string>;
  /** Non-empty prefixes, to expand. */
  prefixes: Set<string>;
}

/** Analyzes every leaf of `asts` as the index was and sorts the terms by what the matchers need of them. */
export function leafTermsOf(analyzer: Analyzer, asts: readonly QueryNode[]): LeafTerms {
  const out: LeafTerms = { single: new Set(), phrase: new Set(), prefixes: new Set() };
  for (const ast of asts) {
    const leaves: QueryNode[] = [];
    collectLeaves(ast, leaves);
    for (const node of leaves) {
      const leaf = analyzeLeaf(analyzer, node);
      if (leaf.kind === 'prefix') {
        if (leaf.prefix !== '') out.prefixes.add(leaf.prefix);
      } else {
        const into = leaf.terms.length > 1 ? out.phrase : out.single;
        for (const t of leaf.terms) into.add(t);
      }
    }
  }
  return out;
}

/** Each prefix's index terms: those of corpus words starting with it, the most frequent first. */
export async function fetchExpansions(store: Store, dataset: string, prefixes: string[]): Promise<Map<string, string[]>> {
  const expansions = new Map<string, string[]>(prefixes.map((p) => [p, []]));
  if (prefixes.length === 0) return expansions;
  const rows = await store.all<{ prefix: string; term: string }>(
    `WITH matches AS (
       SELECT DISTINCT p.prefix, t.term, t.doc_freq
       FROM unnest($prefixes) AS p(prefix)
       JOIN index_words w ON w.dataset = $dataset AND starts_with(w.word, p.prefix)
       JOIN index_terms t ON t.dataset = $dataset AND t.term = w.term
     )
     SELECT prefix, term FROM matches
     QUALIFY row_number() OVER (PARTITION BY prefix ORDER BY doc_freq DESC, term) <= $limit`,
    { prefixes: listValue(prefixes), dataset, limit: MAX_PREFIX_EXPANSIONS },
    { prefixes: LIST(VARCHAR) },
  );
  for (const row of rows) expansions.get(row.prefix)?.push(row.term);
  return expansions;
}

/** term -> doc_no -> positions of the given index terms (the typed-array matcher asks for its phrases' terms only; positions stay in DuckDB otherwise). */
export async function fetchPositions(store: Store, dataset: string, terms: string[]): Promise<Map<string, Map<number, number[]>>> {
  const byTerm = new Map<string, Map<number, number[]>>();
  if (terms.length === 0) return byTerm;
  const rows = await store.all<{ term: string; doc_no: number; positions: number[] }>(
    `SELECT t.term, p.doc_no, p.positions
     FROM index_terms t
     JOIN index_postings p ON p.dataset = t.dataset AND p.term_no = t.term_no
     WHERE t.dataset = $dataset AND t.term IN (SELECT unnest($terms))`,
    { dataset, terms: listValue(terms) },
    { terms: LIST(VARCHAR) },
  );
  for (const row of rows) {
    let docs = byTerm.get(row.term);
    if (!docs) byTerm.set(row.term, (docs = new Map()));
    docs.set(row.doc_no, row.positions);
  }
  return byTerm;
}
