/**
 * The benchmark engine's GPU telemetry: samples the GPU for the run's duration (when the suite
 * asks for it and an LLM generator runs), marking the phase and model as the run goes; says
 * once, and carries on, when there is no GPU tool.
 */
import { GpuSampler } from '../../gpu/gpu-sampler';
import type { LlmClient } from '../../llm/llm-client';
import type { StoreOptions } from '../../store/store';

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
