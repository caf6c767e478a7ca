/**
 * Runs generated queries against a dataset and scores them. All queries of a batch of items go
 * to the search backend (lib/backends: the embedded engine or PostgreSQL) in one call, ID-only (doc ids and scores, no text); each item's
 * rankings are de-duplicated and fused with reciprocal rank fusion, and the fused ranking is
 * scored with the trec_eval-exact ranked measures against the item's question. The set-based
 * measures (set_P, set_recall, set_F, set_F_9, num_ret) are scored on the union of every
 * document the item's queries match, as a reviewer would screen them, with no rank cut; the
 * union is held as the backend's match keys (the embedded engine's dense doc numbers), and only
 * the judged documents are looked up.
 *
 * Retrieval strategies (bm25, dense, hybrid) give a ranking, not a set to screen: their items get
 * the ranked measures only. A bm25 item's one query is ranked by the backend; a dense item's
 * ranking is its dense ranking; a hybrid item fuses its dense ranking with its queries' results
 * (a single query's BM25 scores as they are, several queries' RRF-fused first) by its fusion.
 *
 * Each item gets its retrieval time (`retrievalMs`): its share of the batch's one search call
 * (the call's wall time over the batch's queries, times the item's queries) plus the time of its
 * own fusion. The engine adds it to a retrieval strategy's latency, so a bm25 or hybrid item's
 * latency includes the search that made its ranking.
 */
import type { Qrels, ScoredDocument } from '../evaluation/types';
import { evaluateRun } from '../evaluation/evaluate';
import type { MatchKey, SearchBackend } from '../backends/search-backend';
import { computeMeasure, headlineMeasures, parseMeasure } from '../evaluation/measure-registry';
import type { JudgedRanking, RankedDocument } from '../evaluation/judged-ranking';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import { fuseRankings } from './fusion';
import type { RankedRetrieval } from './types';

export interface QueryBatchItem {
  key: string;
  questionId: string;
  queries: string[];
  /** A retrieval strategy's item: ranked measures only; its dense ranking taken or fused with the queries' results. */
  retrieval?: RankedRetrieval;
}

export interface ExecutedItem {
  key: string;
  queryCount: number;
  /** Queries that parsed (the rest are syntax errors). */
  parsedCount: number;
  parseErrors: string[];
  /** Distinct documents retrieved across all of the item's queries. */
  docsFound: number;
  fused: ScoredDocument[];
  metrics: Record<string, number>;
  /** The item's share of the batch's search call plus its fusion, in ms. */
  retrievalMs: number;
}

/** Ranked measures, on the fused ranking (cut at the suite's top_k). */
export function itemMeasures(top: number): string[] {
  return [...headlineMeasures(top).map((m) => m.name), 'P_10'];
}

/**
 * Set measures, on the union of the documents the item's queries match. `set_F_9` is the
 * systematic-review F3 (trec_eval's parameter is beta squared); `num_ret` is the set's size.
 */
export const ITEM_SET_MEASURES = ['set_P', 'set_recall', 'set_F', 'set_F_9', 'num_ret'] as const;
const PARSED_SET_MEASURES = ITEM_SET_MEASURES.map(parseMeasure);

/** The match keys of every judged document of the given questions. */
async function judgedKeys(backend: SearchBackend, qrels: Qrels, questionIds: string[]): Promise<Map<string, MatchKey>> {
  const ids = [...new Set(questionIds.flatMap((q) => [...(qrels.get(q)?.keys() ?? [])]))];
  return ids.length === 0 ? new Map() : backend.judgedKeys(ids);
}

/** The set measures of one item: its union of matches against the question's judgments. */
function setMeasures(union: ReadonlySet<MatchKey>, judged: ReadonlyMap<string, number>, docNos: ReadonlyMap<string, MatchKey>): Record<string, number> {
  const gradeByNo = new Map<MatchKey, { docId: string; grade: number }>();
  for (const [docId, grade] of judged) {
    const no = docNos.get(docId);
    if (no !== undefined) gradeByNo.set(no, { docId, grade });
  }
  // Only counts matter to set measures; unjudged documents keep a placeholder id.
  const ranked: RankedDocument[] = [];
  for (const no of union) {
    const hit = gradeByNo.get(no);
    ranked.push(hit ? { docId: hit.docId, grade: hit.grade } : { docId: `#${no}`, grade: null });
  }
  const query: JudgedRanking = { ranked, judgments: judged };
  return Object.fromEntries(PARSED_SET_MEASURES.map((m) => [m.name, computeMeasure(m, query)]));
}

export async function executeQueries(
  backend: SearchBackend,
  qrels: Qrels,
  items: QueryBatchItem[],
  top: number,
): Promise<ExecutedItem[]> {
  const flat = items.flatMap((item) => item.queries.map((text, i) => ({ key: `${item.key}#${i}`, text })));
  const searchStarted = performance.now();
  const results = await backend.search(flat, { top, withMatches: true });
  const perQueryMs = flat.length > 0 ? (performance.now() - searchStarted) / flat.length : 0;
  const byKey = new Map(results.map((r) => [r.key, r]));
  const measures = itemMeasures(top);
  const docNos = await judgedKeys(backend, qrels, items.map((i) => i.questionId));
  return items.map((item) => {
    const rankings: ScoredDocument[][] = [];
    const parseErrors: string[] = [];
    const found = new Set<string>();
    const union = new Set<MatchKey>();
    item.queries.forEach((text, i) => {
      const result = byKey.get(`${item.key}#${i}`);
      if (!result) return;
      if (!result.ok) {
        parseErrors.push(`query ${i + 1} at ${result.error.position}: ${result.error.message}`);
        return;
      }
      rankings.push(result.results);
      for (const doc of result.results) found.add(doc.docId);
      for (const no of result.matchedKeys ?? []) union.add(no);
    });
    const fuseStarted = performance.now();
    const lexical = rankings.length === 1 ? (rankings[0] as ScoredDocument[]) : reciprocalRankFusion(rankings);
    const retrieval = item.retrieval;
    let fused: ScoredDocument[];
    if (!retrieval) fused = reciprocalRankFusion(rankings).slice(0, top);
    else if (!retrieval.dense) fused = lexical.slice(0, top);
    else if (item.queries.length === 0 || !retrieval.fusion) fused = retrieval.dense.slice(0, top);
    else fused = fuseRankings([lexical, retrieval.dense], retrieval.fusion).slice(0, top);
    const retrievalMs = perQueryMs * item.queries.length + (performance.now() - fuseStarted);
    if (retrieval?.dense) for (const doc of retrieval.dense) found.add(doc.docId);
    const judged = qrels.get(item.questionId);
    const metrics = judged
      ? {
          ...(evaluateRun(new Map([[item.questionId, fused]]), new Map([[item.questionId, judged]]), measures, { depth: top }).perQuery.get(item.questionId) ?? {}),
          ...(retrieval ? {} : setMeasures(union, judged, docNos)),
        }
      : {};
    return { key: item.key, queryCount: item.queries.length, parsedCount: rankings.length, parseErrors, docsFound: found.size, fused, metrics, retrievalMs };
  });
}
