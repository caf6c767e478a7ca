/**
 * GPU telemetry on its way to the store: samples, alerts, Ollama ps rows and phase marks are
 * buffered as table rows and written in batches with the Appender (gpu_samples, gpu_alerts,
 * ollama_ps_samples, gpu_phases), all tables of one batch in one transaction. `StoreFlusher`
 * opens the store per batch (never holding it between batches) on a timer; a failed write keeps
 * the rows for the next try, up to a bound, and is reported rather than thrown.
 *
 * lib/gpu owns the GPU tables and this module is their one writer: besides the batches, the
 * downsampling roll-up of old samples and the pruning by age for the retention jobs; and the latest-state reads other
 * folders need (lib/scoring's GPU state).
 */
import { timestampValue } from '@duckdb/node-api';
import { withStore, type AppendValue, type Store, type StoreOptions } from '../store/store';
import type { GpuEvent, GpuSample, OllamaPsRow } from './types';

type Rows = AppendValue[][];

export interface GpuBatch {
  samples: Rows;
  alerts: Rows;
  ps: Rows;
  phases: Rows;
}

export interface GpuBatchCounts {
  samples: number;
  alerts: number;
  ps: number;
  phases: number;
}

export const GPU_TABLES = { samples: 'gpu_samples', alerts: 'gpu_alerts', ps: 'ollama_ps_samples', phases: 'gpu_phases' } as const;

export function emptyBatch(): GpuBatch {
  return { samples: [], alerts: [], ps: [], phases: [] };
}

export function batchSize(batch: GpuBatch): number {
  return batch.samples.length + batch.alerts.length + batch.ps.length + batch.phases.length;
}

/** gpu_samples rows for one sample at full resolution (sample_count 1, min = max = the value). */
export function sampleRows(sample: GpuSample, host: string, runId: string | null, resolutionS: number): Rows {
  return sample.gpus.map((g) => [
    sample.sampledAt, host, sample.source, g.uuid, g.index, g.name, g.utilizationPct, g.memoryUsedMib, g.memoryTotalMib, g.powerW,
    g.temperatureC, g.throttleReasons === null ? null : g.throttleReasons.join(','), runId, resolutionS, 1, g.utilizationPct,
    g.utilizationPct, g.memoryUsedMib, g.powerW, g.temperatureC,
  ]);
}

export function alertRow(alert: GpuEvent, host: string, runId: string | null): AppendValue[] {
  return [alert.at, host, alert.gpuUuid, alert.kind, alert.message, alert.value, alert.threshold, runId];
}

export function psRow(row: OllamaPsRow, runId: string | null): AppendValue[] {
  return [row.sampledAt, row.host, row.model, row.sizeBytes, row.sizeVramBytes, row.expiresAt, runId, row.phase];
}

export function phaseRow(runId: string, host: string, phase: string, model: string | null, startedAt: Date): AppendValue[] {
  return [runId, host, phase, model, startedAt];
}

/** Writes a batch in one transaction. */
export async function writeGpuBatch(store: Store, batch: GpuBatch): Promise<GpuBatchCounts> {
  return store.transaction(async () => ({
    samples: batch.samples.length > 0 ? await store.append(GPU_TABLES.samples, batch.samples) : 0,
    alerts: batch.alerts.length > 0 ? await store.append(GPU_TABLES.alerts, batch.alerts) : 0,
    ps: batch.ps.length > 0 ? await store.append(GPU_TABLES.ps, batch.ps) : 0,
    phases: batch.phases.length > 0 ? await store.append(GPU_TABLES.phases, batch.phases) : 0,
  }));
}

export interface FlusherOptions {
  store: StoreOptions;
  /** Write at least this often while rows wait. */
  intervalMs: number;
  /** Rows kept while writes fail; the oldest samples are dropped beyond it. */
  maxBufferedRows: number;
  onError?: (message: string) => void;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 10_000;
/** About 14 hours of one GPU at 1 Hz. */
export const DEFAULT_MAX_BUFFERED_ROWS = 50_000;

/** Buffers rows and writes them to the store on a timer, opening it per batch. */
export class StoreFlusher {
  private batch = emptyBatch();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  readonly written: GpuBatchCounts = { samples: 0, alerts: 0, ps: 0, phases: 0 };
  dropped = 0;
  lastError: string | undefined;

  constructor(private readonly options: FlusherOptions) {}

  add(rows: Partial<GpuBatch>): void {
    for (const key of Object.keys(GPU_TABLES) as (keyof GpuBatch)[]) {
      const more = rows[key];
      if (more && more.length > 0) this.batch[key].push(...more);
    }
    const excess = batchSize(this.batch) - this.options.maxBufferedRows;
    if (excess > 0) {
      const drop = Math.min(excess, this.batch.samples.length);
      this.batch.samples.splice(0, drop);
      this.dropped += drop;
    }
    if (!this.timer && batchSize(this.batch) > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.intervalMs);
    }
  }

