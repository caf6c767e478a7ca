import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendValue, Store } from '../../lib/store/store';
import { selectModel, type SelectOptions } from '../../lib/scoring/select-model';
import { LlmClient } from '../../lib/llm/llm-client';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { closedPortUrl } from '../support/closed-port';
import { appendRows, realData, withTempStore } from './helpers';

const NOW = new Date('2026-11-21T12:00:00Z');
const SECONDS_AGO = (s: number) => new Date(NOW.getTime() - s * 1000);
const MIB = 2 ** 20;
const options = (store: Store, extra: Partial<SelectOptions> = {}): SelectOptions => ({ data: realData(), store, gpuAware: true, now: () => NOW, ...extra });

interface Gpu {
  uuid: string;
  totalMib: number;
  usedMib: number;
  utilization?: number;
  at?: Date;
  host?: string;
  name?: string;
}

async function gpus(store: Store, list: Gpu[]): Promise<void> {
  // An older sample per GPU first: only the latest counts.
  const rows = list.flatMap((g, i): Record<string, AppendValue>[] => {
    const at = g.at ?? SECONDS_AGO(30);
    return [
      { sampled_at: new Date(at.getTime() - 600_000), memory_used_mib: 0 },
      { sampled_at: at, memory_used_mib: g.usedMib },
    ].map((r) => ({
    ...r, host: g.host ?? 'gpu-box', source: 'nvidia-smi', gpu_uuid: g.uuid, gpu_index: i, gpu_name: g.name ?? 'NVIDIA RTX 4090',
    utilization_pct: g.utilization ?? 10, memory_total_mib: g.totalMib, resolution_s: 1, sample_count: 1,
    }));
  });
  await appendRows(store, 'gpu_samples', rows);
}

async function loaded(store: Store, models: string[], at: Date = SECONDS_AGO(20)): Promise<void> {
  await appendRows(store, 'ollama_ps_samples', [
    // An older snapshot in which something else was loaded: only the latest snapshot counts.
    { sampled_at: SECONDS_AGO(300), host: 'http://127.0.0.1:11434', model: 'gemma2:27b', size_bytes: 16e9, size_vram_bytes: 16e9, expires_at: NOW },
    ...models.map((model) => ({ sampled_at: at, host: 'http://127.0.0.1:11434', model, size_bytes: 6e9, size_vram_bytes: 6e9, expires_at: new Date(NOW.getTime() + 300_000) })),
  ]);
}

