/**
 * The retention job against synthetic rows: downsampling 1-second gpu_samples into 1-minute
 * buckets must keep the mean, min and max of every measure exactly, leave recent and already
 * coarse rows alone, and pruning must delete only what is older than configured.
 */
import { describe, expect, it } from 'vitest';
import { runJobNow } from '../../lib/jobs/run-job-now';
import { MS_PER_DAY } from '../../lib/jobs/retention';
import { withStore, type AppendValue } from '../../lib/store/store';
import { config, freshDb, jobRuns } from './helpers';

const MINUTE_MS = 60_000;
const SECOND_MS = 1000;

interface Sample {
  at: Date;
  gpu: string;
  util: number | null;
  mem: number;
  power: number | null;
  temp: number;
  throttle: string | null;
  runId: string | null;
  resolution?: number;
  count?: number;
  utilMin?: number;
  utilMax?: number;
  memMax?: number;
  powerMax?: number;
  tempMax?: number;
}

const MEMORY_TOTAL_MIB = 24_576;

function row(s: Sample): AppendValue[] {
  return [
    s.at, 'host-1', 'nvidia-smi', s.gpu, s.gpu === 'GPU-a' ? 0 : 1, 'NVIDIA RTX 4090',
    s.util, s.mem, MEMORY_TOTAL_MIB, s.power, s.temp, s.throttle, s.runId,
    s.resolution ?? 1, s.count ?? 1, s.utilMin ?? null, s.utilMax ?? null, s.memMax ?? null, s.powerMax ?? null, s.tempMax ?? null,
  ];
}

