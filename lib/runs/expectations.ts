/**
 * A suite's expectations checked against a run's summary: each failure is one sentence naming
 * the generator, the measured value and the limit. A non-empty list makes `benchlab run` exit
 * with the expectation-failed code, so CI can gate on it. `require_models` turns a skipped model
 * (host down, model not pulled) into a failure, so a nightly run that asked no LLM cannot pass.
 * RAG generators are held to min_citation_precision, max_hallucinated_citations (a rate of all
 * citations) and max_cache_hit_ms (the p95 of response-cache hits); max_p95_latency_ms covers
 * their whole item, retrieval and generation.
 */
import type { Suite } from '../suites/suite';
import type { BenchSummary } from './bench-summary';

export function checkExpectations(suite: Suite, summary: BenchSummary, skipped: readonly { model: string; reason: string }[] = []): string[] {
  const failures: string[] = [];
  const e = suite.expectations;
  if (e.require_models) {
    for (const s of skipped) failures.push(`llm:${s.model}: the suite requires it, but it was skipped: ${s.reason}`);
  }
  for (const g of summary.rag) {
    const precision = g.citationPrecision.mean;
    if (e.min_citation_precision !== undefined && (precision ?? 0) < e.min_citation_precision) {
      failures.push(`${g.generator}: citation precision ${precision === null ? 'has no value (no answer cited a document of its context)' : precision.toFixed(4)} is below the minimum ${e.min_citation_precision}`);
    }
    if (e.max_hallucinated_citations !== undefined && g.hallucinationRate !== null && g.hallucinationRate > e.max_hallucinated_citations) {
      failures.push(`${g.generator}: ${g.hallucinatedCitations} of ${g.citations} citations (${(g.hallucinationRate * 100).toFixed(1)}%) are not in the context, above the maximum ${(e.max_hallucinated_citations * 100).toFixed(1)}%`);
    }
    const hitP95 = g.latency.cacheHit.p95;
    if (e.max_cache_hit_ms !== undefined && hitP95 !== null && hitP95 > e.max_cache_hit_ms) {
      failures.push(`${g.generator}: p95 cache-hit latency ${hitP95.toFixed(1)} ms is above the maximum ${e.max_cache_hit_ms} ms`);
    }
  }
  for (const g of summary.generators) {
    const appliesNdcg = e.min_ndcg10_generators === undefined || e.min_ndcg10_generators.includes(g.generator);
    if (e.min_ndcg10 !== undefined && appliesNdcg && (g.ndcg10 ?? 0) < e.min_ndcg10) {
      failures.push(`${g.generator}: nDCG@10 ${(g.ndcg10 ?? 0).toFixed(4)} is below the minimum ${e.min_ndcg10}`);
    }
    if (e.max_p95_latency_ms !== undefined && g.latencyP95Ms !== null && g.latencyP95Ms > e.max_p95_latency_ms) {
      failures.push(`${g.generator}: p95 latency ${g.latencyP95Ms.toFixed(0)} ms is above the maximum ${e.max_p95_latency_ms} ms`);
    }
    if (e.max_error_rate !== undefined && g.errorRate > e.max_error_rate) {
      failures.push(`${g.generator}: error rate ${(g.errorRate * 100).toFixed(1)}% is above the maximum ${(e.max_error_rate * 100).toFixed(1)}%`);
    }
  }
  return failures;
}
