/**
 * Store retention: deletes rows older than a per-table age (GPU downsampling lives with the GPU
 * telemetry, in lib/gpu/downsample.ts). Each deletion runs in one statement: a failure changes
 * nothing. Time arithmetic is on epoch microseconds (UTC), never on the session time zone.
 */
import { timestampValue } from '@duckdb/node-api';
import type { Store } from '../store/store';

/** Tables retention may prune, and the column holding each row's time. */
export const PRUNABLE_TABLES = {
  gpu_samples: { timeColumn: 'sampled_at', keep: undefined },
  gpu_alerts: { timeColumn: 'raised_at', keep: undefined },
  ollama_ps_samples: { timeColumn: 'sampled_at', keep: undefined },
  llm_cache: { timeColumn: 'created_at', keep: undefined },
  // A running job's row is never pruned, however old.
  job_runs: { timeColumn: 'started_at', keep: "status = 'running'" },
} as const satisfies Record<string, { timeColumn: string; keep: string | undefined }>;

export type PrunableTable = keyof typeof PRUNABLE_TABLES;

export const MS_PER_DAY = 86_400_000;
const MICROS_PER_MS = 1000;

/** The instant `days` days before `now`, in epoch microseconds. */
function cutoffMicros(now: Date, days: number): bigint {
  return BigInt(Math.round((now.getTime() - days * MS_PER_DAY) * MICROS_PER_MS));
}

/** Deletes the table's rows older than `days` days; returns how many. */
export async function pruneTable(store: Store, table: PrunableTable, days: number, now: Date = new Date()): Promise<number> {
  const { timeColumn, keep } = PRUNABLE_TABLES[table];
  // Table and column names come from PRUNABLE_TABLES above, never from input.
  const result = await store.connection.run(
    `DELETE FROM ${table} WHERE ${timeColumn} < $cutoff${keep ? ` AND NOT (${keep})` : ''}`,
    { cutoff: timestampValue(cutoffMicros(now, days)) },
  );
  return result.rowsChanged;
}
