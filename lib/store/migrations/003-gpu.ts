/**
 * Migration 3: GPU telemetry phases. A benchmark run marks its phases (and, where it knows it,
 * the model a phase belongs to) on the GPU sampler; each mark starts a phase that lasts until
 * the next mark of the same run. The per-run GPU summary groups gpu_samples by these phases
 * (an ASOF join on started_at), so energy and utilization can be told per model and phase.
 */
import type { Migration } from './migration';

export const gpuPhases: Migration = {
  version: 3,
  description: 'gpu_phases: phase marks of runs, for per-model/phase GPU summaries',
  statements: [
    `CREATE TABLE gpu_phases (
      run_id VARCHAR NOT NULL,
      host VARCHAR NOT NULL,
      phase VARCHAR NOT NULL,
      model VARCHAR,
      started_at TIMESTAMP NOT NULL
    )`,
  ],
};
