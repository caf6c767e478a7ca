/**
 * Owns whole-run evaluation: every judged query, every requested measure, and the summary
 * row, with trec_eval -c semantics.
 *
 * trec_eval.c / meas_avg.c with -c (average_complete_flag):
 *  - the queries evaluated are those in the qrels; run queries without qrels are ignored;
 *  - a judged query absent from the run is evaluated against an empty ranking, so every
 *    ranking measure is 0 and num_ret / num_rel_ret are 0, while num_rel keeps its qrels count;
 *  - the summary divides the sum over queries by the number of qrels queries
 *    (te_calc_avg_meas_s / te_calc_avg_meas_a_cut), except num_* counts, which stay summed;
 *  - queries are visited in strcmp order of qid, so sums accumulate in trec_eval's order.
 */

import {
  buildJudgedRanking,
  DEFAULT_EVALUATION_DEPTH,
  assertDepth,
} from './judged-ranking';
import { computeMeasure, parseMeasure, summaryRule, type ParsedMeasure } from './measure-registry';
import { compareStrcmp } from './trec-order';
import type { Qrels, Run, ScoredDocument } from './types';

/** The measures reported when the caller names none. */
export const DEFAULT_MEASURES: readonly string[] = ['map', 'ndcg_cut_10', 'P_10', 'recall_100', 'recall_1000', 'recip_rank'];

export interface EvaluateOptions {
  /** Documents per query kept after trec_eval ordering (trec_eval -M). Default 1000. */
  depth?: number;
}

export interface EvaluationResult {
  /** qid -> measure name -> value, for every query in the qrels, in strcmp order of qid. */
  perQuery: Map<string, Record<string, number>>;
  /**
   * trec_eval's summary ("all") row: the mean over all judged queries for every measure,
   * except num_ret, num_rel and num_rel_ret, which trec_eval sums over queries.
   */
  mean: Record<string, number>;
  /** Number of queries in the qrels: the denominator of every mean. */
  judgedQueries: number;
}

const NO_DOCUMENTS: readonly ScoredDocument[] = [];

/** Drops repeated names so that a measure listed twice is not accumulated twice. */
function uniqueMeasures(measures: readonly ParsedMeasure[]): ParsedMeasure[] {
  const byName = new Map<string, ParsedMeasure>();
  for (const measure of measures) byName.set(measure.name, measure);
  return [...byName.values()];
}

/**
 * Evaluates a run against qrels as `trec_eval -c -M <depth> -m ...` would. Throws on an unknown
 * measure name, a bad depth, a NaN score, a duplicate docid within the depth, or a
 * non-integer grade.
 */
export function evaluateRun(
  run: Run,
  qrels: Qrels,
  measures: readonly string[] = DEFAULT_MEASURES,
  options: EvaluateOptions = {},
): EvaluationResult {
  const depth = options.depth ?? DEFAULT_EVALUATION_DEPTH;
  assertDepth(depth);
  const parsed = uniqueMeasures(measures.map(parseMeasure));
  const queryIds = [...qrels.keys()].sort(compareStrcmp);

  const perQuery = new Map<string, Record<string, number>>();
  const totals: Record<string, number> = {};
  for (const measure of parsed) totals[measure.name] = 0;

  for (const queryId of queryIds) {
    const judgments = qrels.get(queryId) ?? new Map<string, number>();
    const query = buildJudgedRanking(queryId, run.get(queryId) ?? NO_DOCUMENTS, judgments, depth);
    const values: Record<string, number> = {};
    for (const measure of parsed) {
      const value = computeMeasure(measure, query);
      values[measure.name] = value;
      totals[measure.name] = (totals[measure.name] ?? 0) + value;
    }
    perQuery.set(queryId, values);
  }

  const judgedQueries = queryIds.length;
  const mean: Record<string, number> = {};
  for (const measure of parsed) {
    const total = totals[measure.name] ?? 0;
    const divide = summaryRule(measure) === 'mean' && judgedQueries > 0;
    mean[measure.name] = divide ? total / judgedQueries : total;
  }
  return { perQuery, mean, judgedQueries };
}
