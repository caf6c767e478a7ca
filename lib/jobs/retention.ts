/**
 * Store retention: deletes rows older than a per-table age (GPU downsampling lives with the GPU
 * telemetry, in lib/gpu/downsample.ts). Each table's owner does the deleting (lib/gpu/gpu-store.ts,
 * lib/llm/response-cache.ts, lib/jobs/job-runs.ts); this module picks the cutoff. Each deletion
 * runs in one statement: a failure changes nothing. Time arithmetic is on epoch microseconds
 * (UTC), never on the session time zone.
 */
import type { Store } from '../store/store';
import type { OwnedTable } from '../store/table-owners';
import { pruneGpuTelemetry } from '../gpu/gpu-store';
import { pruneLlmCache } from '../llm/response-cache';
import { pruneJobRuns } from './job-runs';

/** Tables retention may prune, and the owner's function that deletes rows older than a cutoff (epoch microseconds). */
export const PRUNABLE_TABLES = {
  gpu_samples: (store, cutoff) => pruneGpuTelemetry(store, 'gpu_samples', cutoff),
  gpu_alerts: (store, cutoff) => pruneGpuTelemetry(store, 'gpu_alerts', cutoff),
  ollama_ps_samples: (store, cutoff) => pruneGpuTelemetry(store, 'ollama_ps_samples', cutoff),
  llm_cache: pruneLlmCache,
  // A running job's row is never pruned, however old.
  job_runs: pruneJobRuns,
} as const satisfies Partial<Record<OwnedTable, (store: Store, cutoffMicros: bigint) => Promise<number>>>;

export type PrunableTable = keyof typeof PRUNABLE_TABLES;

export const MS_PER_DAY = 86_400_000;
const MICROS_PER_MS = 1000;

/** The instant `days` days before `now`, in epoch microseconds. */
function cutoffMicros(now: Date, days: number): bigint {
  return BigInt(Math.round((now.getTime() - days * MS_PER_DAY) * MICROS_PER_MS));
}

/** Deletes the table's rows older than `days` days; returns how many. */
export async function pruneTable(store: Store, table: PrunableTable, days: number, now: Date = new Date()): Promise<number> {
  return PRUNABLE_TABLES[table](store, cutoffMicros(now, days));
}
