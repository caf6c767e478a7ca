/**
 * The summary of a benchmark run, computed in SQL from the stored items (so a resumed run is
 * summarized whole): per generator the mean quality measures, how well the model kept to the
 * answer format (strict compliance, usable answers, syntax-valid queries, how answers were
 * read), documents found, latency percentiles over non-cached calls (a cold start's model load
 * left out and reported apart, as a count and load time), tokens, errors by kind,
 * items not attempted and cache hits; and the single-model versus multi-model comparison.
 */
import type { Store } from '../store/store';
import { COLD_START_MS } from '../llm/types';
import { ITEM_SET_MEASURES } from '../querygen/execute-queries';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { ITEM_ERROR_KINDS, type ItemErrorKind } from '../querygen/types';
import { MAP_MEASURE, PRIMARY_MEASURE, recallMeasure } from '../evaluation/measure-registry';
import { summarizeRagRun, type RagGeneratorSummary } from './rag-summary';

export { COLD_START_MS };

/**
 * An item's latency as every latency figure counts it, as SQL over a run_items row: its wall
 * time, less a cold start's model load (COLD_START_MS is a constant, not user input).
 */
export function serviceLatencySql(alias = 'i'): string {
  return `greatest(${alias}.latency_ms - CASE WHEN ${alias}.load_ms >= ${COLD_START_MS} THEN ${alias}.load_ms ELSE 0 END, 0)`;
}

/** The generator id of the items that fuse every LLM model's queries for a question. */
export const MULTI_MODEL_GENERATOR = 'multi-model';

