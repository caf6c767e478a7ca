/**
 * The per-run GPU summary on hand-made rows whose answers are easy to work out: one GPU at a
 * constant 360 W (0.1 Wh per 1-second segment), two phases, two models whose LLM calls mark
 * which samples are theirs, a gap too long to integrate across, and ps rows with one model fully
 * on the GPU and one half offloaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeGpuRun, type GpuGroupSummary } from '../../lib/gpu/run-summary';
import { withStore } from '../../lib/store/store';
import { removeDir } from '../support/temp-store';
import { gpuDb } from './support';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const WATTS = 360; // 360 W for 1 s = 0.1 Wh
let dbPath: string;
let dir: string;

beforeAll(async () => {
  ({ dbPath, dir } = await gpuDb());
  await withStore({ dbPath }, async (store) => {
    const seconds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20];
    await store.append(
      'gpu_samples',
      seconds.map((s) => {
        const i = s === 20 ? 0 : s;
        const util = s === 20 ? 5 : i * 10;
        return [at(s), 'h', 'nvidia-smi', 'GPU-a', 0, 'GPU', util, 1000 + i * 100, 81559, WATTS, 50 + i, '', 'r1', 1, 1, util, util, 1000 + i * 100, WATTS, 50 + i];
      }),
    );
    // Another run's samples must not leak in.
    await store.append('gpu_samples', [[at(5), 'h', 'nvidia-smi', 'GPU-a', 0, 'GPU', 100, 80000, 81559, 700, 99, '', 'r2', 1, 1, 100, 100, 80000, 700, 99]]);
    await store.append('gpu_phases', [
      ['r1', 'h', 'warmup', null, at(0)],
      ['r1', 'h', 'generate', null, at(4)],
    ]);
    const call = (id: string, model: string, s: number, wallMs: number, tokens: number, cacheHit: boolean) => [
      id, 'r1', 'item', 'ollama', 'http://h:11434', model, 'key', cacheHit, '{}', at(s), wallMs, 10, null, null, null, null, 10, tokens, null, 1, 'ok', null, null, null, null, null, null,
    ];
    await store.append('llm_calls', [
      call('c1', 'llama3.2:3b', 4, 3000, 500, false),
      call('c2', 'mistral', 7, 2000, 250, false),
      call('c3', 'llama3.2:3b', 9.5, 1, 999, true), // a cache hit: no GPU work, not counted
    ]);
    await store.append('ollama_ps_samples', [
      [at(4), 'http://h:11434', 'llama3.2:3b', 2_000_000_000, 2_000_000_000, at(300), 'r1', 'generate'],
      [at(7), 'http://h:11434', 'mistral:latest', 4_000_000_000, 2_000_000_000, at(300), 'r1', 'generate'],
    ]);
    await store.append('gpu_alerts', [[at(9), 'h', 'GPU-a', 'temperature-high', 'hot', 59, 55, 'r1']]);
  });
});
afterAll(() => removeDir(dir));

function group(groups: GpuGroupSummary[], model: string | null, phase: string | null): GpuGroupSummary {
  const found = groups.find((g) => g.model === model && g.phase === phase);
  if (!found) throw new Error(`no group ${model}/${phase}: ${JSON.stringify(groups.map((g) => [g.model, g.phase]))}`);
  return found;
}

describe('summarizeGpuRun', () => {
  it('splits the run by phase and by the model whose call was in flight; energies add up', async () => {
    const summary = await withStore({ dbPath }, (store) => summarizeGpuRun(store, 'r1'));
    expect(summary.energyUnit).toBe('Wh');
    expect(summary.groups.map((g) => [g.model, g.phase])).toEqual([
      [null, 'generate'],
      [null, 'warmup'],
      ['llama3.2:3b', 'generate'],
      ['mistral', 'generate'],
    ]);
    const warmup = group(summary.groups, null, 'warmup');
    expect(warmup).toMatchObject({ samples: 4, seconds: 4, meanUtilizationPct: 15, peakUtilizationPct: 30, evalTokens: 0, whPer1kTokens: null, fullyOnGpu: null });
    expect(warmup.energyWh).toBeCloseTo(0.4, 10);
    const llama = group(summary.groups, 'llama3.2:3b', 'generate');
    expect(llama).toMatchObject({ gpus: 1, samples: 3, meanUtilizationPct: 50, peakUtilizationPct: 60, peakMemoryUsedMib: 1600, meanPowerW: WATTS, peakTemperatureC: 56, evalTokens: 500, fullyOnGpu: true, minOffloadShare: 1 });
    expect(llama.energyWh).toBeCloseTo(0.3, 10);
    expect(llama.whPer1kTokens).toBeCloseTo(0.6, 10);
    const mistral = group(summary.groups, 'mistral', 'generate');
    expect(mistral).toMatchObject({ samples: 3, meanUtilizationPct: 80, peakMemoryUsedMib: 1900, peakTemperatureC: 59, evalTokens: 250, fullyOnGpu: false, minOffloadShare: 0.5 });
    expect(mistral.energyWh).toBeCloseTo(0.2, 10);
    expect(mistral.whPer1kTokens).toBeCloseTo(0.8, 10);
    // After the 11 s gap: idle (no call in flight), and the gap is not integrated.
    expect(group(summary.groups, null, 'generate')).toMatchObject({ samples: 1, energyWh: 0, meanUtilizationPct: 5 });

    expect(summary.total).toMatchObject({ model: null, phase: null, gpus: 1, samples: 11, seconds: 9, peakUtilizationPct: 90, peakTemperatureC: 59, evalTokens: 750, fullyOnGpu: false, minOffloadShare: 0.5 });
    expect(summary.total.energyWh).toBeCloseTo(0.9, 10);
    expect(summary.total.whPer1kTokens).toBeCloseTo(1.2, 10);
    expect(summary.groups.reduce((sum, g) => sum + g.energyWh, 0)).toBeCloseTo(summary.total.energyWh, 10);
    expect(summary.alerts).toEqual({ 'temperature-high': 1 });
  });

  it('a run without GPU rows still reports its tokens, with no energy', async () => {
    const summary = await withStore({ dbPath }, (store) => summarizeGpuRun(store, 'nothing'));
    expect(summary.total).toMatchObject({ samples: 0, energyWh: 0, evalTokens: 0, whPer1kTokens: null, meanUtilizationPct: null });
    expect(summary.groups).toEqual([]);
  });
});
