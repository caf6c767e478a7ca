/**
 * Runs boolean queries (as LLMs generate them) against a dataset: the boolean structure decides
 * which documents match, BM25 over the query's positive terms ranks them. The filter runs over the
 * dataset's cached postings (postings-cache.ts) as sorted doc_no arrays (AND/OR/NOT as merges);
 * a batch costs one SQL round-trip for prefix expansion and one for the positions of phrase
 * terms; ranking is the in-process BM25 engine (bm25-top-k.ts). boolean-search-sql.ts keeps the
 * previous SQL implementation as the reference the equality tests compare with.
 *
 * Leaf semantics: a term is analyzed like the index (lowercase, stem); a term that analyzes to
 * several words (`covid-19`) must match as a phrase; `prefix*` matches the terms of every corpus
 * word that starts with the lowercased prefix (`vaccinat*` finds "vaccination", indexed as
 * `vaccin`), the MAX_PREFIX_EXPANSIONS most frequent ones; a leaf that analyzes to nothing
 * matches nothing. A malformed query is a result with a structured error.
 */
import type { Store } from '../store/store';
import { analyzeLeaf, fetchExpansions, fetchPositions, leafTermsOf } from './query-leaves';
import type { ScoredDocument } from '../evaluation/types';
import { getDataset } from '../datasets/catalog';
import { Analyzer } from '../text/analyzer';
import { parseQuery, type QueryParseError } from './query-parser';
import { positiveTerms, type QueryNode } from './query-ast';
import { resolveRanking, type Bm25Params } from './bm25';
import { Bm25Scorer } from './bm25-scorer';
import { docIdsOf, postingsIndex, type PostingsIndex } from './postings-cache';

export { MAX_PREFIX_EXPANSIONS } from './query-leaves';

export interface BooleanQuery {
  key: string;
  text: string;
}

export type BooleanResult =
  | { key: string; ok: true; matched: number; results: ScoredDocument[]; matchedDocNos?: ReadonlySet<number> }
  | { key: string; ok: false; error: QueryParseError };

export interface BooleanSearchOptions {
  params?: Bm25Params;
  top?: number;
  /** Also return every matching document (as dense doc numbers): the set a reviewer screens. */
  withMatches?: boolean;
}

/** A set of documents: doc_nos ascending, no repeats. */
type DocSet = Int32Array;

const EMPTY: DocSet = new Int32Array(0);

function intersect(a: DocSet, b: DocSet): DocSet {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

function subtract(a: DocSet, b: DocSet): DocSet {
  const out = new Int32Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    while (j < b.length && (b[j] as number) < x) j++;
    if (j >= b.length || b[j] !== x) out[n++] = x;
  }
  return out.subarray(0, n);
}

function union(sets: DocSet[]): DocSet {
  const nonEmpty = sets.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0] as DocSet;
  const all = new Int32Array(nonEmpty.reduce((sum, s) => sum + s.length, 0));
  let at = 0;
  for (const s of nonEmpty) {
    all.set(s, at);
    at += s.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
  return all.subarray(0, n);
}

