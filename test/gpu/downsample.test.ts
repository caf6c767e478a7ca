import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downsampleGpuSamples } from '../../lib/gpu/downsample';
import { withStore, type Store } from '../../lib/store/store';
import { removeDir } from '../support/temp-store';
import { gpuDb } from './support';

const T = Date.UTC(2025, 0, 1, 0, 0, 0); // a minute boundary
const at = (s: number) => new Date(T + s * 1000);
let dbPath: string;
let dir: string;

beforeEach(async () => {
  ({ dbPath, dir } = await gpuDb());
});
afterEach(() => removeDir(dir));

/** 1-second rows: utilization i % 60 (unknown every 10th second), power 100 + i, throttle reasons now and then. */
function rawRows(fromS: number, toS: number, runId: string | null) {
  const rows = [];
  for (let s = fromS; s < toS; s++) {
    const util = s % 10 === 0 ? null : s % 60;
    const throttle = s % 30 === 1 ? 'sw_power_cap' : s % 30 === 2 ? 'hw_slowdown,sw_power_cap' : '';
    rows.push([at(s), 'h', 'nvidia-smi', 'GPU-a', 0, 'GPU', util, 1000 + s, 81559, 100 + s, 40, throttle, runId, 1, 1, util, util, 1000 + s, 100 + s, 40]);
  }
  return rows;
}

interface Row {
  sampled_at: Date;
  run_id: string | null;
  resolution_s: number;
  sample_count: number;
  utilization_pct: number | null;
  utilization_min: number | null;
  utilization_max: number | null;
  memory_used_mib: number;
  memory_used_max: number;
  power_w: number;
  power_max: number;
  temperature_max: number;
  throttle_reasons: string | null;
}

const rows = (store: Store) => store.all<Row & Record<string, unknown>>(`SELECT * FROM gpu_samples ORDER BY sampled_at, run_id NULLS FIRST`);

describe('downsampleGpuSamples', () => {
  it('replaces whole old buckets by one row each with count, weighted means and extremes', async () => {
    await withStore({ dbPath }, async (store) => {
      await store.append('gpu_samples', rawRows(0, 150, 'r1'));
      // olderThan falls inside the third minute: only the two whole minutes are touched.
      const result = await downsampleGpuSamples(store, { olderThan: at(150), resolutionS: 60 });
      expect(result).toEqual({ cutoff: at(120), rowsDeleted: 120, rowsWritten: 2 });
      const after = await rows(store);
      expect(after).toHaveLength(2 + 30);
      const [first, second] = after;
      expect(first).toMatchObject({ sampled_at: at(0), run_id: 'r1', resolution_s: 60, sample_count: 60, utilization_min: 1, utilization_max: 59, memory_used_max: 1059, power_max: 159, temperature_max: 40 });
      // Mean of the known values only (every 10th second is unknown, not 0).
      const known = Array.from({ length: 60 }, (_, s) => s).filter((s) => s % 10 !== 0);
      expect(first?.utilization_pct).toBeCloseTo(known.reduce((a, b) => a + b, 0) / known.length, 10);
      expect(first?.power_w).toBeCloseTo(129.5, 10);
      expect(first?.throttle_reasons).toBe('hw_slowdown,sw_power_cap');
      expect(second).toMatchObject({ sampled_at: at(60), sample_count: 60, power_max: 219 });
      expect(after.slice(2).every((r) => r.resolution_s === 1)).toBe(true);
      // Again with the same cutoff: nothing to do; the buckets are never doubled.
      expect(await downsampleGpuSamples(store, { olderThan: at(150), resolutionS: 60 })).toEqual({ cutoff: at(120), rowsDeleted: 0, rowsWritten: 0 });
    });
  });

  it('steps up resolutions with sample_count weights, and keeps runs apart', async () => {
    await withStore({ dbPath }, async (store) => {
      await store.append('gpu_samples', [...rawRows(0, 60, 'r1'), ...rawRows(60, 180, null)]);
      await downsampleGpuSamples(store, { olderThan: at(180), resolutionS: 60 });
      expect((await rows(store)).map((r) => [r.run_id, r.sample_count])).toEqual([
        ['r1', 60],
        [null, 60],
        [null, 60],
      ]);
      const hourly = await downsampleGpuSamples(store, { olderThan: at(7200), resolutionS: 3600 });
      expect(hourly).toMatchObject({ rowsDeleted: 3, rowsWritten: 2 });
      const after = await rows(store);
      expect(after.map((r) => [r.run_id, r.sample_count, r.resolution_s])).toEqual([
        [null, 120, 3600],
        ['r1', 60, 3600],
      ]);
      expect(after[0]?.power_w).toBeCloseTo((100 + 60 + 100 + 179) / 2, 10);
      expect(after[0]?.power_max).toBe(279);
      expect(after[0]?.utilization_min).toBe(1);
    });
  });

  it('rejects a nonsense resolution', async () => {
    await withStore({ dbPath }, async (store) => {
      await expect(downsampleGpuSamples(store, { olderThan: at(0), resolutionS: 0 })).rejects.toThrow(/resolutionS/);
    });
  });
});
