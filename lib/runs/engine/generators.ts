/**
 * The benchmark engine's generators: which models the suite names can run (reachable hosts that
 * have them; the others are skipped, each with its reason), and the generators of the suite in
 * its order, each made by its type's factory in GENERATOR_FACTORIES (a typed registry: a type the
 * suite schema allows without a factory does not compile): the boolean query generators
 * (baselines, an LLM generator per available model), the retrieval strategies (bm25, dense,
 * hybrid; lib/querygen/retrieval-strategies.ts), whose embeddings come from the embedding models
 * on the same hosts as the LLMs, and a RAG generator (lib/rag) per RAG entry whose model is
 * available.
 */
import { Analyzer } from '../../text/analyzer';
import type { LlmClient } from '../../llm/llm-client';
import { UnknownModelError } from '../../llm/model-catalog';
import { loadPromptTemplate, type LoadedPromptTemplate } from '../../querygen/prompt-template';
import { QuestionOrBaseline } from '../../querygen/question-or-baseline';
import { TfidfKeywordsBaseline } from '../../querygen/tfidf-keywords-baseline';
import { LlmQueryGenerator } from '../../querygen/llm-generator';
import type { QueryGenerator } from '../../querygen/types';
import { Bm25Strategy, DenseRankingSource, DenseStrategy, HybridStrategy, type HybridLexical } from '../../querygen/retrieval-strategies';
import { denseSettingsOf, fusionSettingsOf, type DenseEntrySettings } from '../../querygen/strategy-settings';
import type { EmbeddingClient } from '../../embeddings/embedding-client';
import type { EmbeddingProgress } from '../../embeddings/embedding-progress';
import { InputError } from '../../input-error';
import type { Suite, SuiteGenerator } from '../../suites/suite';
import type { BenchDataset } from './prepare-dataset';
import { buildRagGenerator } from '../../rag/rag-strategy';
import type { SearchAccess } from '../../rag/rag-retriever';

export interface SkippedModel {
  model: string;
  reason: string;
}

export interface AvailableModels {
  reachable: boolean;
  available: string[];
  skipped: SkippedModel[];
}

/** The models of the suite's LLM generators and retrieval strategies (embedding models, a hybrid's LLM, a RAG retriever's embedding model). */
export function suiteModels(suite: Suite): string[] {
  const models = suite.generators.flatMap((g) => {
    if (g.type === 'rag') return g.retriever.type === 'bm25' ? [g.model] : [g.model, g.retriever.model];
    if (g.type === 'llm' || g.type === 'dense') return [g.model];
    if (g.type === 'hybrid') return g.with.startsWith('llm:') ? [g.model, g.with.slice('llm:'.length)] : [g.model];
    return [];
  });
  return [...new Set(models)];
}

/** Which LLM models can run: reachable hosts that have them. Says why for each that cannot. */
export async function availableModels(client: LlmClient, models: string[], log: (line: string) => void): Promise<AvailableModels> {
  if (models.length === 0) return { reachable: true, available: [], skipped: [] };
  const { errors } = await client.listModels();
  if (errors.length === client.hosts.length) {
    const reason = `no LLM host reachable (${errors.map((e) => `${e.host}: ${e.message}`).join('; ')})`;
    log(`${reason}. LLM generators are skipped; the baselines still run. Start Ollama or set OLLAMA_HOST.`);
    return { reachable: false, available: [], skipped: models.map((model) => ({ model, reason })) };
  }
  const available: string[] = [];
  const skipped: SkippedModel[] = [];
  for (const model of models) {
    try {
      await client.validateModel(model);
      available.push(model);
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      skipped.push({ model, reason: error.message });
      log(`skipping ${model}: ${error.message}`);
    }
  }
  return { reachable: true, available, skipped };
}

/** The models available and the suite's prompt template (loaded only when a model will use it). */
export async function checkModels(client: LlmClient, suite: Suite, log: (line: string) => void): Promise<AvailableModels & { template: LoadedPromptTemplate | undefined }> {
  const models = await availableModels(client, suiteModels(suite), log);
  return { ...models, template: models.available.length > 0 ? loadPromptTemplate(suite.prompt) : undefined };
}

export interface SuiteGenerators {
  generators: QueryGenerator[];
  llmGenerators: QueryGenerator[];
  /** Multi-model items are made: the suite asks for them and at least two LLM generators run. */
  withMulti: boolean;
}

