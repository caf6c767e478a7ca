/**
 * What the GPUs look like now, for GPU-aware selection: free memory and load per GPU from the
 * latest gpu_samples row of each GPU, and the models Ollama has loaded, from a live /api/ps call
 * through the LlmClient when one is given and answers, else from the latest ollama_ps_samples of
 * each host. Samples older than the configured age are ignored, and every gap is written into
 * `notes` so the selection's reason can say what it did not know.
 */
import os from 'node:os';
import type { LlmClient } from '../llm/llm-client';
import { normalizeModelName } from '../llm/model-catalog';
import type { Store } from '../store/store';
import { latestGpuSamples, latestOllamaPs } from '../gpu/gpu-store';
import { BYTES_PER_MIB } from './sizes';

const MS_PER_S = 1000;
const S_PER_MIN = 60;

export interface GpuInfo {
  uuid: string;
  host: string;
  index: number | null;
  name: string | null;
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  utilizationPct: number | null;
  sampledAt: Date;
}

export interface LoadedModel {
  model: string;
  host: string;
  sizeVramBytes: number | null;
  /** The GPU it sits on, when that can be told (one GPU, or one GPU on its host); else null. */
  gpuUuid: string | null;
}

export interface GpuState {
  gpus: GpuInfo[];
  loaded: LoadedModel[];
  /** Where the loaded-model list came from. */
  loadedSource: 'live' | 'samples' | 'none';
  notes: string[];
}

export interface GpuStateOptions {
  now: Date;
  maxSampleAgeS: number;
  /** Ask Ollama's /api/ps live (through listModels) before falling back to ollama_ps_samples. */
  llm?: LlmClient;
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function hostName(host: string): string {
  try {
    return new URL(host).hostname;
  } catch {
    return host;
  }
}

async function latestGpus(store: Store, options: GpuStateOptions, notes: string[]): Promise<GpuInfo[]> {
  const rows = await latestGpuSamples(store);
  if (rows.length === 0) {
    notes.push('no GPU data (gpu_samples is empty)');
    return [];
  }
  const oldest = options.now.getTime() - options.maxSampleAgeS * MS_PER_S;
  const fresh = rows.filter((r) => toDate(r.sampled_at).getTime() >= oldest);
  if (fresh.length === 0) {
    const newest = Math.max(...rows.map((r) => toDate(r.sampled_at).getTime()));
    const ageMin = Math.round((options.now.getTime() - newest) / MS_PER_S / S_PER_MIN);
    notes.push(`no recent GPU data (the latest GPU sample is ${ageMin} min old; the limit is ${options.maxSampleAgeS} s)`);
    return [];
  }
  const usable = fresh.filter((r) => r.memory_total_mib !== null && r.memory_used_mib !== null);
  if (usable.length < fresh.length) notes.push(`${fresh.length - usable.length} GPU(s) report no memory figures and are not used`);
  return usable.map((r) => {
    const totalBytes = (r.memory_total_mib as number) * BYTES_PER_MIB;
    const usedBytes = (r.memory_used_mib as number) * BYTES_PER_MIB;
    return {
      uuid: r.gpu_uuid, host: r.host, index: r.gpu_index, name: r.gpu_name, totalBytes, usedBytes,
      freeBytes: Math.max(0, totalBytes - usedBytes), utilizationPct: r.utilization_pct, sampledAt: toDate(r.sampled_at),
    };
  });
}

async function loadedFromSamples(store: Store, options: GpuStateOptions): Promise<{ host: string; model: string; sizeVramBytes: number | null }[] | null> {
  const oldestMs = Math.floor(options.now.getTime() - options.maxSampleAgeS * MS_PER_S);
  const rows = await latestOllamaPs(store, oldestMs);
  if (rows.length === 0) return null;
  return rows
    .filter((r) => r.expires_at === null || toDate(r.expires_at).getTime() > options.now.getTime())
    .map((r) => ({ host: r.host, model: r.model, sizeVramBytes: r.size_vram_bytes === null ? null : Number(r.size_vram_bytes) }));
}

async function loadedLive(llm: LlmClient): Promise<{ host: string; model: string; sizeVramBytes: number | null }[] | null> {
  const { models, errors } = await llm.listModels();
  if (errors.length === llm.hosts.length) return null;
  return models.filter((m) => m.loaded).map((m) => ({ host: m.host, model: m.name, sizeVramBytes: m.sizeVramBytes }));
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The GPU a model loaded on the Ollama at `host` (a URL) sits on, when that can be told: the only
 * GPU there is, or the only GPU of the machine the URL names (gpu_samples label machines by host
 * name; a loopback URL means this machine). With several GPUs on one machine it is unknown.
 */
function gpuFor(host: string, gpus: GpuInfo[]): string | null {
  if (gpus.length === 1) return gpus[0]?.uuid ?? null;
  const name = hostName(host);
  const machine = LOOPBACK.has(name) ? os.hostname() : name;
  const onHost = gpus.filter((g) => g.host === host || g.host === machine);
  return onHost.length === 1 ? (onHost[0]?.uuid ?? null) : null;
}

export async function readGpuState(store: Store, options: GpuStateOptions): Promise<GpuState> {
  const notes: string[] = [];
  const gpus = await latestGpus(store, options, notes);
  let loadedSource: GpuState['loadedSource'] = 'none';
  let loaded = options.llm ? await loadedLive(options.llm) : null;
  if (loaded !== null) loadedSource = 'live';
  else {
    if (options.llm) notes.push('Ollama did not answer /api/ps');
    loaded = await loadedFromSamples(store, options);
    if (loaded !== null) loadedSource = 'samples';
    else notes.push('no recent Ollama /api/ps data, so loaded models are unknown');
  }
  return {
    gpus,
    loaded: (loaded ?? []).map((m) => ({ ...m, model: normalizeModelName(m.model), gpuUuid: gpuFor(m.host, gpus) })),
    loadedSource,
    notes,
  };
}
