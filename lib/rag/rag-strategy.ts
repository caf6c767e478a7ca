/**
 * A suite's `{type: rag, ...}` entry made into its generator: the retriever its `retriever`
 * names, from a typed registry (RAG_RETRIEVERS: a retriever type without a factory is a compile
 * error), the prompt it names, and the run's generation options. The engine calls
 * buildRagGenerator at the one place it builds generators (lib/runs/engine/generators.ts).
 */
import type { LlmClient } from '../llm/llm-client';
import type { GenerationOptions } from '../llm/types';
import { loadPromptTemplate } from '../querygen/prompt-template';
import type { DenseRankingSource } from '../querygen/retrieval-strategies';
import { fusionSettingsOf, type DenseEntrySettings } from '../querygen/strategy-settings';
import type { Analyzer } from '../text/analyzer';
import { DenseRagRetriever, HybridRagRetriever } from './embedding-retrievers';
import { RagGenerator } from './rag-generator';
import { Bm25RagRetriever, type RagRetriever, type SearchAccess } from './rag-retriever';
import type { RagGeneratorEntry, RagRetrieverSettings } from './rag-suite';

/** What a retriever may be built from. */
export interface RetrieverContext {
  search: SearchAccess;
  analyzer: Analyzer;
  /**
   * The run's embedding pass for these settings (shared with dense / hybrid generators of the same
   * settings); undefined when the embedding model is not available (the RAG generator is skipped).
   */
  dense: (settings: DenseEntrySettings) => DenseRankingSource | undefined;
}

type RetrieverFactories = {
  [K in RagRetrieverSettings['type']]: (settings: Extract<RagRetrieverSettings, { type: K }>, context: RetrieverContext) => RagRetriever | undefined;
};

export const RAG_RETRIEVERS: RetrieverFactories = {
  bm25: (_settings, { search, analyzer }) => new Bm25RagRetriever(search, analyzer),
  dense: (settings, { dense }) => {
    const source = dense(settings);
    return source ? new DenseRagRetriever(source) : undefined;
  },
  hybrid: (settings, { dense, search, analyzer }) => {
    const source = dense(settings);
    return source ? new HybridRagRetriever(source, search, analyzer, fusionSettingsOf(settings)) : undefined;
  },
};

/** The retriever the settings name; undefined when its embedding model is not available. */
export function buildRagRetriever(settings: RagRetrieverSettings, context: RetrieverContext): RagRetriever | undefined {
  const factory = RAG_RETRIEVERS[settings.type] as (s: RagRetrieverSettings, c: RetrieverContext) => RagRetriever | undefined;
  return factory(settings, context);
}

/**
 * The generator of a suite's RAG entry (its prompt is loaded here: a missing one fails before the
 * run starts); undefined when its retriever cannot run (embedding model not available).
 */
export function buildRagGenerator(entry: RagGeneratorEntry, client: LlmClient, context: RetrieverContext, options: GenerationOptions): RagGenerator | undefined {
  const retriever = buildRagRetriever(entry.retriever, context);
  return retriever ? new RagGenerator(client, entry.model, loadPromptTemplate(entry.prompt), retriever, { k: entry.k, options }) : undefined;
}
