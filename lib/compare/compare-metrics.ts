/**
 * The metrics `benchlab compare` knows: the user-facing name, where the value comes from in a
 * run item, which direction is better (orientation.ts), and the range a bounded measure lives
 * in. Quality measures come from the stored trec_eval values (the set measures under trec_eval's
 * names set_P, set_recall, set_F, set_F_9 and num_ret); latency from the item's wall time less a
 * cold start's model load (run_items.load_ms when at least COLD_START_MS, as the run summary
 * does), cache hits and items never attempted excluded; docs from documents found.
 */
import type { RunItem } from '../runs/run-items';
import { COLD_START_MS } from '../llm/types';
import { HEADLINE_MEASURES } from '../evaluation/measure-registry';
import { InputError } from '../input-error';
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

const CUTOFF_METRICS: Record<string, { measure: string; label: string }> = {
  ndcg: { measure: 'ndcg_cut', label: 'nDCG' },
  recall: { measure: 'recall', label: 'recall' },
  p: { measure: 'P', label: 'P' },
};

/** Set measures: command-line name -> trec_eval measure and label. */
const SET_METRICS: Record<string, { measure: string; label: string }> = {
  set_p: { measure: 'set_P', label: 'set_P' },
  set_recall: { measure: 'set_recall', label: 'set_recall' },
  set_f: { measure: 'set_F', label: 'set_F' },
  f3: { measure: 'set_F_9', label: 'F3 (set_F_9)' },
};

const UNIT: [number, number] = [0, 1];

/** The headline measures of the measure registry: ndcg@10, recall@100, map. */
export const DEFAULT_COMPARE_METRICS = HEADLINE_MEASURES.map((m) => m.short);

export const COMPARE_METRIC_NAMES = 'ndcg@K, recall@K, p@K, map, mrr, set_p, set_recall, set_f, f3, num_ret, latency or docs';

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

export function parseCompareMetric(raw: string): CompareMetric {
  const name = raw.trim().toLowerCase();
  if (name === 'map') return quality(name, 'MAP', 'map');
  if (name === 'mrr' || name === 'recip_rank') return quality(name, 'MRR', 'recip_rank');
  const set = SET_METRICS[name];
  if (set) return quality(name, set.label, set.measure);
  if (name === 'num_ret') {
    return { name, label: 'num_ret', better: 'neither', rankBased: true, range: null, measure: 'num_ret', value: (i) => i.metrics['num_ret'] };
  }
  if (name === 'latency') {
    return { name, label: 'latency (ms)', better: 'lower', rankBased: true, range: null, measure: null, value: latencyWithoutColdStart };
  }
  if (name === 'docs') {
    return { name, label: 'documents found', better: 'higher', rankBased: true, range: null, measure: null, value: (i) => i.docsFound ?? undefined };
  }
  const cutoff = /^(ndcg|recall|p)@(\d+)$/.exec(name);
  const family = cutoff ? CUTOFF_METRICS[cutoff[1] ?? ''] : undefined;
  if (cutoff && family) return quality(name, `${family.label}@${cutoff[2]}`, `${family.measure}_${cutoff[2]}`);
  throw new InputError(`unknown metric '${raw}': use ${COMPARE_METRIC_NAMES}`);
}
