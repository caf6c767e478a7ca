/**
 * The reference boolean search: the implementation before the in-process engine, kept so the
 * equality tests can compare boolean-search.ts with it (matches, ranking, scores). Not used by
 * the product.
 *
 * Runs boolean queries (as LLMs generate them) against a dataset: the boolean structure decides
 * which documents match, BM25 over the query's positive terms ranks them. All queries of a batch
 * share two SQL round-trips for term and posting look-ups and one BM25 scoring pass.
 *
 * Leaf semantics: a term is analyzed like the index (lowercase, stem); a term that analyzes to
 * several words (`covid-19`) must match as a phrase; `prefix*` matches the terms of every corpus
 * word that starts with the lowercased prefix (`vaccinat*` finds "vaccination", indexed as
 * `vaccin`), the MAX_PREFIX_EXPANSIONS most frequent ones; a leaf that analyzes to nothing
 * matches nothing. A malformed query is a result with a structured error.
 */
import type { Store } from '../store/store';
import { getDataset } from '../datasets/catalog';
import { Analyzer } from '../text/analyzer';
import { parseQuery } from './query-parser';
import { positiveTerms, type QueryNode } from './query-ast';
import { scoreBm25, type Candidate, type QueryTerm } from './bm25';
import { analyzeLeaf, fetchExpansions, fetchPositions, leafTermsOf } from './query-leaves';
import { type BooleanQuery, type BooleanResult, type BooleanSearchOptions } from './boolean-search';

interface Postings {
  /** term -> doc_no -> positions */
  byTerm: Map<string, Map<number, number[]>>;
  /** analyzed prefix -> expanded index terms */
  expansions: Map<string, string[]>;
}

async function fetchPostings(store: Store, dataset: string, exact: string[], prefixes: string[]): Promise<Postings> {
  const expansions = await fetchExpansions(store, dataset, prefixes);
  const byTerm = await fetchPositions(store, dataset, [...new Set([...exact, ...[...expansions.values()].flat()])]);
  return { byTerm, expansions };
}

function phraseMatches(terms: string[], postings: Postings): Set<number> {
  const lists = terms.map((t) => postings.byTerm.get(t));
  const first = lists[0];
  const out = new Set<number>();
  if (!first || lists.some((l) => l === undefined)) return out;
  for (const [docNo, starts] of first) {
    const matchesAt = (start: number) =>
      lists.every((list, offset) => offset === 0 || (list?.get(docNo)?.includes(start + offset) ?? false));
    if (starts.some(matchesAt)) out.add(docNo);
  }
  return out;
}

class Evaluator {
  constructor(
    private readonly analyzer: Analyzer,
    private readonly postings: Postings,
    private readonly docCount: number,
  ) {}

  private universe(): Set<number> {
    return new Set(Array.from({ length: this.docCount }, (_, i) => i));
  }

  private leaf(node: QueryNode): Set<number> {
    const leaf = analyzeLeaf(this.analyzer, node);
    if (leaf.kind === 'prefix') {
      const out = new Set<number>();
      for (const term of this.postings.expansions.get(leaf.prefix) ?? []) {
        for (const docNo of this.postings.byTerm.get(term)?.keys() ?? []) out.add(docNo);
      }
      return out;
    }
    if (leaf.terms.length === 0) return new Set();
    if (leaf.terms.length === 1) return new Set(this.postings.byTerm.get(leaf.terms[0] ?? '')?.keys() ?? []);
    return phraseMatches(leaf.terms, this.postings);
  }

  matches(node: QueryNode): Set<number> {
    switch (node.kind) {
      case 'term':
      case 'phrase':
        return this.leaf(node);
      case 'not': {
        const excluded = this.matches(node.child);
        return new Set([...this.universe()].filter((d) => !excluded.has(d)));
      }
      case 'or': {
        const out = new Set<number>();
        for (const child of node.children) for (const d of this.matches(child)) out.add(d);
        return out;
      }
      case 'and': {
        // Intersect the positive children first and subtract negated ones, so `a AND NOT b`
        // never materializes the whole collection.
        const positives = node.children.filter((c) => c.kind !== 'not');
        const negatives = node.children.filter((c): c is Extract<QueryNode, { kind: 'not' }> => c.kind === 'not');
        let result: Set<number> | undefined;
        for (const child of positives) {
          const set = this.matches(child);
          result = result === undefined ? set : new Set([...result].filter((d) => set.has(d)));
          if (result.size === 0) return result;
        }
        result ??= this.universe();
        for (const neg of negatives) {
          const excluded = this.matches(neg.child);
          result = new Set([...result].filter((d) => !excluded.has(d)));
        }
        return result;
      }
    }
  }
}

function rankingTerms(key: string, ast: QueryNode, analyzer: Analyzer, postings: Postings): QueryTerm[] {
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const positive of positiveTerms(ast)) {
    if ('phrase' in positive) {
      for (const t of analyzer.terms(positive.phrase.join(' '))) add(t);
    } else {
      const leaf = analyzeLeaf(analyzer, { kind: 'term', text: positive.text, prefix: positive.prefix });
      if (leaf.kind === 'prefix') for (const t of postings.expansions.get(leaf.prefix) ?? []) add(t);
      else for (const t of leaf.terms) add(t);
    }
  }
  return [...counts].map(([term, weight]) => ({ queryKey: key, term, weight }));
}

/** Parses, filters and ranks each query; results keep the input order. */
export async function searchBooleanSql(
  store: Store,
  dataset: string,
  queries: BooleanQuery[],
  options: BooleanSearchOptions = {},
): Promise<BooleanResult[]> {
  const info = await getDataset(store, dataset);
  const analyzer = new Analyzer(info.analyzer);
  const parsed = queries.map((q) => ({ query: q, result: parseQuery(q.text) }));

  const leaves = leafTermsOf(analyzer, parsed.flatMap(({ result }) => (result.ok ? [result.ast] : [])));
  const postings = await fetchPostings(store, dataset, [...leaves.single, ...leaves.phrase], [...leaves.prefixes]);
  const evaluator = new Evaluator(analyzer, postings, info.docCount);

  const candidates: Candidate[] = [];
  const terms: QueryTerm[] = [];
  const matchedCounts = new Map<string, number>();
  const matchedSets = new Map<string, Set<number>>();
  for (const { query, result } of parsed) {
    if (!result.ok) continue;
    const matched = evaluator.matches(result.ast);
    matchedCounts.set(query.key, matched.size);
    if (options.withMatches) matchedSets.set(query.key, matched);
    for (const docNo of matched) candidates.push({ queryKey: query.key, docNo });
    terms.push(...rankingTerms(query.key, result.ast, analyzer, postings));
  }
  const run = await scoreBm25(store, dataset, terms, {
    candidates,
    ...(options.params ? { params: options.params } : {}),
    ...(options.top !== undefined ? { top: options.top } : {}),
  });
  return parsed.map(({ query, result }): BooleanResult =>
    result.ok
      ? {
          key: query.key, ok: true, matched: matchedCounts.get(query.key) ?? 0, results: run.get(query.key) ?? [],
          ...(options.withMatches ? { matchedDocNos: matchedSets.get(query.key) ?? new Set<number>() } : {}),
        }
      : { key: query.key, ok: false, error: result.error },
  );
}
