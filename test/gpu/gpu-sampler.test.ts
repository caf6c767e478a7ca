/**
 * The sampler end to end against the stand-in nvidia-smi (test/fixtures/gpu/bin), put first on
 * PATH through the sampler's env: loop mode replaying captured output, uuid keying with a GPU
 * missing, a field the driver rejects, the real failure exits (9, 18), a missing tool, and the
 * watchdog (no first sample, a stall) with process-group kills, respawns and the fall back to
 * one call per sample.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GpuSampler, type GpuSamplerOptions } from '../../lib/gpu/gpu-sampler';
import type { GpuEvent, GpuSample } from '../../lib/gpu/types';
import { removeDir, tempDir } from '../support/temp-store';
import { alive, fixture, gpuFixturesPresent, H100_A, H100_B, samplesFromCapture, SKIP_GPU_FIXTURES, STAND_IN_BIN, standIn, waitFor, type StandIn, type StandInScenario } from './support';

const FAST = 100; // ms between samples in these tests (the product floor is 250 ms)
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

interface Harness {
  sampler: GpuSampler;
  fake: StandIn;
  samples: GpuSample[];
  alerts: GpuEvent[];
}

function harness(scenario: StandInScenario, options: Partial<GpuSamplerOptions> = {}): Harness {
  const fake = standIn(scenario);
  dirs.push(fake.dir);
  const samples: GpuSample[] = [];
  const alerts: GpuEvent[] = [];
  const sampler = new GpuSampler({
    intervalMs: FAST,
    minIntervalMs: FAST,
    env: fake.env,
    store: 'manual',
    ollamaHosts: [],
    tools: ['nvidia-smi'],
    watchdog: { firstSampleMs: 2_000, stallMs: 1_000, callMs: 2_000 },
    respawn: { initialDelayMs: 50, maxDelayMs: 200, maxDeaths: 3, deathWindowMs: 60_000, healthyAfterMs: 60_000 },
    onSample: (s) => samples.push(s),
    onAlert: (a) => alerts.push(a),
    ...options,
  });
  return { sampler, fake, samples, alerts };
}

const one = (h: Harness, kind: string) => h.alerts.filter((a) => a.kind === kind);

describe('GpuSampler with the stand-in nvidia-smi' + SKIP_GPU_FIXTURES, () => {
  it.skipIf(!gpuFixturesPresent)('loop mode: one long-lived process replays a captured run; static facts read once; rows keyed by uuid', async () => {
    const captured = samplesFromCapture(fixture('nvidia-smi_1xRTX3080Ti_loop-l1_csv_header_units_13samples.txt'));
    const h = harness({ gpus: [{ ...H100_A, samples: captured }] });
    const started = await h.sampler.start('run-1');
    expect(started.source).toBe('nvidia-smi');
    expect(started.gpus).toEqual([
      { uuid: H100_A.uuid, index: 0, name: 'NVIDIA H100 80GB HBM3', pciBusId: '00000000:18:00.0', driverVersion: '550.54.15', memoryTotalMib: 81559, powerLimitW: 700, migMode: 'Disabled' },
    ]);
    await waitFor(() => h.samples.length >= 6, 10_000, '6 samples');
    const summary = await h.sampler.stop();
    // The captured utilization and power, in order, nounits stripped by the stand-in as nvidia-smi does.
    expect(h.samples.slice(0, 6).map((s) => s.gpus[0]?.utilizationPct)).toEqual([26, 25, 24, 26, 27, 28]);
    expect(h.samples[0]?.gpus[0]).toMatchObject({ uuid: H100_A.uuid, name: 'NVIDIA H100 80GB HBM3', memoryTotalMib: 81559, powerW: 83.92, temperatureC: 56, memoryUsedMib: null, throttleReasons: null });
    const kinds = h.fake.calls().map((c) => c.kind);
    expect(kinds.filter((k) => k === 'loop')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'static')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'once')).toHaveLength(0);
    const loopCall = h.fake.calls().find((c) => c.kind === 'loop');
    expect(loopCall?.args).toEqual([expect.stringMatching(/^--query-gpu=uuid,index,utilization\.gpu,memory\.used,power\.draw,temperature\.gpu,clocks_event_reasons\.active$/), '--format=csv,noheader,nounits', '-lms', String(FAST)]);
    expect(alive(loopCall?.pid as number)).toBe(false);
    expect(summary).toMatchObject({ runId: 'run-1', source: 'nvidia-smi', mode: 'loop', loopSpawns: 1, loopDeaths: 0, alerts: {} });
    expect(summary.samples).toBe(h.samples.length);
    expect(summary.gpus[0]?.peakUtilizationPct).toBeGreaterThanOrEqual(28);
    expect(summary.gpus[0]?.energyWh).toBeGreaterThan(0);
    const batch = h.sampler.takeBatch();
    expect(batch.samples).toHaveLength(h.samples.length);
    expect(batch.samples[0]?.slice(1, 7)).toEqual([h.sampler.host, 'nvidia-smi', H100_A.uuid, 0, 'NVIDIA H100 80GB HBM3', 26]);
  });

  it('a GPU that stops answering is left out of the sample (others keep reporting) and alerted once; a lost one too', async () => {
    const h = harness({
      gpus: [
        { ...H100_A, samples: [{ 'utilization.gpu': '90 %', 'temperature.gpu': '70', 'clocks_event_reasons.active': '0x0000000000000004' }] },
        { ...H100_B, samples: [{ 'utilization.gpu': '10 %', 'temperature.gpu': '40' }], error: 'GPU is lost. Reboot the system to recover this GPU', errorFrom: 2 },
      ],
    });
    await h.sampler.start();
    await waitFor(() => h.samples.length >= 5, 10_000, '5 samples');
    await h.sampler.stop();
    expect(h.samples[0]?.gpus.map((g) => g.uuid)).toEqual([H100_A.uuid, H100_B.uuid]);
    expect(h.samples[4]?.gpus.map((g) => g.uuid)).toEqual([H100_A.uuid]);
    expect(one(h, 'gpu-lost')).toHaveLength(1);
    expect(one(h, 'gpu-lost')[0]).toMatchObject({ gpuUuid: H100_B.uuid });
    expect(one(h, 'gpu-lost')[0]?.message).toMatch(/GPU is lost/);
    // The throttle bitmask is decoded; the alert is raised once, not per sample.
    expect(h.samples[0]?.gpus[0]?.throttleReasons).toEqual(['sw_power_cap']);
    expect(one(h, 'throttling')).toHaveLength(1);
    expect(one(h, 'throttling')[0]?.message).toMatch(/sw_power_cap/);
  });

  it('a field the driver rejects at query time is dropped, the loop restarts without it (not counted as a death)', async () => {
    const h = harness({ gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '50 %', 'clocks_throttle_reasons.active': '0x0000000000000040' }] }], queryRejects: ['clocks_event_reasons.active'] });
    await h.sampler.start();
    await waitFor(() => h.samples.length >= 2, 10_000, '2 samples');
    const summary = await h.sampler.stop();
    expect(one(h, 'invalid-field')[0]?.message).toMatch(/clocks_event_reasons\.active/);
    expect(summary).toMatchObject({ loopSpawns: 2, loopDeaths: 0 });
    expect(h.samples[0]?.gpus[0]?.throttleReasons).toEqual(['hw_thermal_slowdown']);
  });

  it('a field missing from --help-query-gpu is never asked for', async () => {
    const h = harness({ gpus: [{ ...H100_A }], invalidFields: ['clocks_event_reasons.active', 'mig.mode.current'] });
    const started = await h.sampler.start();
    await waitFor(() => h.samples.length >= 1, 10_000, 'a sample');
    const summary = await h.sampler.stop();
    expect(started.gpus[0]?.migMode).toBeNull();
    expect(summary.alerts).toEqual({});
    expect(h.fake.calls().find((c) => c.kind === 'loop')?.args[0]).toMatch(/clocks_throttle_reasons\.active$/);
  });

  it.skipIf(!gpuFixturesPresent)('driver not loaded (exit 9) and driver/library mismatch (exit 18): classified, recorded, nothing thrown', async () => {
    for (const [file, exitCode, kind] of [
      ['nvidia-smi_error_driver-not-communicating.txt', 9, 'driver-not-loaded'],
      ['nvidia-smi_error_nvml-driver-library-version-mismatch.txt', 18, 'driver-library-mismatch'],
    ] as const) {
      const h = harness({ fail: { exitCode, output: fixture(file) } }, { tools: ['nvidia-smi', 'rocm-smi'] });
      const started = await h.sampler.start('run-x');
      expect(started.source).toBeNull();
      expect(started.failure?.kind).toBe(kind);
      const summary = await h.sampler.stop();
      expect(summary.alerts).toEqual({ [kind]: 1 });
      // A tool that exists but fails is the answer: rocm-smi is not tried.
      expect(h.fake.calls().every((c) => c.kind === 'fail' && c.args[0] === '--help-query-gpu')).toBe(true);
      expect(h.sampler.takeBatch().alerts[0]?.slice(2, 5)).toEqual([null, kind, started.failure?.message]);
    }
  });

  it('a driver that comes back: the sampler keeps trying with backoff and starts sampling', async () => {
    const h = harness({ fail: { exitCode: 9, output: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" } });
    const started = await h.sampler.start();
    expect(started.failure?.kind).toBe('driver-not-loaded');
    await waitFor(() => h.fake.calls().length >= 2, 5_000, 'a retry');
    // The driver loads: the next retry finds a working tool.
    fs.writeFileSync(h.fake.env['FAKE_NVIDIA_SMI_CONFIG'] as string, JSON.stringify({ gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '12 %' }] }], driverVersion: '550.54.15' }));
    await waitFor(() => h.samples.length >= 2, 10_000, 'samples after recovery');
    const summary = await h.sampler.stop();
    expect(summary).toMatchObject({ source: 'nvidia-smi', alerts: { 'driver-not-loaded': 1 } });
    expect(h.samples[0]?.gpus[0]?.utilizationPct).toBe(12);
  });

  it('no GPU tool on PATH: says so, records it once, samples nothing', async () => {
    const empty = tempDir();
    dirs.push(empty);
    const h = harness({}, { env: { ...process.env, PATH: empty }, tools: ['nvidia-smi', 'rocm-smi'] });
    const started = await h.sampler.start();
    expect(started).toMatchObject({ source: null, failure: { kind: 'tool-missing', message: 'rocm-smi not found on PATH' } });
    const summary = await h.sampler.stop();
    expect(summary).toMatchObject({ samples: 0, alerts: { 'tool-missing': 1 } });
  });

  it('no first sample: the watchdog kills the process group, respawns with backoff, then falls back to one call per sample, never overlapping', async () => {
    const h = harness(
      { gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '33 %' }] }], loop: { hangAtStart: true, grandchild: true } },
      { watchdog: { firstSampleMs: 600, stallMs: 600, callMs: 2_000 }, respawn: { initialDelayMs: 50, maxDelayMs: 100, maxDeaths: 2, deathWindowMs: 60_000, healthyAfterMs: 60_000 } },
    );
    await h.sampler.start();
    await waitFor(() => h.samples.length >= 3, 15_000, '3 per-sample samples');
    const summary = await h.sampler.stop();
    expect(summary).toMatchObject({ mode: 'per-sample', loopSpawns: 2, loopDeaths: 2 });
    expect(one(h, 'hang')).toHaveLength(1); // one episode, however many kills
    expect(one(h, 'hang')[0]?.message).toMatch(/gave no first sample within 600 ms; killed its process group/);
    expect(one(h, 'loop-fallback')).toHaveLength(1);
    expect(h.samples[0]?.gpus[0]?.utilizationPct).toBe(33);
    const calls = h.fake.calls();
    for (const c of calls.filter((c) => c.kind === 'loop' || c.kind === 'grandchild')) {
      expect(alive(c.grandchildPid ?? c.pid)).toBe(false);
    }
    expect(calls.filter((c) => c.kind === 'grandchild').length).toBeGreaterThanOrEqual(1);
    // Per-sample calls: each starts after the previous one ended.
    const once = calls.filter((c) => c.kind === 'once' || c.kind === 'once-end');
    for (let i = 1; i < once.length; i++) expect(once[i]?.kind).not.toBe(once[i - 1]?.kind);
  });

  it('a stall after two samples: killed and respawned; samples continue', async () => {
    const h = harness(
      { gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '61 %' }] }], loop: { stallAfter: 2, grandchild: true } },
      { watchdog: { firstSampleMs: 2_000, stallMs: 400, callMs: 2_000 } },
    );
    await h.sampler.start();
    await waitFor(() => h.fake.calls().filter((c) => c.kind === 'loop').length >= 2 && h.samples.length >= 3, 10_000, 'a respawned loop');
    const summary = await h.sampler.stop();
    expect(summary.loopDeaths).toBeGreaterThanOrEqual(1);
    expect(one(h, 'hang')[0]?.message).toMatch(/stalled: no line for 400 ms; killed its process group/);
    for (const c of h.fake.calls().filter((c) => c.kind === 'grandchild')) expect(alive(c.grandchildPid as number)).toBe(false);
  });

  it.skipIf(!gpuFixturesPresent)('loop mode that keeps dying (exit 18 mid-run) falls back to per-sample calls', async () => {
    const h = harness(
      { gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '70 %' }] }], loop: { dieAfter: 1, exitCode: 18, output: fixture('nvidia-smi_error_nvml-driver-library-version-mismatch.txt') } },
      { respawn: { initialDelayMs: 20, maxDelayMs: 50, maxDeaths: 3, deathWindowMs: 60_000, healthyAfterMs: 60_000 } },
    );
    await h.sampler.start();
    await waitFor(() => h.fake.calls().some((c) => c.kind === 'once-end') && h.samples.length >= 5, 10_000, 'per-sample samples');
    const summary = await h.sampler.stop();
    expect(summary).toMatchObject({ loopSpawns: 3, loopDeaths: 3 });
    expect(one(h, 'driver-library-mismatch').length).toBeGreaterThanOrEqual(1);
    expect(one(h, 'loop-fallback')).toHaveLength(1);
  });

  it('per-sample calls that hang are killed by the call watchdog and recorded', async () => {
    const h = harness({ gpus: [{ ...H100_A }], perSample: { hang: true } }, { nvidiaMode: 'per-sample', watchdog: { firstSampleMs: 300, stallMs: 300, callMs: 300 } });
    await h.sampler.start();
    await waitFor(() => h.fake.calls().filter((c) => c.kind === 'once').length >= 2, 10_000, 'two per-sample calls');
    await h.sampler.stop();
    expect(one(h, 'hang')).toHaveLength(1);
    for (const c of h.fake.calls().filter((c) => c.kind === 'once')) expect(alive(c.pid)).toBe(false);
  });

  it('rocm-smi when nvidia-smi is missing', async () => {
    const h = harness(
      {},
      {
        tools: ['nvidia-smi', 'rocm-smi'],
        commands: { 'nvidia-smi': 'nvidia-smi-not-installed-here', 'rocm-smi': path.join(STAND_IN_BIN, 'rocm-smi') },
        env: { ...process.env, FAKE_ROCM_SMI_JSON: path.resolve(__dirname, '../fixtures/gpu/cases/rocm-smi-2cards-with-system.json') },
      },
    );
    const started = await h.sampler.start();
    expect(started.source).toBe('rocm-smi');
    await waitFor(() => h.samples.length >= 2, 10_000, 'rocm samples');
    const summary = await h.sampler.stop();
    expect(summary.source).toBe('rocm-smi');
    expect(h.samples[0]?.source).toBe('rocm-smi');
    expect(h.samples[0]?.gpus.map((g) => g.uuid)).toEqual(['amd-0x5b3c8d4e12a7f001', 'card1']);
  });
});