export interface GeneratorSummary {
  generator: string;
  model: string | null;
  items: number;
  ndcg10: number | null;
  recall: number | null;
  map: number | null;
  /** Share of the generated queries that parse (after repairs, where on). */
  syntaxValidRate: number | null;
  /** Share of the answers received that followed the declared schema exactly; null for baselines. */
  strictRate: number | null;
  /** Share of all items with status `ok`: at least one valid query came back. */
  usableRate: number | null;
  /** How the answers were read: `strict`, `variant:<name>`, `fenced`, `lines`, `none` -> items. */
  answerReads: Record<string, number>;
  docsFound: number | null;
  /**
   * Means of the set measures (set_P, set_recall, set_F, set_F_9, num_ret) over the items, each
   * scored on the union of the documents its queries match; null where no item was scored.
   */
  setMeasures: Record<string, number | null>;
  /** Mean latency per item over all items, cached ones included, model load left out (the multi-model comparison's time). */
  meanLatencyMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Items whose calls waited for a model load of at least COLD_START_MS. */
  coldStarts: number;
  /** Their load time in all, ms. */
  coldLoadMs: number;
  evalTokens: number;
  /** Items attempted that ended with no usable query. */
  errors: number;
  errorRate: number;
  /** Items with no usable query by kind, the not-attempted ones under `circuit`. */
  errorsByKind: Record<ItemErrorKind, number>;
  /** Items never attempted because the model's circuit stayed open. */
  notAttempted: number;
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
  /** The RAG generators' citation measures and latency split (rag-summary.ts); empty without RAG items. */
  rag: RagGeneratorSummary[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function summarizeBenchRun(store: Store, runId: string, recallCutoff: number): Promise<BenchSummary> {
  const rows = await store.all(
    `WITH metrics AS (
       SELECT item_key,
         max(value) FILTER (WHERE measure = $primary) AS ndcg10,
         max(value) FILTER (WHERE measure = $recall) AS recall,
         max(value) FILTER (WHERE measure = $map) AS map
       FROM item_metrics WHERE run_id = $run GROUP BY item_key
     )
     SELECT i.generator, any_value(i.model) AS model, count(*) AS items,
       avg(m.ndcg10) AS ndcg10, avg(m.recall) AS recall, avg(m.map) AS map,
       sum(i.parsed_count) / nullif(sum(i.query_count), 0) AS syntax_valid_rate,
       count(*) FILTER (WHERE i.answer_read = 'strict') / nullif(count(i.answer_read), 0) AS strict_rate,
       count(*) FILTER (WHERE i.status = 'ok') / count(*) AS usable_rate,
       count(*) FILTER (WHERE i.status = 'not-attempted') AS not_attempted,
       avg(i.docs_found) AS docs_found,
       avg(${serviceLatencySql('i')}) FILTER (WHERE i.status <> 'not-attempted') AS mean_latency,
       quantile_cont(${serviceLatencySql('i')}, 0.5) FILTER (WHERE NOT coalesce(i.cache_hit, false) AND i.status <> 'not-attempted') AS p50,
       quantile_cont(${serviceLatencySql('i')}, 0.95) FILTER (WHERE NOT coalesce(i.cache_hit, false) AND i.status <> 'not-attempted') AS p95,
       count(*) FILTER (WHERE i.load_ms >= $cold AND i.generator <> $multi) AS cold_starts,
       coalesce(sum(i.load_ms) FILTER (WHERE i.load_ms >= $cold AND i.generator <> $multi), 0) AS cold_load_ms,
       coalesce(sum(i.eval_tokens), 0) AS eval_tokens,
       count(*) FILTER (WHERE i.status = 'error') AS errors,
       count(*) FILTER (WHERE i.cache_hit) AS cache_hits
     FROM run_items i LEFT JOIN metrics m USING (item_key)
     WHERE i.run_id = $run
     GROUP BY i.generator
     ORDER BY i.generator`,
    { run: runId, primary: PRIMARY_MEASURE.name, recall: recallMeasure(recallCutoff).name, map: MAP_MEASURE.name, cold: COLD_START_MS, multi: MULTI_MODEL_GENERATOR },
  );
  const kindRows = await store.all<{ generator: string; kind: string; n: number }>(
    `SELECT generator, coalesce(error_kind, 'other') AS kind, count(*)::INTEGER AS n FROM run_items
     WHERE run_id = $run AND status <> 'ok' GROUP BY ALL`,
    { run: runId },
  );
  const setRows = await store.all<{ generator: string; measure: string; mean: number }>(
    `SELECT i.generator, m.measure, avg(m.value) AS mean FROM item_metrics m JOIN run_items i USING (run_id, item_key)
     WHERE m.run_id = $run AND list_contains($names, m.measure) GROUP BY ALL`,
    { run: runId, names: listValue([...ITEM_SET_MEASURES]) },
    { names: LIST(VARCHAR) },
  );
  const readRows = await store.all<{ generator: string; answer_read: string; n: number }>(
    `SELECT generator, answer_read, count(*)::INTEGER AS n FROM run_items WHERE run_id = $run AND answer_read IS NOT NULL GROUP BY ALL ORDER BY ALL`,
    { run: runId },
  );
  const generators: GeneratorSummary[] = rows.map((r) => {
    const items = Number(r['items']);
    const errors = Number(r['errors']);
    const generator = String(r['generator']);
    const errorsByKind = Object.fromEntries(ITEM_ERROR_KINDS.map((k) => [k, 0])) as Record<ItemErrorKind, number>;
    for (const k of kindRows.filter((k) => k.generator === generator)) {
      const kind = (ITEM_ERROR_KINDS as readonly string[]).includes(k.kind) ? (k.kind as ItemErrorKind) : 'other';
      errorsByKind[kind] += Number(k.n);
    }
    const setMeasures = Object.fromEntries(
      ITEM_SET_MEASURES.map((name) => [name, setRows.find((row) => row.generator === generator && row.measure === name)?.mean ?? null]),
    );
    const answerReads = Object.fromEntries(readRows.filter((k) => k.generator === generator).map((k) => [k.answer_read, Number(k.n)]));
    return {
      generator,
      model: (r['model'] as string | null) ?? null,
      items,
      ndcg10: num(r['ndcg10']),
      recall: num(r['recall']),
      map: num(r['map']),
      syntaxValidRate: num(r['syntax_valid_rate']),
      strictRate: num(r['strict_rate']),
      usableRate: num(r['usable_rate']),
      answerReads,
      docsFound: num(r['docs_found']),
      setMeasures,
      meanLatencyMs: num(r['mean_latency']),
      latencyP50Ms: num(r['p50']),
      latencyP95Ms: num(r['p95']),
      coldStarts: Number(r['cold_starts']),
      coldLoadMs: Number(r['cold_load_ms']),
      evalTokens: Number(r['eval_tokens']),
      errors,
      errorRate: items > 0 ? errors / items : 0,
      errorsByKind,
      notAttempted: Number(r['not_attempted']),
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
  return { runId, recallCutoff, generators, multiModel, rag: await summarizeRagRun(store, runId) };
}
