/**
 * The summary of a benchmark run, computed in SQL from the stored items (so a resumed run is
 * summarized whole): per generator the mean quality measures, syntax-valid rate, documents
 * found, latency percentiles over non-cached calls, tokens, errors and cache hits; and the
 * single-model versus multi-model comparison.
 */
import type { Store } from '../store/store';

/** The generator id of the items that fuse every LLM model's queries for a question. */
export const MULTI_MODEL_GENERATOR = 'multi-model';

export interface GeneratorSummary {
  generator: string;
  model: string | null;
  items: number;
  ndcg10: number | null;
  recall: number | null;
  map: number | null;
  syntaxValidRate: number | null;
  docsFound: number | null;
  /** Mean latency per item over all items, cached ones included (the multi-model comparison's time). */
  meanLatencyMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  evalTokens: number;
  errors: number;
  errorRate: number;
  cacheHits: number;
}

export interface MultiModelComparison {
  single: string;
  singleLatencyMs: number | null;
  multiLatencyMs: number | null;
  /** (multi - single) / single, in percent. */
  overheadPercent: number | null;
  singleDocsFound: number | null;
  multiDocsFound: number | null;
  singleNdcg10: number | null;
  multiNdcg10: number | null;
}

export interface BenchSummary {
  runId: string;
  recallCutoff: number;
  generators: GeneratorSummary[];
  multiModel: MultiModelComparison[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function summarizeBenchRun(store: Store, runId: string, recallCutoff: number): Promise<BenchSummary> {
  const rows = await store.all(
    `WITH metrics AS (
       SELECT item_key,
         max(value) FILTER (WHERE measure = 'ndcg_cut_10') AS ndcg10,
         max(value) FILTER (WHERE measure = $recall) AS recall,
         max(value) FILTER (WHERE measure = 'map') AS map
       FROM item_metrics WHERE run_id = $run GROUP BY item_key
     )
     SELECT i.generator, any_value(i.model) AS model, count(*) AS items,
       avg(m.ndcg10) AS ndcg10, avg(m.recall) AS recall, avg(m.map) AS map,
       sum(i.parsed_count) / nullif(sum(i.query_count), 0) AS syntax_valid_rate,
       avg(i.docs_found) AS docs_found,
       avg(i.latency_ms) AS mean_latency,
       quantile_cont(i.latency_ms, 0.5) FILTER (WHERE NOT coalesce(i.cache_hit, false)) AS p50,
       quantile_cont(i.latency_ms, 0.95) FILTER (WHERE NOT coalesce(i.cache_hit, false)) AS p95,
       coalesce(sum(i.eval_tokens), 0) AS eval_tokens,
       count(*) FILTER (WHERE i.error IS NOT NULL) AS errors,
       count(*) FILTER (WHERE i.cache_hit) AS cache_hits
     FROM run_items i LEFT JOIN metrics m USING (item_key)
     WHERE i.run_id = $run
     GROUP BY i.generator
     ORDER BY i.generator`,
    { run: runId, recall: `recall_${recallCutoff}` },
  );
  const generators: GeneratorSummary[] = rows.map((r) => {
    const items = Number(r['items']);
    const errors = Number(r['errors']);
    return {
      generator: String(r['generator']),
      model: (r['model'] as string | null) ?? null,
      items,
      ndcg10: num(r['ndcg10']),
      recall: num(r['recall']),
      map: num(r['map']),
      syntaxValidRate: num(r['syntax_valid_rate']),
      docsFound: num(r['docs_found']),
      meanLatencyMs: num(r['mean_latency']),
      latencyP50Ms: num(r['p50']),
      latencyP95Ms: num(r['p95']),
      evalTokens: Number(r['eval_tokens']),
      errors,
      errorRate: items > 0 ? errors / items : 0,
      cacheHits: Number(r['cache_hits']),
    };
  });
  const multi = generators.find((g) => g.generator === MULTI_MODEL_GENERATOR);
  const multiModel: MultiModelComparison[] = [];
  if (multi) {
    const multiLatency = multi.meanLatencyMs;
    for (const single of generators.filter((g) => g.generator.startsWith('llm:'))) {
      const singleLatency = single.meanLatencyMs;
      multiModel.push({
        single: single.generator,
        singleLatencyMs: singleLatency,
        multiLatencyMs: multiLatency,
        overheadPercent: singleLatency && multiLatency !== null ? ((multiLatency - singleLatency) / singleLatency) * 100 : null,
        singleDocsFound: single.docsFound,
        multiDocsFound: multi.docsFound,
        singleNdcg10: single.ndcg10,
        multiNdcg10: multi.ndcg10,
      });
    }
  }
  return { runId, recallCutoff, generators, multiModel };
}
