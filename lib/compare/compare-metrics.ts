/**
 * The metrics `benchlab compare` knows: the user-facing name, where the value comes from in a
 * run item, which direction is better (orientation.ts), and the range a bounded measure lives
 * in. Quality measures come from the stored trec_eval values (the set measures under trec_eval's
 * names set_P, set_recall, set_F, set_F_9 and num_ret), named in any form the measure registry
 * accepts (resolveMeasure: `ndcg@10` or `ndcg_cut_10`); latency from the item's wall time less a
 * cold start's model load (run_items.load_ms when at least COLD_START_MS, as the run summary
 * does), cache hits and items never attempted excluded; docs from documents found.
 */
import type { RunItem } from '../runs/run-items';
import { COLD_START_MS } from '../llm/types';
import { HEADLINE_MEASURES } from '../evaluation/measure-registry';
import { InputError } from '../input-error';
import { measureLabel, resolveMeasure, type MeasureKind, type ParsedMeasure } from '../evaluation/measure-registry';
import type { Better } from './orientation';

/** The fields of a run item that metric values are read from. */
export type ScoredItem = Pick<RunItem, 'generator' | 'questionId' | 'repeat' | 'latencyMs' | 'loadMs' | 'cacheHit' | 'status' | 'docsFound' | 'metrics'>;

export interface CompareMetric {
  /** Name as typed on the command line, e.g. `ndcg@10`. */
  name: string;
  label: string;
  better: Better;
  /** A skewed, unbounded quantity: compared with rank tests instead of t-tests. */
  rankBased: boolean;
  /** The range a value can take, for bounded measures ([0, 1]); null when unbounded. */
  range: [number, number] | null;
  /** The item_metrics measure the value is read from, if any. */
  measure: string | null;
  value(item: ScoredItem): number | undefined;
}

const UNIT: [number, number] = [0, 1];

/** The headline measures of the measure registry: ndcg@10, recall@100, map. */
export const DEFAULT_COMPARE_METRICS = HEADLINE_MEASURES.map((m) => m.short);

export const COMPARE_METRIC_NAMES =
  'ndcg@K, recall@K, p@K, map, mrr, set_p, set_recall, set_f, f3, num_ret, latency or docs; ' +
  'measures also by their trec_eval names (ndcg_cut_K, recall_K, P_K, recip_rank, set_F_9), any case';

/** Measures compare reads from item_metrics: the quality measures, and num_ret as a count. */
const COMPARED_KINDS: ReadonlySet<MeasureKind> = new Set<MeasureKind>(['ndcg_cut', 'P', 'recall', 'map', 'recip_rank', 'set_P', 'set_recall', 'set_F', 'num_ret']);

/** A cold start's model load in ms (load_ms when at least COLD_START_MS), else 0. */
export function coldLoadMs(item: Pick<RunItem, 'loadMs'>): number {
  return item.loadMs !== null && item.loadMs >= COLD_START_MS ? item.loadMs : 0;
}

/** The item's latency without a cold start's load; undefined for cache hits, items never attempted and items without a latency. */
export function latencyWithoutColdStart(item: ScoredItem): number | undefined {
  if (item.cacheHit === true || item.latencyMs === null || item.status === 'not-attempted') return undefined;
  return Math.max(0, item.latencyMs - coldLoadMs(item));
}

function quality(name: string, label: string, measure: string): CompareMetric {
  return { name, label, better: 'higher', rankBased: false, range: UNIT, measure, value: (i) => i.metrics[measure] };
}

/**
 * The metric a `--metric` name means: latency, docs, or a measure in any form the measure
 * registry accepts (`ndcg@10`, `nDCG@10`, `ndcg_cut_10`; resolveMeasure). `name` keeps the name
 * as typed (lower case); the label and the item_metrics measure are the registry's.
 */
export function parseCompareMetric(raw: string): CompareMetric {
  const name = raw.trim().toLowerCase();
  if (name === 'latency') {
    return { name, label: 'latency (ms)', better: 'lower', rankBased: true, range: null, measure: null, value: latencyWithoutColdStart };
  }
  if (name === 'docs') {
    return { name, label: 'documents found', better: 'higher', rankBased: true, range: null, measure: null, value: (i) => i.docsFound ?? undefined };
  }
  let measure: ParsedMeasure | undefined;
  try {
    measure = resolveMeasure(raw);
  } catch {
    measure = undefined;
  }
  if (measure === undefined || !COMPARED_KINDS.has(measure.kind)) throw new InputError(`unknown metric '${raw}': use ${COMPARE_METRIC_NAMES}`);
  const stored = measure.name;
  if (measure.kind === 'num_ret') {
    return { name, label: measureLabel(measure), better: 'neither', rankBased: true, range: null, measure: stored, value: (i) => i.metrics[stored] };
  }
  return quality(name, measureLabel(measure), stored);
}
