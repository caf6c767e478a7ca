/**
 * The RAG part of a benchmark run's summary, per RAG generator: citation precision and recall
 * (means over the items that have a value, with the 95% t intervals the report uses for nDCG),
 * citations and hallucinated citations in all and the hallucination rate (a micro rate, see
 * lib/rag/citation-measures.ts), and the latency split and cache-hit latency (lib/rag reads them
 * from rag_answers). The measure names come from lib/rag's registry; item_metrics is read here,
 * in its owner's folder.
 */
import type { Store } from '../store/store';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { hallucinationRate, RAG_MEASURE_NAMES, RAG_MEASURES } from '../rag/citation-measures';
import { loadRagLatency, type RagLatency } from '../rag/rag-answers';
import { tInterval, type Interval } from '../stats/confidence-interval';

export interface RagGeneratorSummary {
  generator: string;
  retriever: string;
  k: number;
  citationPrecision: Interval;
  citationRecall: Interval;
  citations: number;
  hallucinatedCitations: number;
  /** hallucinated / citations over the generator's items; null when nothing was cited. */
  hallucinationRate: number | null;
  latency: RagLatency;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The RAG generators of a run (none for a run without RAG items). */
export async function summarizeRagRun(store: Store, runId: string): Promise<RagGeneratorSummary[]> {
  const latency = await loadRagLatency(store, runId);
  if (latency.length === 0) return [];
  const rows = await store.all(
    `SELECT i.generator, m.measure, count(*) AS n, avg(m.value) AS mean, stddev_samp(m.value) AS sd, sum(m.value) AS total
     FROM item_metrics m JOIN run_items i USING (run_id, item_key)
     WHERE m.run_id = $run AND list_contains($names, m.measure) GROUP BY ALL`,
    { run: runId, names: listValue([...RAG_MEASURE_NAMES]) },
    { names: LIST(VARCHAR) },
  );
  const stat = (generator: string, measure: string) => rows.find((r) => r['generator'] === generator && r['measure'] === measure);
  const interval = (generator: string, measure: string): Interval => {
    const r = stat(generator, measure);
    return tInterval({ n: Number(r?.['n'] ?? 0), mean: num(r?.['mean']), sd: num(r?.['sd']) });
  };
  const total = (generator: string, measure: string): number => Number(stat(generator, measure)?.['total'] ?? 0);
  return latency.map((l) => {
    const citations = total(l.generator, RAG_MEASURES.citations.name);
    const hallucinated = total(l.generator, RAG_MEASURES.hallucinated_citations.name);
    return {
      generator: l.generator, retriever: l.retriever, k: l.k,
      citationPrecision: interval(l.generator, RAG_MEASURES.citation_precision.name),
      citationRecall: interval(l.generator, RAG_MEASURES.citation_recall.name),
      citations, hallucinatedCitations: hallucinated, hallucinationRate: hallucinationRate(hallucinated, citations),
      latency: l,
    };
  });
}