  /** Writes what is buffered (waiting for a write in progress first). Never rejects. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeNow());
    return this.writing;
  }

  private async writeNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (batchSize(this.batch) === 0) return;
    const batch = this.batch;
    this.batch = emptyBatch();
    try {
      const counts = await withStore(this.options.store, (store) => writeGpuBatch(store, batch));
      for (const key of Object.keys(counts) as (keyof GpuBatchCounts)[]) this.written[key] += counts[key];
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.onError?.(`could not write GPU telemetry: ${this.lastError}`);
      // Keep the rows (older first) for the next try.
      const kept = this.batch;
      this.batch = batch;
      this.add(kept);
    }
  }
}

/** The latest sample of each GPU (by host and uuid), ordered by host and GPU index. */
export async function latestGpuSamples(store: Store): Promise<LatestGpuSample[]> {
  return store.all<LatestGpuSample>(
    `SELECT sampled_at, host, gpu_uuid, gpu_index, gpu_name, utilization_pct, memory_used_mib, memory_total_mib
       FROM gpu_samples
     QUALIFY row_number() OVER (PARTITION BY host, gpu_uuid ORDER BY sampled_at DESC) = 1
      ORDER BY host, gpu_index, gpu_uuid`,
  );
}

export type LatestGpuSample = {
  sampled_at: unknown;
  host: string;
  gpu_uuid: string;
  gpu_index: number | null;
  gpu_name: string | null;
  utilization_pct: number | null;
  memory_used_mib: number | null;
  memory_total_mib: number | null;
};

export type LatestPsRow = {
  host: string;
  model: string;
  size_vram_bytes: bigint | null;
  expires_at: unknown;
};

const MICROS_PER_MS = 1000n;

/** The models of each host's latest Ollama ps sample, when that sample is not older than `oldestMs` (epoch ms). */
export async function latestOllamaPs(store: Store, oldestMs: number): Promise<LatestPsRow[]> {
  return store.all<LatestPsRow>(
    `SELECT host, model, size_vram_bytes, expires_at
       FROM ollama_ps_samples p
      WHERE sampled_at = (SELECT max(sampled_at) FROM ollama_ps_samples q WHERE q.host = p.host)
        AND sampled_at >= $oldest`,
    { oldest: timestampValue(BigInt(oldestMs) * MICROS_PER_MS) },
  );
}

const weightedMean = (column: string) =>
  `sum(${column} * sample_count) / nullif(sum(CASE WHEN ${column} IS NOT NULL THEN sample_count END), 0)`;

/**
 * Replaces gpu_samples rows older than `olderThan` (rounded down to a bucket boundary) and finer
 * than `resolutionS` by one row per GPU, run and bucket, in one transaction (lib/gpu/downsample.ts
 * says how each column folds).
 */
export async function rollUpGpuSamples(store: Store, olderThan: Date, resolutionS: number): Promise<{ cutoff: Date; rowsDeleted: number; rowsWritten: number }> {
  return store.transaction(async () => {
    const boundary = await store.one<{ cutoff: Date }>(`SELECT time_bucket(to_seconds($res::DOUBLE), $older::TIMESTAMP) AS cutoff`, {
      res: resolutionS,
      older: olderThan.toISOString(),
    });
    const cutoff = boundary?.cutoff ?? olderThan;
    const params = { res: resolutionS, cutoff: cutoff.toISOString() };
    const where = `sampled_at < $cutoff::TIMESTAMP AND resolution_s < $res::DOUBLE`;
    const before = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM gpu_samples WHERE ${where}`, params);
    const rowsDeleted = Number(before?.n ?? 0);
    if (rowsDeleted === 0) return { cutoff, rowsDeleted: 0, rowsWritten: 0 };
    const written = await store.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM gpu_samples WHERE ${where}
         GROUP BY time_bucket(to_seconds($res::DOUBLE), sampled_at), host, source, gpu_uuid, run_id)`,
      params,
    );
    await store.run(
      `INSERT INTO gpu_samples (sampled_at, host, source, gpu_uuid, gpu_index, gpu_name, utilization_pct, memory_used_mib,
         memory_total_mib, power_w, temperature_c, throttle_reasons, run_id, resolution_s, sample_count, utilization_min,
         utilization_max, memory_used_max, power_max, temperature_max)
       SELECT time_bucket(to_seconds($res::DOUBLE), sampled_at) AS bucket, host, source, gpu_uuid, max(gpu_index), max(gpu_name),
         ${weightedMean('utilization_pct')}, ${weightedMean('memory_used_mib')}, max(memory_total_mib), ${weightedMean('power_w')},
         ${weightedMean('temperature_c')},
         CASE WHEN count(throttle_reasons) = 0 THEN NULL
              ELSE coalesce(array_to_string(list_sort(list_distinct(flatten(
                     list(string_split(throttle_reasons, ',')) FILTER (WHERE throttle_reasons <> '')))), ','), '') END,
         run_id, $res::DOUBLE, sum(sample_count), min(coalesce(utilization_min, utilization_pct)),
         max(coalesce(utilization_max, utilization_pct)), max(coalesce(memory_used_max, memory_used_mib)),
         max(coalesce(power_max, power_w)), max(coalesce(temperature_max, temperature_c))
       FROM gpu_samples WHERE ${where}
       GROUP BY bucket, host, source, gpu_uuid, run_id`,
      params,
    );
    await store.run(`DELETE FROM gpu_samples WHERE ${where}`, params);
    return { cutoff, rowsDeleted, rowsWritten: Number(written?.n ?? 0) };
  });
}

/** The GPU tables retention prunes by age, with the statement for each. */
const PRUNE_GPU = {
  gpu_samples: `DELETE FROM gpu_samples WHERE sampled_at < $cutoff`,
  gpu_alerts: `DELETE FROM gpu_alerts WHERE raised_at < $cutoff`,
  ollama_ps_samples: `DELETE FROM ollama_ps_samples WHERE sampled_at < $cutoff`,
} as const;

/** Deletes one GPU table's rows older than `cutoffMicros` (epoch microseconds, UTC), in one statement; returns how many. */
export async function pruneGpuTelemetry(store: Store, table: keyof typeof PRUNE_GPU, cutoffMicros: bigint): Promise<number> {
  const result = await store.connection.run(PRUNE_GPU[table], { cutoff: timestampValue(cutoffMicros) });
  return result.rowsChanged;
}
