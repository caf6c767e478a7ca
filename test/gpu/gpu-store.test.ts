/**
 * The sampler writing to a real DuckDB file: samples, alerts, Ollama ps rows (from the fake
 * Ollama server, through the official client) and phase marks, in batches; and a store that
 * cannot be written, which must not take the sampler down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { GpuSampler } from '../../lib/gpu/gpu-sampler';
import { withStore } from '../../lib/store/store';
import { DEFAULT_MODELS, startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { removeDir } from '../support/temp-store';
import { gpuDb, H100_A, H100_B, standIn, waitFor } from './support';

const FAST = 100;
const dirs: string[] = [];
let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('GpuSampler writing to the store', () => {
  it('writes samples, alerts, ps rows and phases in batches', async () => {
    const { dbPath, dir } = await gpuDb();
    dirs.push(dir);
    // One model half in VRAM, one fully.
    fake = await startFakeOllama({ models: DEFAULT_MODELS.map((m) => (m.name === 'qwen2.5:7b' ? { ...m, sizeVram: Math.round(m.sizeBytes / 2) } : m)) });
    const ollama = new Ollama({ host: fake.url });
    await ollama.generate({ model: 'llama3.2:3b', prompt: '' });
    await ollama.generate({ model: 'qwen2.5:7b', prompt: '' });
    const gpus = standIn({
      gpus: [
        { ...H100_A, samples: [{ 'utilization.gpu': '95 %', 'memory.used': '80000 MiB', 'power.draw': '600.00 W', 'temperature.gpu': '91' }] },
        { ...H100_B, samples: [{ 'utilization.gpu': '5 %', 'memory.used': '1000 MiB', 'power.draw': '70.00 W', 'temperature.gpu': '35' }] },
      ],
    });
    dirs.push(gpus.dir);
    let seen = 0;
    const sampler = new GpuSampler({
      intervalMs: FAST, minIntervalMs: FAST, env: gpus.env, store: { dbPath }, flushIntervalMs: 200, ollamaHosts: [fake.url], psIntervalMs: 300,
      tools: ['nvidia-smi'], host: 'bench-host', onSample: () => seen++,
    });
    await sampler.start('run-42');
    sampler.markPhase('warmup');
    await waitFor(() => seen >= 3, 10_000, 'samples');
    sampler.markPhase('generate', 'llama3.2:3b');
    await new Promise((r) => setTimeout(r, 700));
    const summary = await sampler.stop();
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(summary.writeError).toBeUndefined();
    expect(summary.written.samples).toBe(summary.samples * 2);
    expect(summary.alerts).toEqual({ 'temperature-high': 1, 'memory-oom-risk': 1 });

    await withStore({ dbPath }, async (store) => {
      const samples = await store.all<{ gpu_uuid: string; n: bigint; util: number; total: number; res: number; cnt: number; run: string; host: string }>(
        `SELECT gpu_uuid, count(*) AS n, max(utilization_pct) AS util, max(memory_total_mib) AS total, max(resolution_s) AS res, max(sample_count) AS cnt,
                any_value(run_id) AS run, any_value(host) AS host
         FROM gpu_samples GROUP BY gpu_uuid ORDER BY gpu_uuid`,
      );
      expect(samples.map((s) => [s.gpu_uuid, Number(s.n), s.util, s.total, s.res, s.cnt, s.run, s.host])).toEqual([
        [H100_A.uuid, summary.samples, 95, 81559, FAST / 1000, 1, 'run-42', 'bench-host'],
        [H100_B.uuid, summary.samples, 5, 81559, FAST / 1000, 1, 'run-42', 'bench-host'],
      ]);
      const alerts = await store.all<{ kind: string; gpu_uuid: string; value: number; threshold: number }>(`SELECT kind, gpu_uuid, value, threshold FROM gpu_alerts ORDER BY kind`);
      expect(alerts.map((a) => [a.kind, a.gpu_uuid, a.threshold])).toEqual([
        ['memory-oom-risk', H100_A.uuid, 0.95],
        ['temperature-high', H100_A.uuid, 85],
      ]);
      const ps = await store.all<{ model: string; size_bytes: bigint; size_vram_bytes: bigint; phase: string | null; expires_at: Date; run_id: string }>(
        `SELECT model, size_bytes, size_vram_bytes, phase, expires_at, run_id FROM ollama_ps_samples ORDER BY sampled_at, model`,
      );
      expect(new Set(ps.map((p) => p.model))).toEqual(new Set(['llama3.2:3b', 'qwen2.5:7b']));
      expect(ps.every((p) => p.run_id === 'run-42' && p.expires_at instanceof Date)).toBe(true);
      const qwen = ps.find((p) => p.model === 'qwen2.5:7b');
      expect(Number(qwen?.size_vram_bytes) / Number(qwen?.size_bytes)).toBeCloseTo(0.5, 3);
      // Polled at each phase boundary, with that phase.
      expect(ps.some((p) => p.phase === 'warmup')).toBe(true);
      expect(ps.some((p) => p.phase === 'generate')).toBe(true);
      const phases = await store.all<{ phase: string; model: string | null }>(`SELECT phase, model FROM gpu_phases WHERE run_id = 'run-42' ORDER BY started_at`);
      expect(phases).toEqual([
        { phase: 'warmup', model: null },
        { phase: 'generate', model: 'llama3.2:3b' },
      ]);
    });
  });

  it('a store that cannot be written is reported, not thrown; Ollama unreachable is logged', async () => {
    const gpus = standIn({ gpus: [{ ...H100_A }] });
    dirs.push(gpus.dir);
    // A database "folder" that is a file: every open fails.
    const notAFolder = path.join(gpus.dir, 'not-a-folder');
    fs.writeFileSync(notAFolder, '');
    const logs: string[] = [];
    const sampler = new GpuSampler({
      intervalMs: FAST, minIntervalMs: FAST, env: gpus.env, store: { dbPath: path.join(notAFolder, 'x.duckdb'), lockRetry: { timeoutMs: 100, initialDelayMs: 10, maxDelayMs: 10 } },
      flushIntervalMs: 100, ollamaHosts: ['http://127.0.0.1:9'], psTimeoutMs: 500, tools: ['nvidia-smi'], onLog: (l) => logs.push(l),
    });
    await sampler.start();
    await waitFor(() => logs.some((l) => l.startsWith('could not write')), 10_000, 'a failed write');
    const summary = await sampler.stop();
    expect(summary.samples).toBeGreaterThan(0);
    expect(summary.writeError).toBeDefined();
    expect(summary.written.samples).toBe(0);
    expect(logs.some((l) => l.startsWith('ollama ps http://127.0.0.1:9'))).toBe(true);
  });
});