describe('GPU-aware selection', () => {
  it('keeps to the free memory of the GPUs, from the latest sample of each', async () => {
    await withTempStore(async (store) => {
      // 8 GiB card with 4 GiB used: 4.29 GB free. Of the code models only phi3.5:3.8b (2.90 GB) fits;
      // qwen2.5-coder:7b needs 5.81 GB.
      await gpus(store, [{ uuid: 'GPU-small', totalMib: 8192, usedMib: 4096 }]);
      const s = await selectModel('code', {}, options(store));
      expect(s.model).toBe('phi3.5:3.8b');
      expect(s.gpuChecked).toBe(true);
      expect(s.gpu).toMatchObject({ uuid: 'GPU-small', freeBytes: 4096 * MIB });
      const coder = s.candidates.find((c) => c.model === 'qwen2.5-coder:7b');
      expect(coder?.eliminatedBy).toEqual([
        { constraint: 'gpu-memory', label: 'free GPU memory', detail: 'needs 5.81 GB; the most free memory on a GPU is 4.29 GB (GPU-small)' },
      ]);
      expect(s.reason).toMatch(/to be loaded on GPU NVIDIA RTX 4090 GPU-small \(4\.29 GB free, 10% busy\)/);
    });
  });

  it('chooses the least busy GPU with room, then the one with the most free memory', async () => {
    await withTempStore(async (store) => {
      await gpus(store, [
        { uuid: 'GPU-busy', totalMib: 24576, usedMib: 2048, utilization: 90 },
        { uuid: 'GPU-idle', totalMib: 12288, usedMib: 4096, utilization: 5 },
        { uuid: 'GPU-tiny', totalMib: 4096, usedMib: 0, utilization: 0 },
      ]);
      const s = await selectModel('code', { maxVramBytes: 8e9 }, options(store));
      expect(s.model).toBe('qwen2.5-coder:7b');
      expect(s.gpu?.uuid).toBe('GPU-idle');
      const big = await selectModel('code', { include: ['qwen2.5:14b'] }, options(store));
      expect(big.gpu?.uuid).toBe('GPU-busy'); // 11.23 GB fits only there
    });
  });

  it('prefers a loaded model within the margin of the best, and says so', async () => {
    await withTempStore(async (store) => {
      // 24 GiB, 10 GiB used: 15.03 GB free. query_generation = (IFEval + 0.5 MMLU) / 1.5, x 0.7 (secondary):
      //   qwen2.5:14b (81.0 + 0.5 x 79.7) / 1.5 = 80.57 -> 56.40, needs 11.23 GB: the best that fits.
      //   llama3.1:8b (80.4 + 0.5 x 69.4) / 1.5 = 76.73 -> 53.71, loaded; 53.71 >= 0.9 x 56.40 = 50.76.
      await gpus(store, [{ uuid: 'GPU-0', totalMib: 24576, usedMib: 10240 }]);
      await loaded(store, ['llama3.1:8b']);
      const s = await selectModel('query_generation', {}, options(store));
      expect(s.model).toBe('llama3.1:8b');
      expect(s.preferredLoaded).toBe(true);
      expect(s.runnerUp?.model).toBe('qwen2.5:14b');
      expect(s.breakdown.loaded).toMatchObject({ model: 'llama3.1:8b', gpuUuid: 'GPU-0' });
      expect(s.gpu?.uuid).toBe('GPU-0');
      expect(s.reason).toContain('preferred over qwen2.5:14b (56.4) because it scores within 10% of it and is already loaded on GPU NVIDIA RTX 4090 GPU-0');
      expect(s.reason).toContain('which avoids a load');
    });
  });

  it('loads the better model when the loaded one scores outside the margin, and says when the best is loaded', async () => {
    await withTempStore(async (store) => {
      // llama3.2:1b: (59.5 + 0.5 x 49.3) / 1.5 = 56.1 -> 39.27 < 50.76.
      await gpus(store, [{ uuid: 'GPU-0', totalMib: 24576, usedMib: 10240 }]);
      await loaded(store, ['llama3.2:1b']);
      const s = await selectModel('query_generation', {}, options(store));
      expect(s.model).toBe('qwen2.5:14b');
      expect(s.preferredLoaded).toBe(false);
      expect(s.reason).toMatch(/to be loaded on GPU .*GPU-0/);
      await loaded(store, ['qwen2.5:14b'], SECONDS_AGO(5));
      const again = await selectModel('query_generation', {}, options(store));
      expect(again.model).toBe('qwen2.5:14b');
      expect(again.reason).toContain('already loaded on GPU NVIDIA RTX 4090 GPU-0 (');
      expect(again.reason).toContain('so no load is needed');
    });
  });

  it("places a model loaded on a loopback Ollama on this machine's GPU when there are several", async () => {
    await withTempStore(async (store) => {
      await gpus(store, [
        { uuid: 'GPU-remote', totalMib: 8192, usedMib: 4096, host: 'other-box' },
        { uuid: 'GPU-local', totalMib: 24576, usedMib: 10240, host: os.hostname() },
      ]);
      await loaded(store, ['llama3.1:8b']);
      const s = await selectModel('query_generation', {}, options(store));
      expect(s.model).toBe('llama3.1:8b');
      expect(s.gpu?.uuid).toBe('GPU-local');
    });
  });

  it('works without GPU data and says so in the reason', async () => {
    await withTempStore(async (store) => {
      const s = await selectModel('code', { maxVramBytes: 8e9 }, options(store));
      const plain = await selectModel('code', { maxVramBytes: 8e9 }, { data: realData() });
      expect(s.model).toBe(plain.model);
      expect(s.gpuChecked).toBe(false);
      expect(s.gpu).toBeNull();
      expect(s.reason).toContain('no GPU data (gpu_samples is empty); no recent Ollama /api/ps data, so loaded models are unknown: GPU memory was not checked');
    });
  });

  it('ignores GPU samples older than the configured age', async () => {
    await withTempStore(async (store) => {
      await gpus(store, [{ uuid: 'GPU-old', totalMib: 8192, usedMib: 8000, at: SECONDS_AGO(2 * 3600) }]);
      const s = await selectModel('code', {}, options(store));
      expect(s.gpuChecked).toBe(false);
      expect(s.reason).toContain('no recent GPU data (the latest GPU sample is 120 min old; the limit is 900 s)');
    });
  });
});

describe('loaded models from a live /api/ps', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({
      models: [{ name: 'llama3.1:8b', family: 'llama', parameterSize: '8.0B', quantization: 'Q4_K_M', sizeBytes: 4_920_753_328, contextLength: 131_072, loaded: true }],
    });
  });
  afterAll(async () => fake.close());

  it('asks Ollama through the LlmClient before the samples', async () => {
    await withTempStore(async (store) => {
      await gpus(store, [{ uuid: 'GPU-0', totalMib: 24576, usedMib: 10240 }]);
      await loaded(store, ['llama3.2:1b']); // stale knowledge; the live answer wins
      const llm = new LlmClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }] });
      const s = await selectModel('query_generation', {}, options(store, { llm }));
      expect(s.model).toBe('llama3.1:8b');
      expect(s.breakdown.loaded).toMatchObject({ model: 'llama3.1:8b', host: fake.url, gpuUuid: 'GPU-0' });
    });
  });

  it('falls back to ollama_ps_samples when Ollama does not answer', async () => {
    await withTempStore(async (store) => {
      await gpus(store, [{ uuid: 'GPU-0', totalMib: 24576, usedMib: 10240 }]);
      await loaded(store, ['llama3.1:8b']);
      const llm = new LlmClient({ hosts: [{ url: await closedPortUrl(), provider: 'ollama', concurrency: 1 }] });
      const s = await selectModel('query_generation', {}, options(store, { llm }));
      expect(s.model).toBe('llama3.1:8b');
      expect(s.gpuNotes).toEqual(['Ollama did not answer /api/ps']);
      expect(s.reason).toContain('Ollama did not answer /api/ps');
    });
  });
});