interface Bucket extends Record<string, unknown> {
  sampled_at: Date;
  gpu_uuid: string;
  run_id: string | null;
  resolution_s: number;
  sample_count: number;
  utilization_pct: number | null;
  utilization_min: number | null;
  utilization_max: number | null;
  memory_used_mib: number;
  memory_used_max: number;
  memory_total_mib: number;
  power_w: number | null;
  power_max: number | null;
  temperature_c: number;
  temperature_max: number;
  throttle_reasons: string | null;
  gpu_index: number;
  gpu_name: string;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function retention(db: string, options: string): Promise<Awaited<ReturnType<typeof runJobNow>>> {
  return runJobNow({ name: 'retention', dbPath: db, config: config(`jobs:\n  - name: retention\n    cron: "0 4 * * 0"\n    options: ${options}\n`) });
}

describe('retention job', () => {
  it('downsamples old 1-second gpu_samples into 1-minute buckets with exact min/max/mean, per GPU and run', async () => {
    const { db } = freshDb();
    // Ten days ago, on a minute boundary: three minutes of 1-second samples for two GPUs.
    const start = Math.floor((Date.now() - 10 * MS_PER_DAY) / MINUTE_MS) * MINUTE_MS;
    const samples: Sample[] = [];
    for (let i = 0; i < 180; i++) {
      const at = new Date(start + i * SECOND_MS);
      samples.push({
        at, gpu: 'GPU-a', util: (i * 37) % 101, mem: 1000 + ((i * 13) % 500), power: 100 + ((i * 7) % 250), temp: 40 + (i % 30),
        throttle: i === 5 ? 'sw_power_cap' : i === 65 ? 'hw_slowdown,sw_power_cap' : null,
        // The first minute is split between two runs.
        runId: i < 30 ? 'r-1' : i < 60 ? 'r-2' : null,
      });
      if (i < 120) {
        samples.push({ at, gpu: 'GPU-b', util: i % 2 === 0 ? null : (i * 11) % 100, mem: 2000 + i, power: i % 3 === 0 ? null : 200 + i, temp: 50 + (i % 7), throttle: null, runId: null });
      }
    }
    // Recent samples and an old, already-coarse row: both must stay as they are.
    const recent = Array.from({ length: 30 }, (_, i): Sample => ({ at: new Date(Date.now() - 3600_000 + i * SECOND_MS), gpu: 'GPU-a', util: 50, mem: 1, power: 1, temp: 1, throttle: null, runId: null }));
    const coarse: Sample = { at: new Date(start - 60 * MINUTE_MS), gpu: 'GPU-a', util: 42, mem: 7, power: 9, temp: 33, throttle: null, runId: null, resolution: 60, count: 60, utilMin: 1, utilMax: 99, memMax: 8, powerMax: 10, tempMax: 35 };
    await withStore({ dbPath: db }, (store) => store.append('gpu_samples', [...samples, ...recent, coarse].map(row)));

    const execution = await retention(db, '{ downsample_after_days: 7, bucket_s: 60 }');
    expect(execution.status).toBe('succeeded');

    // Expected buckets, computed here from the raw samples.
    const groups = new Map<string, Sample[]>();
    for (const s of samples) {
      const key = `${s.gpu}|${Math.floor(s.at.getTime() / MINUTE_MS) * MINUTE_MS}|${s.runId}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    expect(groups.size).toBe(3 + 1 + 2); // GPU-a: r-1, r-2, none (minute 1), minutes 2 and 3; GPU-b: 2 minutes
    expect(execution.rowsWritten).toBe(groups.size);
    expect(execution.summary).toContain(`downsampled ${samples.length} gpu_samples row(s)`);

    const buckets = await withStore({ dbPath: db }, (store) =>
      store.all<Bucket>(`SELECT * FROM gpu_samples WHERE resolution_s = 60 AND sampled_at >= $from ORDER BY gpu_uuid, sampled_at, run_id NULLS LAST`, { from: new Date(start).toISOString() }),
    );
    expect(buckets).toHaveLength(groups.size);
    for (const bucket of buckets) {
      const group = groups.get(`${bucket.gpu_uuid}|${bucket.sampled_at.getTime()}|${bucket.run_id}`);
      expect(group, `bucket ${bucket.gpu_uuid} ${bucket.sampled_at.toISOString()} ${bucket.run_id}`).toBeDefined();
      if (!group) continue;
      const utils = group.flatMap((s) => (s.util === null ? [] : [s.util]));
      const powers = group.flatMap((s) => (s.power === null ? [] : [s.power]));
      expect(bucket.sample_count).toBe(group.length);
      expect(bucket.utilization_pct).toBeCloseTo(mean(utils), 9);
      expect(bucket.utilization_min).toBe(Math.min(...utils));
      expect(bucket.utilization_max).toBe(Math.max(...utils));
      expect(bucket.memory_used_mib).toBeCloseTo(mean(group.map((s) => s.mem)), 9);
      expect(bucket.memory_used_max).toBe(Math.max(...group.map((s) => s.mem)));
      expect(bucket.memory_total_mib).toBe(MEMORY_TOTAL_MIB);
      expect(bucket.power_w).toBeCloseTo(mean(powers), 9);
      expect(bucket.power_max).toBe(Math.max(...powers));
      expect(bucket.temperature_c).toBeCloseTo(mean(group.map((s) => s.temp)), 9);
      expect(bucket.temperature_max).toBe(Math.max(...group.map((s) => s.temp)));
      expect(bucket).toMatchObject({ gpu_index: bucket.gpu_uuid === 'GPU-a' ? 0 : 1, gpu_name: 'NVIDIA RTX 4090' });
    }
    const throttled = buckets.filter((b) => b.throttle_reasons !== null).map((b) => [b.run_id, b.throttle_reasons]);
    expect(throttled).toEqual([['r-1', 'sw_power_cap'], [null, 'hw_slowdown,sw_power_cap']]);

    const left = await withStore({ dbPath: db }, (store) =>
      store.all<{ resolution_s: number; n: bigint }>(`SELECT resolution_s, count(*) AS n FROM gpu_samples GROUP BY resolution_s ORDER BY resolution_s`),
    );
    expect(left.map((r) => [r.resolution_s, Number(r.n)])).toEqual([[1, recent.length], [60, groups.size + 1]]);
    const keptCoarse = await withStore({ dbPath: db }, (store) => store.one<Bucket>(`SELECT * FROM gpu_samples WHERE sampled_at = $at`, { at: coarse.at.toISOString() }));
    expect(keptCoarse).toMatchObject({ sample_count: 60, utilization_pct: 42, utilization_min: 1, utilization_max: 99 });

    // A second pass finds nothing more to do.
    const again = await retention(db, '{ downsample_after_days: 7, bucket_s: 60 }');
    expect(again.rowsWritten).toBe(0);
    expect((await jobRuns(db, 'retention')).map((r) => [r.status, r.rowsWritten, r.scheduledAt])).toEqual([
      ['succeeded', groups.size, null],
      ['succeeded', 0, null],
    ]);
  });

  it('weights means by sample_count when merging rows that are already aggregated', async () => {
    const { db } = freshDb();
    const start = Math.floor((Date.now() - 30 * MS_PER_DAY) / MINUTE_MS) * MINUTE_MS;
    // 10-second rows (10 samples each, with their own min/max) and one raw 1-second row, in one minute.
    const rows: Sample[] = [
      { at: new Date(start), gpu: 'GPU-a', util: 20, mem: 100, power: 50, temp: 40, throttle: null, runId: null, resolution: 10, count: 10, utilMin: 5, utilMax: 35, memMax: 150, powerMax: 80, tempMax: 45 },
      { at: new Date(start + 10_000), gpu: 'GPU-a', util: 80, mem: 300, power: 150, temp: 60, throttle: null, runId: null, resolution: 10, count: 10, utilMin: 70, utilMax: 97, memMax: 310, powerMax: 200, tempMax: 66 },
      { at: new Date(start + 20_000), gpu: 'GPU-a', util: 2, mem: 500, power: 400, temp: 70, throttle: null, runId: null },
    ];
    await withStore({ dbPath: db }, (store) => store.append('gpu_samples', rows.map(row)));
    const execution = await retention(db, '{ downsample_after_days: 1 }');
    expect(execution.rowsWritten).toBe(1);
    const [bucket] = await withStore({ dbPath: db }, (store) => store.all<Bucket>(`SELECT * FROM gpu_samples`));
    expect(bucket).toMatchObject({ resolution_s: 60, sample_count: 21, utilization_min: 2, utilization_max: 97, memory_used_max: 500, power_max: 400, temperature_max: 70 });
    expect(bucket?.utilization_pct).toBeCloseTo((20 * 10 + 80 * 10 + 2) / 21, 9);
    expect(bucket?.memory_used_mib).toBeCloseTo((100 * 10 + 300 * 10 + 500) / 21, 9);
  });

  it('prunes only the tables configured, only rows older than their age, and never a running job', async () => {
    const { db } = freshDb();
    const old = new Date(Date.now() - 40 * MS_PER_DAY);
    const fresh = new Date(Date.now() - 5 * MS_PER_DAY);
    await withStore({ dbPath: db }, async (store) => {
      await store.append('llm_cache', [old, fresh].map((at, i) => [`key-${i}`, 'ollama', 'm', 'p', '{}', 'r', null, at, null]));
      await store.append('gpu_alerts', [old, fresh].map((at) => [at, 'host-1', 'GPU-a', 'temperature', 'hot', 90, 85, null]));
      await store.append('job_runs', [
        ['j-done', 'bench', null, old, old, 'succeeded', null, 1, 1],
        ['j-stuck', 'bench', null, old, null, 'running', null, null, process.pid],
      ]);
    });
    // j-stuck belongs to no live execution, so the job's own start marks it interrupted first,
    // and the prune then removes it with the other old rows.
    const execution = await retention(db, '{ prune_after_days: { llm_cache: 30, job_runs: 30 } }');
    expect(execution.summary).toContain('pruned 1 llm_cache row(s) older than 30 day(s)');
    expect(execution.summary).toContain('pruned 2 job_runs row(s) older than 30 day(s)');
    const counts = await withStore({ dbPath: db }, (store) =>
      store.one<{ cache: bigint; alerts: bigint; jobs: bigint }>(
        `SELECT (SELECT count(*) FROM llm_cache) AS cache, (SELECT count(*) FROM gpu_alerts) AS alerts, (SELECT count(*) FROM job_runs) AS jobs`,
      ),
    );
    expect(counts).toEqual({ cache: 1n, alerts: 2n, jobs: 1n }); // gpu_alerts not configured: kept
    expect(await jobRuns(db)).toMatchObject([{ job: 'retention', status: 'succeeded' }]);
  });

  it('keeps a running job_runs row however old', async () => {
    const { db } = freshDb();
    const old = new Date(Date.now() - 400 * MS_PER_DAY);
    await withStore({ dbPath: db }, (store) =>
      // pid 1 is alive on every Unix machine, so this row is not stale.
      store.append('job_runs', [['j-ancient', 'bench', null, old, null, 'running', null, null, 1]]),
    );
    await retention(db, '{ prune_after_days: { job_runs: 30 } }');
    expect((await jobRuns(db, 'bench')).map((r) => r.status)).toEqual(['running']);
  });
});
