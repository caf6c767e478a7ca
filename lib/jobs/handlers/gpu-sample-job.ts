/**
 * The `gpu-sample` job: GPU telemetry on a schedule, so the GPU dashboard also covers the time
 * between benchmark runs. Each fire runs a GpuSampler (nvidia-smi, else rocm-smi; Ollama's
 * /api/ps on OLLAMA_HOST) for `duration_s`, one sample every `interval_ms`, and writes
 * gpu_samples, gpu_alerts and ollama_ps_samples rows as `benchlab gpu` does (without a run id).
 * Rows written counts all three tables.
 *
 * With no GPU tool, or one that cannot work (driver not loaded, driver/library mismatch), or no
 * sample in the whole duration, the job is recorded as failed with the reason. Not `skipped`:
 * in job_runs that means a fire that never started because the previous one was still running
 * (execute-job.ts writes it; a handler cannot), and a failure is what `benchlab jobs list`
 * flags, which is what a machine scheduled to sample a GPU it cannot read deserves.
 * On shutdown the sampler stops at once; what it read is written and the run is interrupted.
 */
import { z } from 'zod';
import { formatDuration } from '../../gpu/duration';
import { DEFAULT_INTERVAL_MS, GpuSampler, type GpuSamplerOptions, type GpuSamplerSummary } from '../../gpu/gpu-sampler';
import { MIN_INTERVAL_MS } from '../../gpu/nvidia-smi-source';
import type { Failure } from '../../gpu/smi-failure';
import { defineJob } from '../job-handler';

export const DEFAULT_DURATION_S = 60;
/** A day: longer sampling belongs to `benchlab gpu` or a shorter schedule. */
export const MAX_DURATION_S = 86_400;
const MS_PER_SECOND = 1000;

export const gpuSampleJobOptions = z
  .object({
    /** How long each fire samples, in seconds. */
    duration_s: z.number().positive().max(MAX_DURATION_S).default(DEFAULT_DURATION_S),
    /** Time between samples, in milliseconds (at least MIN_INTERVAL_MS). */
    interval_ms: z.number().int().min(MIN_INTERVAL_MS).default(DEFAULT_INTERVAL_MS),
  })
  .strict();

export interface GpuSampleJobSettings {
  /** Environment of the GPU tools (its PATH picks them) and of OLLAMA_HOST; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Further sampler options (tests: tools, watchdog, flush interval). */
  sampler?: Partial<GpuSamplerOptions>;
}

const NO_TOOL = 'no GPU tool: neither nvidia-smi (NVIDIA driver) nor rocm-smi (AMD ROCm) is on PATH';

function failureReason(failure: Failure | undefined): string {
  if (!failure || failure.kind === 'tool-missing') return NO_TOOL;
  return `the GPU tool cannot work (${failure.kind}): ${failure.message}`;
}

function rowsWritten(summary: GpuSamplerSummary): number {
  const w = summary.written;
  return w.samples + w.alerts + w.ps + w.phases;
}

function describe(summary: GpuSamplerSummary, gpus: number): string {
  const alerts = Object.entries(summary.alerts).map(([kind, n]) => `${kind} ${n}`);
  const w = summary.written;
  return (
    `${summary.samples} sample(s) of ${gpus} GPU(s) from ${summary.source ?? 'no tool'} every ${formatDuration(summary.intervalMs)}; ` +
    `wrote ${w.samples} sample, ${w.alerts} alert and ${w.ps} Ollama ps row(s)${alerts.length > 0 ? `; alerts: ${alerts.join(', ')}` : ''}`
  );
}

/** Resolves after `ms`, or as soon as `signal` is aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The handler, with the sampler's environment to use (the registry's uses the process's own). */
export function createGpuSampleJob(settings: GpuSampleJobSettings = {}) {
  return defineJob({
    description: 'sample GPU telemetry (utilization, memory, power, temperature, Ollama models) for a while',
    options: gpuSampleJobOptions,
    async run(options, context) {
      const sampler = new GpuSampler({
        intervalMs: options.interval_ms,
        store: { dbPath: context.dbPath },
        ...(settings.env ? { env: settings.env } : {}),
        onLog: (line) => context.log.warn(line),
        ...settings.sampler,
      });
      const started = await sampler.start();
      if (started.source === null) {
        const summary = await sampler.stop();
        const reason = failureReason(started.failure);
        return { rowsWritten: rowsWritten(summary), summary: `no samples: ${reason}`, failure: reason };
      }
      const gpus = started.gpus.length;
      context.log.info(`sampling ${gpus > 0 ? `${gpus} GPU(s) ` : ''}with ${started.source} every ${formatDuration(sampler.intervalMs)} for ${formatDuration(options.duration_s * MS_PER_SECOND)}`);
      await sleep(options.duration_s * MS_PER_SECOND, context.signal);
      const summary = await sampler.stop();
      const line = describe(summary, Math.max(gpus, summary.gpus.length));
      const outcome = { rowsWritten: rowsWritten(summary), summary: line };
      if (summary.writeError !== undefined) return { ...outcome, failure: `could not write the telemetry: ${summary.writeError}` };
      if (context.signal.aborted) return { ...outcome, interrupted: true };
      if (summary.samples === 0) {
        const kinds = Object.keys(summary.alerts);
        return { ...outcome, failure: `no sample in ${formatDuration(options.duration_s * MS_PER_SECOND)} from ${started.source}${kinds.length > 0 ? ` (alerts: ${kinds.join(', ')})` : ''}` };
      }
      return outcome;
    },
  });
}

export const gpuSampleJob = createGpuSampleJob();
