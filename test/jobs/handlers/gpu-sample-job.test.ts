/**
 * The gpu-sample job against the stand-in nvidia-smi (test/fixtures/gpu/bin, put first on PATH
 * through the handler's env) and the fake Ollama server (OLLAMA_HOST in the same env): a fire
 * samples for its duration and records the rows it wrote; no GPU tool, or one whose driver is
 * not loaded, is a failed job run with the reason; shutdown stops it early as interrupted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGpuSampleJob, gpuSampleJobOptions, type GpuSampleJobSettings } from '../../../lib/jobs/handlers/gpu-sample-job';
import { JOB_HANDLERS, type JobRegistry } from '../../../lib/jobs/registry';
import { runJobNow } from '../../../lib/jobs/run-job-now';
import { InputError } from '../../../lib/input-error';
import { withStore } from '../../../lib/store/store';
import { DEFAULT_MODELS, startFakeOllama, type FakeOllama } from '../../support/fake-ollama/server';
import { removeDir, tempDir } from '../../support/temp-store';
import { H100_A, H100_B, standIn, waitFor } from '../../gpu/support';
import { config, freshDb, jobRuns } from '../helpers';

const dirs: string[] = [];
let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const d of dirs.splice(0)) removeDir(d);
});

const FAST_SAMPLER: GpuSampleJobSettings['sampler'] = { tools: ['nvidia-smi'], watchdog: { firstSampleMs: 3_000, stallMs: 2_000, callMs: 3_000 } };

function registryWith(settings: GpuSampleJobSettings): JobRegistry {
  return { ...JOB_HANDLERS, 'gpu-sample': createGpuSampleJob(settings) };
}

function jobConfig(durationS: number, intervalMs = 250) {
  return config(`jobs:\n  - name: gpu-sample\n    cron: "*/15 * * * *"\n    options: { duration_s: ${durationS}, interval_ms: ${intervalMs} }\n`);
}

async function counts(db: string): Promise<{ samples: number; alerts: number; ps: number; withRun: number }> {
  return withStore({ dbPath: db }, async (store) => {
    const row = await store.one<{ samples: bigint; alerts: bigint; ps: bigint; with_run: bigint }>(
      `SELECT (SELECT count(*) FROM gpu_samples) AS samples, (SELECT count(*) FROM gpu_alerts) AS alerts,
              (SELECT count(*) FROM ollama_ps_samples) AS ps, (SELECT count(*) FROM gpu_samples WHERE run_id IS NOT NULL) AS with_run`,
    );
    return { samples: Number(row?.samples), alerts: Number(row?.alerts), ps: Number(row?.ps), withRun: Number(row?.with_run) };
  });
}

