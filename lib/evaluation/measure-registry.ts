/**
 * Owns the measure names: parses trec_eval-style names ('map', 'ndcg_cut_10', 'P_10',
 * 'recall_1000', 'recip_rank', 'num_ret', 'set_P', 'set_F_9', ...) into a measure kind plus
 * cutoff or parameter, and maps every kind to its pure implementation and to how trec_eval
 * summarises it over queries.
 *
 * Names follow trec_eval's printed names:
 *  - cutoff measures: meas_init.c append_long, "<measure>_<cutoff>" (`-m P.10` prints P_10);
 *  - set_P, set_recall: plain names (m_set_P.c, m_set_recall.c, te_init_meas_s_double);
 *  - set_F: one float parameter x (m_set_F.c, te_init_meas_s_double_p_double). trec_eval.c
 *    mark_measure splits `-m set_F.<string>` at the FIRST '.', so `set_F.3.0` has parameter
 *    string "3.0"; get_double_params keeps that string verbatim as printable_params and reads
 *    the value with atof; the result line is named append_string(name, printable_params) =
 *    "set_F_<string>". Without a parameter printable_params is NULL and the line is the plain
 *    `set_F` with the default x = 1.0. So `-m set_F` prints `set_F`, `-m set_F.3` prints
 *    `set_F_3`, `-m set_F.3.0` prints `set_F_3.0` (same value), `-m set_F.9` prints `set_F_9`.
 *    Benchlab accepts exactly these printed names: `set_F` (x = 1) and `set_F_<x>` with x a
 *    plain decimal (digits, optional '.digits', no sign, exponent or leading zero); the name is
 *    kept verbatim, as trec_eval prints it.
 *    x is trec_eval's weight of recall, (x+1)PR/(xP+R), i.e. beta SQUARED: the
 *    systematic-review F3 (beta = 3) is `set_F_9`, while `set_F_3` is trec_eval's `-m set_F.3`
 *    (beta = sqrt 3). Both are computed as trec_eval does; see measures/set-f.ts.
 *    trec_eval itself computes only one set_F parameter per invocation (one TREC_MEAS per
 *    measure; the first `-m set_F.<x>` given wins); Benchlab has no such limit.
 * The registry is a mapped type over the kind union, so adding a kind without a handler (or with
 * a handler of the wrong arity) is a compile error.
 * Users may type a measure in trec_eval's form or the display form (`nDCG@10`), in any case:
 * resolveMeasure, at the end, is the one place every command reads such a name.
 */

import { InputError } from '../input-error';
import type { JudgedRanking } from './judged-ranking';
import { averagePrecision } from './measures/average-precision';
import { numRelevant, numRelevantRetrieved, numRetrieved } from './measures/counts';
import { ndcgCut } from './measures/ndcg-cut';
import { precisionAt } from './measures/precision-at';
import { recallAt } from './measures/recall-at';
import { reciprocalRank } from './measures/reciprocal-rank';
import { SET_F_DEFAULT_WEIGHT, setF } from './measures/set-f';
import { setPrecision } from './measures/set-precision';
import { setRecall } from './measures/set-recall';

/** Kinds whose name carries a rank cutoff: `<kind>_<k>`. */
export const CUTOFF_MEASURE_KINDS = ['ndcg_cut', 'P', 'recall'] as const;
/** Kinds whose name is used as is. */
export const PLAIN_MEASURE_KINDS = [
  'map',
  'recip_rank',
  'num_ret',
  'num_rel',
  'num_rel_ret',
  'set_P',
  'set_recall',
] as const;
/**
 * Kinds with one float parameter: `<kind>` (trec_eval's default parameter) or
 * `<kind>_<x>` (trec_eval's `-m <kind>.<x>`, printed `<kind>_<x>`).
 */
export const PARAMETER_MEASURE_KINDS = ['set_F'] as const;

export type CutoffMeasureKind = (typeof CUTOFF_MEASURE_KINDS)[number];
export type PlainMeasureKind = (typeof PLAIN_MEASURE_KINDS)[number];
export type ParameterMeasureKind = (typeof PARAMETER_MEASURE_KINDS)[number];
export type MeasureKind = CutoffMeasureKind | PlainMeasureKind | ParameterMeasureKind;

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

interface ParameterMeasureDefinition {
  readonly summary: SummaryRule;
  /** The parameter trec_eval uses when the name carries none. */
  readonly defaultParameter: number;
  readonly compute: (query: JudgedRanking, parameter: number) => number;
}