/** What a generator factory builds from. */
interface FactoryContext {
  suite: Suite;
  client: LlmClient;
  embeddings: EmbeddingClient | undefined;
  embeddingProgress: EmbeddingProgress | undefined;
  dataset: BenchDataset;
  analyzer: Analyzer;
  available: string[];
  template: LoadedPromptTemplate | undefined;
  /** Dense rankings shared by strategies with the same embedding settings. */
  sources: Map<string, DenseRankingSource>;
  /** How RAG retrievers reach the suite's search backend. */
  search: SearchAccess;
}

type GeneratorFactories = { [T in SuiteGenerator['type']]: (g: Extract<SuiteGenerator, { type: T }>, ctx: FactoryContext) => QueryGenerator[] };

function llmGenerator(model: string, ctx: FactoryContext): QueryGenerator | undefined {
  const { suite, available, template } = ctx;
  return available.includes(model) && template
    ? new LlmQueryGenerator(ctx.client, model, template, { queriesPerModel: suite.queries_per_model, options: suite.options, repairQueries: suite.repair_queries })
    : undefined;
}

/** The dense rankings for a dense or hybrid entry (or RAG retriever); undefined when its model is not available. */
function denseSource(g: DenseEntrySettings, ctx: FactoryContext): DenseRankingSource | undefined {
  if (!ctx.available.includes(g.model) || !ctx.embeddings) return undefined;
  const settings = denseSettingsOf(g, ctx.suite.dataset);
  const key = JSON.stringify(settings);
  let source = ctx.sources.get(key);
  if (!source) {
    source = new DenseRankingSource(ctx.embeddings, settings, ctx.embeddingProgress);
    ctx.sources.set(key, source);
  }
  return source;
}

const GENERATOR_FACTORIES: GeneratorFactories = {
  'question-or': () => [new QuestionOrBaseline()],
  'tfidf-keywords': (g, ctx) => [new TfidfKeywordsBaseline(ctx.dataset.stats, ctx.analyzer, g.keywords)],
  llm: (g, ctx) => {
    const generator = llmGenerator(g.model, ctx);
    return generator ? [generator] : [];
  },
  rag: (g, ctx) => {
    if (!ctx.available.includes(g.model)) return [];
    const generator = buildRagGenerator(g, ctx.client, { search: ctx.search, analyzer: ctx.analyzer, dense: (settings) => denseSource(settings, ctx) }, ctx.suite.options);
    return generator ? [generator] : [];
  },
  bm25: (_g, ctx) => [new Bm25Strategy(ctx.analyzer)],
  dense: (g, ctx) => {
    const source = denseSource(g, ctx);
    return source ? [new DenseStrategy(source, g.model)] : [];
  },
  hybrid: (g, ctx) => {
    const source = denseSource(g, ctx);
    if (!source) return [];
    let lexical: HybridLexical = { type: 'bm25', analyzer: ctx.analyzer };
    if (g.with.startsWith('llm:')) {
      const generator = llmGenerator(g.with.slice('llm:'.length), ctx);
      if (!generator) return [];
      lexical = { type: 'llm', generator };
    }
    return [new HybridStrategy(source, g.model, lexical, fusionSettingsOf(g))];
  },
};

function build<T extends SuiteGenerator['type']>(g: Extract<SuiteGenerator, { type: T }>, ctx: FactoryContext): QueryGenerator[] {
  return (GENERATOR_FACTORIES[g.type as T] as (g: Extract<SuiteGenerator, { type: T }>, ctx: FactoryContext) => QueryGenerator[])(g, ctx);
}

export function buildGenerators(
  suite: Suite,
  client: LlmClient,
  dataset: BenchDataset,
  models: { available: string[]; template: LoadedPromptTemplate | undefined },
  /** How RAG retrievers reach the suite's search backend. */
  search: SearchAccess,
  embeddings?: { client: EmbeddingClient; progress?: EmbeddingProgress | undefined },
): SuiteGenerators {
  const ctx: FactoryContext = {
    suite, client, dataset, analyzer: new Analyzer(dataset.analyzerSettings), available: models.available, template: models.template,
    embeddings: embeddings?.client, embeddingProgress: embeddings?.progress, sources: new Map(), search,
  };
  const generators = suite.generators.flatMap((g) => build(g, ctx));
  const ids = generators.map((g) => g.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) throw new InputError(`the suite names generator ${[...new Set(twice)].join(', ')} more than once (one row per generator id: dense:M and hybrid:M take one entry per model)`);
  const llmGenerators = generators.filter((g) => g.kind === 'llm');
  return { generators, llmGenerators, withMulti: suite.multi_model && llmGenerators.length >= 2 };
}