describe('gpu-sample job', () => {
  it('samples every GPU for duration_s, with Ollama\'s loaded models, and records the rows it wrote', async () => {
    const { db } = freshDb();
    fake = await startFakeOllama({ models: DEFAULT_MODELS.map((m) => ({ ...m, loaded: true })) });
    const gpus = standIn({
      gpus: [
        { ...H100_A, samples: [{ 'utilization.gpu': '97 %', 'memory.used': '40000 MiB', 'power.draw': '650.00 W', 'temperature.gpu': '90' }] },
        { ...H100_B, samples: [{ 'utilization.gpu': '3 %', 'memory.used': '500 MiB', 'power.draw': '60.00 W', 'temperature.gpu': '33' }] },
      ],
    });
    dirs.push(gpus.dir);
    const execution = await runJobNow({
      name: 'gpu-sample', dbPath: db, config: jobConfig(1.5),
      registry: registryWith({ env: { ...gpus.env, OLLAMA_HOST: fake.url }, sampler: FAST_SAMPLER }),
    });
    expect(execution.status).toBe('succeeded');
    const written = await counts(db);
    expect(written.samples).toBeGreaterThanOrEqual(4); // two GPUs, at least two samples each in 1.5 s at 250 ms
    expect(written.samples % 2).toBe(0);
    expect(written.withRun).toBe(0); // not a run's telemetry
    expect(written.alerts).toBe(1); // GPU A over 85 °C, raised once
    expect(written.ps).toBeGreaterThanOrEqual(DEFAULT_MODELS.length);
    expect(execution.rowsWritten).toBe(written.samples + written.alerts + written.ps);
    expect(execution.summary).toMatch(new RegExp(`^${written.samples / 2} sample\\(s\\) of 2 GPU\\(s\\) from nvidia-smi every 250ms; wrote ${written.samples} sample, 1 alert and ${written.ps} Ollama ps row\\(s\\); alerts: temperature-high 1$`));
    expect(await jobRuns(db, 'gpu-sample')).toMatchObject([{ status: 'succeeded', rowsWritten: execution.rowsWritten, error: null }]);
  });

  it('without a GPU tool on PATH the run fails, saying so', async () => {
    const { db } = freshDb();
    const empty = tempDir('benchlab-no-gpu-');
    dirs.push(empty);
    const execution = await runJobNow({
      name: 'gpu-sample', dbPath: db, config: jobConfig(1),
      registry: registryWith({ env: { ...process.env, PATH: empty }, sampler: { ollamaHosts: [] } }),
    });
    expect(execution.status).toBe('failed');
    expect(execution.error).toBe('no GPU tool: neither nvidia-smi (NVIDIA driver) nor rocm-smi (AMD ROCm) is on PATH');
    const [run] = await jobRuns(db, 'gpu-sample');
    expect(run).toMatchObject({ status: 'failed', error: execution.error });
    expect((await counts(db)).samples).toBe(0);
  });

  it('a driver that is not loaded fails the run with nvidia-smi\'s own message, and is alerted', async () => {
    const { db } = freshDb();
    const broken = standIn({ fail: { exitCode: 9, output: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n" } });
    dirs.push(broken.dir);
    const execution = await runJobNow({
      name: 'gpu-sample', dbPath: db, config: jobConfig(1),
      registry: registryWith({ env: broken.env, sampler: { ...FAST_SAMPLER, ollamaHosts: [] } }),
    });
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatch(/^the GPU tool cannot work \(driver-not-loaded\): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
    expect(execution.rowsWritten).toBe(1);
    expect(await counts(db)).toMatchObject({ samples: 0, alerts: 1 });
  });

  it('stops sampling at once on shutdown, keeps what it wrote, and is recorded as interrupted', async () => {
    const { db } = freshDb();
    const gpus = standIn({ gpus: [{ ...H100_A, samples: [{ 'utilization.gpu': '50 %', 'temperature.gpu': '60' }] }] });
    dirs.push(gpus.dir);
    const shutdown = new AbortController();
    const started = Date.now();
    const running = runJobNow({
      name: 'gpu-sample', dbPath: db, config: jobConfig(600), signal: shutdown.signal,
      registry: registryWith({ env: gpus.env, sampler: { ...FAST_SAMPLER, ollamaHosts: [] } }),
    });
    await waitFor(() => gpus.calls().some((c) => c.kind === 'loop'), 10_000, 'the sampling loop');
    await new Promise((r) => setTimeout(r, 600));
    shutdown.abort();
    const execution = await running;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(execution.status).toBe('interrupted');
    expect(execution.rowsWritten).toBeGreaterThan(0);
    expect((await counts(db)).samples).toBe(execution.rowsWritten);
    expect(await jobRuns(db, 'gpu-sample')).toMatchObject([{ status: 'interrupted', rowsWritten: execution.rowsWritten }]);
  });

  it('has conservative defaults and refuses an interval below the sampler\'s floor', () => {
    expect(gpuSampleJobOptions.parse({})).toEqual({ duration_s: 60, interval_ms: 1000 });
    expect(() => jobConfig(10, 100)).toThrow(InputError);
    expect(() => jobConfig(10, 100)).toThrow(/interval_ms/);
  });
});