type MeasureDefinition<K extends MeasureKind> = K extends CutoffMeasureKind
  ? CutoffMeasureDefinition
  : K extends ParameterMeasureKind
    ? ParameterMeasureDefinition
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
  set_P: { summary: 'mean', compute: setPrecision },
  set_recall: { summary: 'mean', compute: setRecall },
  set_F: { summary: 'mean', defaultParameter: SET_F_DEFAULT_WEIGHT, compute: setF },
};

/** A parsed measure name. `name` is the canonical name used as the result key. */
export type ParsedMeasure =
  | { readonly name: string; readonly kind: PlainMeasureKind }
  | { readonly name: string; readonly kind: CutoffMeasureKind; readonly cutoff: number }
  | { readonly name: string; readonly kind: ParameterMeasureKind; readonly parameter: number };

/** Human-readable list of accepted names, used in error messages. */
export const VALID_MEASURE_FORMS: string = [
  ...PLAIN_MEASURE_KINDS,
  ...PARAMETER_MEASURE_KINDS.flatMap((kind) => [kind, `${kind}_<x>`]),
  ...CUTOFF_MEASURE_KINDS.map((kind) => `${kind}_<k>`),
].join(', ');

const CUTOFF_NAME = /^(.+)_([1-9][0-9]*)$/;
/** `<kind>_<x>`, x a plain decimal as trec_eval's `-m <kind>.<x>` would print it. */
const PARAMETER_NAME = /^(.+?)_((?:0|[1-9][0-9]*)(?:\.[0-9]+)?)$/;

function isPlainKind(name: string): name is PlainMeasureKind {
  return (PLAIN_MEASURE_KINDS as readonly string[]).includes(name);
}

function isCutoffKind(name: string): name is CutoffMeasureKind {
  return (CUTOFF_MEASURE_KINDS as readonly string[]).includes(name);
}

function isParameterKind(name: string): name is ParameterMeasureKind {
  return (PARAMETER_MEASURE_KINDS as readonly string[]).includes(name);
}

/** Parses a measure name; throws listing the valid forms when the name is not one of them. */
export function parseMeasure(name: string): ParsedMeasure {
  if (isPlainKind(name)) return { name, kind: name };
  if (isParameterKind(name)) return { name, kind: name, parameter: MEASURE_REGISTRY[name].defaultParameter };
  const parameterMatch = PARAMETER_NAME.exec(name);
  const parameterKind = parameterMatch?.[1];
  const parameter = Number(parameterMatch?.[2]);
  if (parameterKind !== undefined && isParameterKind(parameterKind) && Number.isFinite(parameter)) {
    return { name, kind: parameterKind, parameter };
  }
  const match = CUTOFF_NAME.exec(name);
  const kind = match?.[1];
  const cutoff = Number(match?.[2]);
  if (kind !== undefined && isCutoffKind(kind) && Number.isSafeInteger(cutoff)) {
    return { name, kind, cutoff };
  }
  throw new Error(
    `unknown measure '${name}'; valid forms: ${VALID_MEASURE_FORMS} (k a positive integer without leading zeros, e.g. ndcg_cut_10, P_10, recall_1000; x a decimal >= 0 as trec_eval prints it, e.g. set_F_9)`,
  );
}

