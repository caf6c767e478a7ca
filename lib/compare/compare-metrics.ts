/**
 * The metrics `benchlab compare` knows: the user-facing name, where the value comes from in a
 * run item, and which direction is better. Quality measures come from the stored trec_eval
 * values; latency from the item's wall time (cache hits excluded); docs from documents found.
 */
import type { RunItem } from '../runs/run-items';
import { InputError } from '../input-error';

export interface CompareMetric {
  /** Name as typed on the command line, e.g. `ndcg@10`. */
  name: string;
  label: string;
  higherIsBetter: boolean;
  /** A skewed, unbounded quantity: compared with rank tests instead of t-tests. */
  rankBased: boolean;
  value(item: RunItem): number | undefined;
}

const CUTOFF_METRICS: Record<string, { measure: string; label: string }> = {
  ndcg: { measure: 'ndcg_cut', label: 'nDCG' },
  recall: { measure: 'recall', label: 'recall' },
  p: { measure: 'P', label: 'P' },
};

export const DEFAULT_COMPARE_METRICS = ['ndcg@10', 'recall@100', 'map'];

export function parseCompareMetric(raw: string): CompareMetric {
  const name = raw.trim().toLowerCase();
  if (name === 'map') return { name, label: 'MAP', higherIsBetter: true, rankBased: false, value: (i) => i.metrics['map'] };
  if (name === 'mrr' || name === 'recip_rank') {
    return { name, label: 'MRR', higherIsBetter: true, rankBased: false, value: (i) => i.metrics['recip_rank'] };
  }
  if (name === 'latency') {
    return {
      name, label: 'latency (ms)', higherIsBetter: false, rankBased: true,
      value: (i) => (i.cacheHit === true || i.latencyMs === null ? undefined : i.latencyMs),
    };
  }
  if (name === 'docs') return { name, label: 'documents found', higherIsBetter: true, rankBased: true, value: (i) => i.docsFound ?? undefined };
  const cutoff = /^(ndcg|recall|p)@(\d+)$/.exec(name);
  const family = cutoff ? CUTOFF_METRICS[cutoff[1] ?? ''] : undefined;
  if (cutoff && family) {
    const measure = `${family.measure}_${cutoff[2]}`;
    return { name, label: `${family.label}@${cutoff[2]}`, higherIsBetter: true, rankBased: false, value: (i) => i.metrics[measure] };
  }
  throw new InputError(`unknown metric '${raw}': use ndcg@K, recall@K, p@K, map, mrr, latency or docs`);
}
