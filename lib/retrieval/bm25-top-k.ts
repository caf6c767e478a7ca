/**
 * Owns BM25 top-k ranking in process: a dataset's cached postings (postings-cache.ts) scored by
 * Bm25Scorer (bm25-scorer.ts), a batch in worker threads where it pays (parallel-top-k.ts), and
 * the ranked doc numbers turned into a Run. Same inputs and output as the SQL engine `scoreBm25`
 * (bm25.ts), which stays as the reference the equality tests compare with.
 */
import type { Store } from '../store/store';
import type { Run, ScoredDocument } from '../evaluation/types';
import { getDataset } from '../datasets/catalog';
import { resolveRanking, type Bm25Options, type QueryTerm } from './bm25';
import { Bm25Scorer, type TopDocs } from './bm25-scorer';
import { docIdsOf, postingsIndex, type PostingsIndex } from './postings-cache';
import { batchPostings, scoringThreads, topKAll } from './parallel-top-k';

/** Turns ranked doc_nos into a Run, keys in byte order as the SQL engine returns them. */
export function toRun(ranked: Map<string, TopDocs>, docIds: string[]): Run {
  const run: Run = new Map();
  for (const key of [...ranked.keys()].sort(compareKeys)) {
    const { docs, scores } = ranked.get(key) as TopDocs;
    const list: ScoredDocument[] = [];
    for (let i = 0; i < docs.length; i++) {
      const docId = docIds[docs[i] as number];
      if (docId !== undefined) list.push({ docId, score: scores[i] as number });
    }
    if (list.length > 0) run.set(key, list);
  }
  return run;
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Opens the dataset's cached postings and a scorer for the given BM25 parameters. */
export async function openScorer(
  store: Store,
  dataset: string,
  params: { k1: number; b: number },
): Promise<{ index: PostingsIndex; scorer: Bm25Scorer }> {
  const info = await getDataset(store, dataset);
  const index = await postingsIndex(store, info);
  return { index, scorer: new Bm25Scorer(index, params) };
}

/**
 * Drop-in for the SQL engine's `scoreBm25`: the same terms, options and result, computed over the
 * cached postings. With candidates, each query ranks only its candidates (score 0 without terms).
 */
export async function scoreBm25TopK(
  store: Store,
  dataset: string,
  terms: QueryTerm[],
  options: Bm25Options = {},
): Promise<Run> {
  const { params, top } = resolveRanking(options);
  const { index, scorer } = await openScorer(store, dataset, params);

  const termsByKey = new Map<string, { term: string; weight: number }[]>();
  for (const t of terms) {
    let list = termsByKey.get(t.queryKey);
    if (!list) termsByKey.set(t.queryKey, (list = []));
    list.push(t);
  }
  const ranked = new Map<string, TopDocs>();
  if (options.candidates) {
    const docsByKey = new Map<string, number[]>();
    for (const c of options.candidates) {
      let list = docsByKey.get(c.queryKey);
      if (!list) docsByKey.set(c.queryKey, (list = []));
      list.push(c.docNo);
    }
    for (const [key, docNos] of docsByKey) {
      const candidates = Int32Array.from(new Set(docNos)).sort();
      ranked.set(key, scorer.topKOfCandidates(scorer.scoringTerms(termsByKey.get(key) ?? []), candidates, top));
    }
  } else {
    const keys = [...termsByKey.keys()];
    const queries = keys.map((key) => scorer.scoringTerms(termsByKey.get(key) ?? []));
    const threads = scoringThreads(queries.length, batchPostings(index, queries));
    const { results } = await topKAll(index, scorer, params, queries, top, { threads });
    keys.forEach((key, i) => ranked.set(key, results[i] as TopDocs));
  }
  return toRun(ranked, await docIdsOf(store, index, dataset));
}