class Evaluator {
  private universeSet: DocSet | undefined;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly index: PostingsIndex,
    private readonly expansions: Map<string, string[]>,
    private readonly positions: Map<string, Map<number, number[]>>,
  ) {}

  private universe(): DocSet {
    return (this.universeSet ??= Int32Array.from({ length: this.index.docCount }, (_, i) => i));
  }

  private postings(term: string): DocSet {
    const t = this.index.termIndex.get(term);
    if (t === undefined) return EMPTY;
    return this.index.docs.subarray(this.index.offsets[t] as number, this.index.offsets[t + 1] as number);
  }

  private phrase(terms: string[]): DocSet {
    const lists = terms.map((t) => this.positions.get(t));
    const first = lists[0];
    if (!first || lists.some((l) => l === undefined)) return EMPTY;
    const out: number[] = [];
    for (const [docNo, starts] of first) {
      const matchesAt = (start: number) =>
        lists.every((list, offset) => offset === 0 || (list?.get(docNo)?.includes(start + offset) ?? false));
      if (starts.some(matchesAt)) out.push(docNo);
    }
    return Int32Array.from(out).sort();
  }

  private leaf(node: QueryNode): DocSet {
    const leaf = analyzeLeaf(this.analyzer, node);
    if (leaf.kind === 'prefix') return union((this.expansions.get(leaf.prefix) ?? []).map((t) => this.postings(t)));
    if (leaf.terms.length === 0) return EMPTY;
    if (leaf.terms.length === 1) return this.postings(leaf.terms[0] ?? '');
    return this.phrase(leaf.terms);
  }

  matches(node: QueryNode): DocSet {
    switch (node.kind) {
      case 'term':
      case 'phrase':
        return this.leaf(node);
      case 'not':
        return subtract(this.universe(), this.matches(node.child));
      case 'or':
        return union(node.children.map((child) => this.matches(child)));
      case 'and': {
        // Intersect the positive children first and subtract negated ones, so `a AND NOT b`
        // never materializes the whole collection.
        const positives = node.children.filter((c) => c.kind !== 'not');
        const negatives = node.children.filter((c): c is Extract<QueryNode, { kind: 'not' }> => c.kind === 'not');
        let result: DocSet | undefined;
        for (const child of positives) {
          const set = this.matches(child);
          result = result === undefined ? set : intersect(result, set);
          if (result.length === 0) return result;
        }
        result ??= this.universe();
        for (const neg of negatives) result = subtract(result, this.matches(neg.child));
        return result;
      }
    }
  }
}

function rankingTerms(ast: QueryNode, analyzer: Analyzer, expansions: Map<string, string[]>): { term: string; weight: number }[] {
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const positive of positiveTerms(ast)) {
    if ('phrase' in positive) {
      for (const t of analyzer.terms(positive.phrase.join(' '))) add(t);
    } else {
      const leaf = analyzeLeaf(analyzer, { kind: 'term', text: positive.text, prefix: positive.prefix });
      if (leaf.kind === 'prefix') for (const t of expansions.get(leaf.prefix) ?? []) add(t);
      else for (const t of leaf.terms) add(t);
    }
  }
  return [...counts].map(([term, weight]) => ({ term, weight }));
}

/** Parses, filters and ranks each query; results keep the input order. */
export async function searchBoolean(
  store: Store,
  dataset: string,
  queries: BooleanQuery[],
  options: BooleanSearchOptions = {},
): Promise<BooleanResult[]> {
  const { params, top } = resolveRanking(options);
  const info = await getDataset(store, dataset);
  const analyzer = new Analyzer(info.analyzer);
  const parsed = queries.map((q) => ({ query: q, result: parseQuery(q.text) }));

  const leaves = leafTermsOf(analyzer, parsed.flatMap(({ result }) => (result.ok ? [result.ast] : [])));
  const index = await postingsIndex(store, info);
  const expansions = await fetchExpansions(store, dataset, [...leaves.prefixes]);
  const positions = await fetchPositions(store, dataset, [...leaves.phrase]);
  const evaluator = new Evaluator(analyzer, index, expansions, positions);
  const scorer = new Bm25Scorer(index, params);
  const docIds = await docIdsOf(store, index, dataset);

  return parsed.map(({ query, result }): BooleanResult => {
    if (!result.ok) return { key: query.key, ok: false, error: result.error };
    const matched = evaluator.matches(result.ast);
    const ranked = scorer.topKOfCandidates(scorer.scoringTerms(rankingTerms(result.ast, analyzer, expansions)), matched, top);
    const results: ScoredDocument[] = [];
    for (let i = 0; i < ranked.docs.length; i++) {
      const docId = docIds[ranked.docs[i] as number];
      if (docId !== undefined) results.push({ docId, score: ranked.scores[i] as number });
    }
    return {
      key: query.key, ok: true, matched: matched.length, results,
      ...(options.withMatches ? { matchedDocNos: new Set(matched) } : {}),
    };
  });
}
