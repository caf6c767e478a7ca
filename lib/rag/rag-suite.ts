/**
 * How a suite names a RAG generator and gates a run on it: the `{type: rag, model: M,
 * retriever: {...}, k: 5}` generator entry (generator id `rag:M`) and the RAG expectations, as zod
 * schemas the suite schema (lib/suites/suite.ts) includes. The retriever is a retrieval strategy
 * written as in a suite's generators, with the same settings schemas
 * (lib/querygen/strategy-settings.ts): `{type: bm25}`, `{type: dense, model, dimensions, chunking,
 * aggregate, batch_size}`, `{type: hybrid, <dense settings>, fusion, normalize, rrf_k}` (a RAG
 * hybrid fuses with BM25; it has no `with`).
 */
import { z } from 'zod';
import { PROMPT_REF } from '../querygen/prompt-ref';
import { denseFields, fusionFields } from '../querygen/strategy-settings';

export const ragRetrieverSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bm25') }).strict(),
  z.object({ type: z.literal('dense'), ...denseFields }).strict(),
  z.object({ type: z.literal('hybrid'), ...denseFields, ...fusionFields }).strict(),
]);
export type RagRetrieverSettings = z.infer<typeof ragRetrieverSchema>;

export const ragGeneratorSchema = z
  .object({
    type: z.literal('rag'),
    model: z.string().min(1),
    retriever: ragRetrieverSchema.default({ type: 'bm25' }),
    /** Passages given to the model. */
    k: z.number().int().min(1).max(50).default(5),
    /** The answer prompt, NAME@VERSION (default rag-answer@1). */
    prompt: z.string().regex(PROMPT_REF, 'must look like NAME@VERSION, e.g. rag-answer@1').default('rag-answer@1'),
  })
  .strict();

export type RagGeneratorEntry = z.infer<typeof ragGeneratorSchema>;

/** The RAG expectations of a suite (each applies to every RAG generator of the run). */
export const ragExpectationsShape = {
  /** Every RAG generator's mean citation precision must reach this. */
  min_citation_precision: z.number().min(0).max(1).optional(),
  /** The largest share of citations that may be ids not in the context (0 = none at all): hallucinated / all citations over the generator's items. */
  max_hallucinated_citations: z.number().min(0).max(1).optional(),
  /** The largest p95 of response-cache hits' wall time, in ms. */
  max_cache_hit_ms: z.number().positive().optional(),
};
