/**
 * Ranked retrieval of natural-language queries: each query becomes a plain OR of its analyzed
 * terms (the reference setting) and all of them are scored by BM25 over the dataset's cached
 * postings (bm25-top-k.ts; the SQL engine in bm25.ts is the reference it equals).
 */
import type { Store } from '../store/store';
import type { Run } from '../evaluation/types';
import { getDataset, loadQueries } from '../datasets/catalog';
import { Analyzer } from '../text/analyzer';
import type { Bm25Options, QueryTerm } from './bm25';
import { scoreBm25TopK } from './bm25-top-k';

export interface KeyedText {
  key: string;
  text: string;
}

/** Analyzed terms of each text, with in-query frequencies as weights. */
export function analyzeQueries(analyzer: Analyzer, queries: KeyedText[]): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const q of queries) {
    const counts = new Map<string, number>();
    for (const term of analyzer.terms(q.text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, weight] of counts) terms.push({ queryKey: q.key, term, weight });
  }
  return terms;
}

/** BM25 over `dataset` for the given texts (OR of their terms), analyzed as the dataset was indexed. */
export async function retrieveTexts(
  store: Store,
  dataset: string,
  queries: KeyedText[],
  options: Bm25Options = {},
): Promise<Run> {
  const info = await getDataset(store, dataset);
  const run = await scoreBm25TopK(store, dataset, analyzeQueries(new Analyzer(info.analyzer), queries), options);
  for (const q of queries) if (!run.has(q.key)) run.set(q.key, []);
  return run;
}

/** BM25 over `dataset` for all of the dataset's own queries. */
export async function retrieveAll(store: Store, dataset: string, options: Bm25Options = {}): Promise<Run> {
  const queries = await loadQueries(store, dataset);
  return retrieveTexts(store, dataset, queries.map((q) => ({ key: q.id, text: q.text })), options);
}
