/**
 * A suite's `{type: rag, ...}` entry made into its generator: the retriever its `retriever`
 * names, from a typed registry (RAG_RETRIEVERS: a retriever type without a factory is a compile
 * error), the prompt it names, and the run's generation options. The engine calls
 * buildRagGenerator at the one place it builds generators (lib/runs/engine/generators.ts).
 */
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import { loadPromptTemplate } from '../querygen/prompt-template';
import type { Analyzer } from '../text/analyzer';
import { RagGenerator } from './rag-generator';
import { Bm25RagRetriever, type RagRetriever, type SearchAccess } from './rag-retriever';
import type { RagGeneratorEntry, RagRetrieverSettings } from './rag-suite';

/** What a retriever may be built from. */
export interface RetrieverContext {
  search: SearchAccess;
  analyzer: Analyzer;
}

type RetrieverFactories = { [K in RagRetrieverSettings['type']]: (settings: Extract<RagRetrieverSettings, { type: K }>, context: RetrieverContext) => RagRetriever };

export const RAG_RETRIEVERS: RetrieverFactories = {
  bm25: (_settings, { search, analyzer }) => new Bm25RagRetriever(search, analyzer),
};

export function buildRagRetriever(settings: RagRetrieverSettings, context: RetrieverContext): RagRetriever {
  const factory = RAG_RETRIEVERS[settings.type] as (s: RagRetrieverSettings, c: RetrieverContext) => RagRetriever;
  return factory(settings, context);
}

/** The generator of a suite's RAG entry (its prompt is loaded here: a missing one fails before the run starts). */
export function buildRagGenerator(entry: RagGeneratorEntry, client: LlmClient, context: RetrieverContext, options: GenerationOptions): RagGenerator {
  return new RagGenerator(client, entry.model, loadPromptTemplate(entry.prompt), buildRagRetriever(entry.retriever, context), { k: entry.k, options });
}
