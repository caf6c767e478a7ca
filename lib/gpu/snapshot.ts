/**
 * One look at the GPUs, for `benchlab gpu --once`: the static facts, one sample, the processes
 * using GPU memory (`--query-compute-apps`, NVIDIA only; memory unknown on Windows WDDM) and
 * what Ollama has loaded. Nothing is written. Tools are tried in order (nvidia-smi, then
 * rocm-smi); a tool that exists but fails (driver not loaded, mismatch) is the answer.
 */
import { ollamaHostsFromEnv } from '../llm/hosts';
import { NvidiaSmiSource, type SourceEvent } from './nvidia-smi-source';
import { pollOllamaPs, DEFAULT_PS_TIMEOUT_MS } from './ollama-ps';
import { RocmSmiSource } from './rocm-smi';
import type { Failure } from './smi-failure';
import type { GpuProcess, GpuSample, GpuSourceKind, GpuStaticInfo, OllamaPsRow } from './types';

export interface SnapshotOptions {
  env?: NodeJS.ProcessEnv;
  tools?: GpuSourceKind[];
  commands?: Partial<Record<GpuSourceKind, string>>;
  /** Default: OLLAMA_HOST; [] for none. */
  ollamaHosts?: string[];
  psTimeoutMs?: number;
}

export interface GpuSnapshot {
  source: GpuSourceKind | null;
  /** Why there is no sample (null source), or why the one tool that exists failed. */
  failure: Failure | undefined;
  gpus: GpuStaticInfo[];
  sample: GpuSample | null;
  processes: GpuProcess[] | null;
  /** Per-GPU problems seen while sampling (unreachable, lost). */
  problems: SourceEvent[];
  ollama: OllamaPsRow[];
  ollamaErrors: { host: string; message: string }[];
}

export async function gpuSnapshot(options: SnapshotOptions = {}): Promise<GpuSnapshot> {
  const env = options.env ?? process.env;
  const hosts = options.ollamaHosts ?? ollamaHostsFromEnv(env).map((h) => h.url);
  const ps = pollOllamaPs(hosts, null, options.psTimeoutMs ?? DEFAULT_PS_TIMEOUT_MS);
  const problems: SourceEvent[] = [];
  const callbacks = { onSample: () => undefined, onEvent: (e: SourceEvent) => problems.push(e) };
  let result: Pick<GpuSnapshot, 'source' | 'failure' | 'gpus' | 'sample' | 'processes'> = { source: null, failure: undefined, gpus: [], sample: null, processes: null };
  for (const tool of options.tools ?? ['nvidia-smi', 'rocm-smi']) {
    const command = options.commands?.[tool];
    if (tool === 'nvidia-smi') {
      const source = new NvidiaSmiSource({ intervalMs: 0, env, ...(command ? { command } : {}), ...callbacks });
      const prepared = await source.prepare();
      if (!prepared.ok) {
        result = { ...result, failure: prepared.failure };
        if (prepared.failure.kind === 'tool-missing') continue;
        break;
      }
      const sample = await source.sampleOnce();
      const gpus = [...source.staticInfo.values()];
      result = 'gpus' in sample ? { source: tool, failure: undefined, gpus, sample, processes: await source.computeApps() } : { source: tool, failure: sample, gpus, sample: null, processes: null };
      break;
    }
    const source = new RocmSmiSource({ intervalMs: 0, env, ...(command ? { command } : {}), ...callbacks });
    const sample = await source.sampleOnce();
    if ('gpus' in sample) {
      result = { source: tool, failure: undefined, gpus: [], sample, processes: null };
      break;
    }
    result = { ...result, failure: sample };
    if (sample.kind !== 'tool-missing') break;
  }
  const polled = await ps;
  // Problems the per-GPU lines showed; tool-level failures are in `failure`.
  const perGpu = problems.filter((p) => p.gpuUuid !== null);
  return { ...result, problems: perGpu, ollama: polled.rows, ollamaErrors: polled.errors };
}
