/**
 * The benchmark engine's generators: which LLM models the suite names can run (reachable hosts
 * that have them; the others are skipped, each with its reason), and the query generators of the
 * suite in its order: the baselines, an LLM generator per available model, and a RAG generator
 * (lib/rag) per RAG entry whose model is available.
 */
import { Analyzer } from '../../text/analyzer';
import type { LlmClient } from '../../llm/llm-client';
import { UnknownModelError } from '../../llm/model-catalog';
import { loadPromptTemplate, type LoadedPromptTemplate } from '../../querygen/prompt-template';
import { QuestionOrBaseline } from '../../querygen/question-or-baseline';
import { TfidfKeywordsBaseline } from '../../querygen/tfidf-keywords-baseline';
import { LlmQueryGenerator } from '../../querygen/llm-generator';
import type { QueryGenerator } from '../../querygen/types';
import type { Suite } from '../../suites/suite';
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

/** The models of the suite's LLM generators. */
export function suiteModels(suite: Suite): string[] {
  return suite.generators.flatMap((g) => (g.type === 'llm' || g.type === 'rag' ? [g.model] : []));
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

export function buildGenerators(
  suite: Suite,
  client: LlmClient,
  dataset: BenchDataset,
  models: { available: string[]; template: LoadedPromptTemplate | undefined },
  /** How RAG retrievers reach the suite's search backend. */
  search: SearchAccess,
): SuiteGenerators {
  const analyzer = new Analyzer(dataset.analyzerSettings);
  const { available, template } = models;
  const generators: QueryGenerator[] = suite.generators.flatMap((g): QueryGenerator[] => {
    if (g.type === 'question-or') return [new QuestionOrBaseline()];
    if (g.type === 'tfidf-keywords') return [new TfidfKeywordsBaseline(dataset.stats, analyzer, g.keywords)];
    if (g.type === 'rag') return available.includes(g.model) ? [buildRagGenerator(g, client, { search, analyzer }, suite.options)] : [];
    return available.includes(g.model) && template
      ? [new LlmQueryGenerator(client, g.model, template, { queriesPerModel: suite.queries_per_model, options: suite.options, repairQueries: suite.repair_queries })]
      : [];
  });
  const llmGenerators = generators.filter((g) => g.kind === 'llm');
  return { generators, llmGenerators, withMulti: suite.multi_model && llmGenerators.length >= 2 };
}