/** Computes one parsed measure for one query. */
export function computeMeasure(measure: ParsedMeasure, query: JudgedRanking): number {
  if ('cutoff' in measure) return MEASURE_REGISTRY[measure.kind].compute(query, measure.cutoff);
  if ('parameter' in measure) return MEASURE_REGISTRY[measure.kind].compute(query, measure.parameter);
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

/*
 * Measure names as users type them. One resolver for every command and option that takes a
 * measure: trec_eval's printed names (`ndcg_cut_10`, `P_10`, `recall_100`, `map`, `set_F_9`, ...)
 * and the display forms (`nDCG@10`, `P@10`, `recall@100`, `MAP`, `MRR`, `F3`), in any case: no
 * two kinds differ only in case, so a lower-cased name is never ambiguous. It returns the
 * canonical measure, named as trec_eval prints it. parseMeasure above stays exact: it reads the
 * names trec_eval prints and that are stored.
 */

/** The display form of each cutoff kind: `nDCG@10`, `P@10`, `recall@100`. */
const CUTOFF_DISPLAY_NAMES: { readonly [K in CutoffMeasureKind]: string } = { ndcg_cut: 'nDCG', P: 'P', recall: 'recall' };

/** Display names of measures that are not cutoff kinds (any case) -> their trec_eval name. */
const DISPLAY_ALIASES: Readonly<Record<string, string>> = { mrr: 'recip_rank', f3: 'set_F_9' };

/** Labels for tables, where one differs from the trec_eval name (cutoff kinds: `nDCG@10`, ...). */
const MEASURE_LABELS: Readonly<Record<string, string>> = { map: 'MAP', recip_rank: 'MRR', set_F_9: 'F3 (set_F_9)' };

/** The accepted forms of a measure name, for help and error messages. */
export const MEASURE_NAME_FORMS: string =
  `trec_eval names (${VALID_MEASURE_FORMS}) or display names (${Object.values(CUTOFF_DISPLAY_NAMES).map((d) => `${d}@<k>`).join(', ')}, ` +
  `MAP, MRR, F3 = set_F_9), in any case; e.g. ndcg_cut_10 or nDCG@10`;

/** Every kind, longest first, so `num_rel_ret` is tried before `num_rel`. */
const KINDS_LONGEST_FIRST: readonly MeasureKind[] = [...PLAIN_MEASURE_KINDS, ...PARAMETER_MEASURE_KINDS, ...CUTOFF_MEASURE_KINDS].sort(
  (a, b) => b.length - a.length,
);

function tryParse(name: string): ParsedMeasure | undefined {
  try {
    return parseMeasure(name);
  } catch {
    return undefined;
  }
}

/**
 * The measure a user-typed name means, in either form and any case (see above): `nDCG@10`,
 * `ndcg@10` and `NDCG_CUT_10` are all `ndcg_cut_10`. Throws an InputError listing the accepted
 * forms for anything else.
 */
export function resolveMeasure(raw: string): ParsedMeasure {
  const name = raw.trim();
  const exact = tryParse(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const alias = DISPLAY_ALIASES[lower];
  if (alias !== undefined) return parseMeasure(alias);
  const display = /^([a-z]+)@(.*)$/.exec(lower);
  if (display) {
    const kind = CUTOFF_MEASURE_KINDS.find((k) => CUTOFF_DISPLAY_NAMES[k].toLowerCase() === display[1]);
    const measure = kind === undefined ? undefined : tryParse(`${kind}_${display[2]}`);
    if (measure) return measure;
  } else {
    // A trec_eval name in another case: the kind's own spelling, then the rest (a cutoff or parameter).
    for (const kind of KINDS_LONGEST_FIRST) {
      const k = kind.toLowerCase();
      if (lower !== k && !lower.startsWith(`${k}_`)) continue;
      const measure = tryParse(kind + lower.slice(k.length));
      if (measure) return measure;
    }
  }
  throw new InputError(`unknown measure '${raw}'; accepted: ${MEASURE_NAME_FORMS}`);
}

/** How tables name a measure: `nDCG@10`, `P@10`, `recall@100`, `MAP`, `MRR`, `F3 (set_F_9)`, else its trec_eval name. */
export function measureLabel(measure: ParsedMeasure): string {
  if ('cutoff' in measure) return `${CUTOFF_DISPLAY_NAMES[measure.kind]}@${measure.cutoff}`;
  return MEASURE_LABELS[measure.name] ?? measure.name;
}

/**
 * A headline measure: its trec_eval name (as item_metrics stores it), its label in reports and
 * tables, and its short form (the way `benchlab compare --metric` and the report's pairs take it).
 */
export interface HeadlineMeasure {
  readonly name: string;
  readonly label: string;
  readonly short: string;
}

/** The primary quality measure of a run: nDCG@10. */
export const PRIMARY_MEASURE: HeadlineMeasure = { name: 'ndcg_cut_10', label: 'nDCG@10', short: 'ndcg@10' };
/** Mean average precision over the whole ranking. */
export const MAP_MEASURE: HeadlineMeasure = { name: 'map', label: 'MAP', short: 'map' };
/** The recall cutoff when a run names none (the suite default top_k). */
export const DEFAULT_RECALL_CUTOFF = 100;

/** recall@k, for a run's cutoff (its suite's top_k). */
export function recallMeasure(cutoff: number = DEFAULT_RECALL_CUTOFF): HeadlineMeasure {
  return { name: `recall_${cutoff}`, label: `recall@${cutoff}`, short: `recall@${cutoff}` };
}

/** A run's headline measures, in the order reports show them: nDCG@10, recall@k, MAP. */
export function headlineMeasures(recallCutoff: number = DEFAULT_RECALL_CUTOFF): readonly HeadlineMeasure[] {
  return [PRIMARY_MEASURE, recallMeasure(recallCutoff), MAP_MEASURE];
}

/** The headline measures at the default recall cutoff (nDCG@10, recall@100, MAP). */
export const HEADLINE_MEASURES: readonly HeadlineMeasure[] = headlineMeasures();
