/**
 * The benchmark engine's GPU telemetry: samples the GPU for the run's duration (when the suite
 * asks for it and a generator puts a model to work: LLM query generation, RAG answers, dense and
 * hybrid embeddings), marking the phase and model as the run goes (`embed` while a generator
 * computes its document embeddings, `generate` over a generator's items, `fuse`); says once, and
 * carries on, when there is no GPU tool.
 */
import { GpuSampler } from '../../gpu/gpu-sampler';
import type { LlmClient } from '../../llm/llm-client';
import type { GeneratorKind, QueryGenerator } from '../../querygen/types';
import type { StoreOptions } from '../../store/store';

/** Which generator kinds put a model to work on the LLM hosts (typed: a new kind must say). */
const USES_MODEL: Record<GeneratorKind, boolean> = {
  llm: true,
  rag: true,
  dense: true,
  hybrid: true,
  bm25: false,
  'question-or': false,
  'tfidf-keywords': false,
};

/** True when the generator's work runs a model (so the GPU is worth sampling). */
export function usesModel(generator: Pick<QueryGenerator, 'kind'>): boolean {
  return USES_MODEL[generator.kind];
}

/** GPU sampler settings: the environment it finds its tools in (PATH), and its interval. */
export interface GpuSamplingSettings {
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
}

export async function startGpuSampler(
  runId: string,
  storeOptions: StoreOptions,
  client: LlmClient,
  log: (line: string) => void,
  settings: GpuSamplingSettings = {},
): Promise<GpuSampler | undefined> {
  const sampler = new GpuSampler({
    store: storeOptions,
    ...(settings.env ? { env: settings.env } : {}),
    ...(settings.intervalMs !== undefined ? { intervalMs: settings.intervalMs } : {}),
    ...(client.providerKind === 'ollama' ? { ollamaHosts: client.hosts } : { ollamaHosts: [] }),
    onLog: (line) => log(`gpu: ${line}`),
  });
  const started = await sampler.start(runId);
  if (started.source === null) {
    log(`no GPU telemetry for this run: ${started.failure?.message ?? 'no GPU tool found'}`);
  }
  return sampler;
}
