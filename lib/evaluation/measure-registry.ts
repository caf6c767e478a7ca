/**
 * Owns the measure names: parses trec_eval-style names ('map', 'ndcg_cut_10', 'P_10',
 * 'recall_1000', 'recip_rank', 'num_ret', ...) into a measure kind plus cutoff, and maps every
 * kind to its pure implementation and to how trec_eval summarises it over queries.
 *
 * Names follow trec_eval's printed names (meas_init.c append_long: "<measure>_<cutoff>").
 * The registry is a mapped type over the kind union, so adding a kind without a handler (or with
 * a handler of the wrong arity) is a compile error.
 */

import type { JudgedRanking } from './judged-ranking';
import { averagePrecision } from './measures/average-precision';
import { numRelevant, numRelevantRetrieved, numRetrieved } from './measures/counts';
import { ndcgCut } from './measures/ndcg-cut';
import { precisionAt } from './measures/precision-at';
import { recallAt } from './measures/recall-at';
import { reciprocalRank } from './measures/reciprocal-rank';

/** Kinds whose name carries a rank cutoff: `<kind>_<k>`. */
export const CUTOFF_MEASURE_KINDS = ['ndcg_cut', 'P', 'recall'] as const;
/** Kinds whose name is used as is. */
export const PLAIN_MEASURE_KINDS = ['map', 'recip_rank', 'num_ret', 'num_rel', 'num_rel_ret'] as const;

export type CutoffMeasureKind = (typeof CUTOFF_MEASURE_KINDS)[number];
export type PlainMeasureKind = (typeof PLAIN_MEASURE_KINDS)[number];
export type MeasureKind = CutoffMeasureKind | PlainMeasureKind;

/** Cutoffs trec_eval reports by default for ndcg_cut, P and recall (m_ndcg_cut.c, m_P.c, m_recall.c). */
export const TREC_EVAL_DEFAULT_CUTOFFS: readonly number[] = [5, 10, 15, 20, 30, 100, 200, 500, 1000];

/**
 * How trec_eval's summary ("all") line combines per-query values: most measures are averaged
 * over the judged queries (te_calc_avg_meas_s / _a_cut); the num_* counts are summed
 * (te_calc_avg_meas_empty leaves the accumulated sum).
 */
export type SummaryRule = 'mean' | 'sum';

interface PlainMeasureDefinition {
  readonly summary: SummaryRule;
  readonly compute: (query: JudgedRanking) => number;
}

interface CutoffMeasureDefinition {
  readonly summary: SummaryRule;
  readonly compute: (query: JudgedRanking, cutoff: number) => number;
}

type MeasureDefinition<K extends MeasureKind> = K extends CutoffMeasureKind
  ? CutoffMeasureDefinition
  : PlainMeasureDefinition;

/** Every measure kind with its implementation. Missing kinds fail to compile. */
export const MEASURE_REGISTRY: { readonly [K in MeasureKind]: MeasureDefinition<K> } = {
  map: { summary: 'mean', compute: averagePrecision },
  recip_rank: { summary: 'mean', compute: reciprocalRank },
  num_ret: { summary: 'sum', compute: numRetrieved },
  num_rel: { summary: 'sum', compute: numRelevant },
  num_rel_ret: { summary: 'sum', compute: numRelevantRetrieved },
  ndcg_cut: { summary: 'mean', compute: ndcgCut },
  P: { summary: 'mean', compute: precisionAt },
  recall: { summary: 'mean', compute: recallAt },
};

/** A parsed measure name. `name` is the canonical name used as the result key. */
export type ParsedMeasure =
  | { readonly name: string; readonly kind: PlainMeasureKind }
  | { readonly name: string; readonly kind: CutoffMeasureKind; readonly cutoff: number };

/** Human-readable list of accepted names, used in error messages. */
export const VALID_MEASURE_FORMS: string = [
  ...PLAIN_MEASURE_KINDS,
  ...CUTOFF_MEASURE_KINDS.map((kind) => `${kind}_<k>`),
].join(', ');

const CUTOFF_NAME = /^(.+)_([1-9][0-9]*)$/;

function isPlainKind(name: string): name is PlainMeasureKind {
  return (PLAIN_MEASURE_KINDS as readonly string[]).includes(name);
}

function isCutoffKind(name: string): name is CutoffMeasureKind {
  return (CUTOFF_MEASURE_KINDS as readonly string[]).includes(name);
}

/** Parses a measure name; throws listing the valid forms when the name is not one of them. */
export function parseMeasure(name: string): ParsedMeasure {
  if (isPlainKind(name)) return { name, kind: name };
  const match = CUTOFF_NAME.exec(name);
  const kind = match?.[1];
  const cutoff = Number(match?.[2]);
  if (kind !== undefined && isCutoffKind(kind) && Number.isSafeInteger(cutoff)) {
    return { name, kind, cutoff };
  }
  throw new Error(
    `unknown measure '${name}'; valid forms: ${VALID_MEASURE_FORMS} (k a positive integer without leading zeros, e.g. ndcg_cut_10, P_10, recall_1000)`,
  );
}

/** Computes one parsed measure for one query. */
export function computeMeasure(measure: ParsedMeasure, query: JudgedRanking): number {
  if ('cutoff' in measure) return MEASURE_REGISTRY[measure.kind].compute(query, measure.cutoff);
  return MEASURE_REGISTRY[measure.kind].compute(query);
}

/** How the summary over queries is formed for a measure (mean for rates, sum for num_* counts). */
export function summaryRule(measure: ParsedMeasure): SummaryRule {
  return MEASURE_REGISTRY[measure.kind].summary;
}

/** Names of one cutoff measure at several cutoffs, e.g. ('P', [5, 10]) -> ['P_5', 'P_10']. */
export function cutoffMeasureNames(
  kind: CutoffMeasureKind,
  cutoffs: readonly number[] = TREC_EVAL_DEFAULT_CUTOFFS,
): string[] {
  return cutoffs.map((cutoff) => parseMeasure(`${kind}_${cutoff}`).name);
}
