import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { MIGRATIONS } from '../../lib/store/migrations';
import { migrate } from '../../lib/store/migrate';
import { selectionViews } from '../../lib/store/migrations/002-selection-views';
import { selectModel } from '../../lib/scoring/select-model';
import { removeDir, tempDir } from '../support/temp-store';
import { appendRows, realData, withTempStore } from './helpers';

const NOW = new Date('2026-11-21T12:00:00Z');

describe('selection log', () => {
  it('logs every selection to model_selections', async () => {
    await withTempStore(async (store) => {
      const s = await selectModel('code', { maxVramBytes: 8e9, exclude: ['gemma2'] }, { data: realData(), store, now: () => NOW });
      const rows = await store.all<Record<string, unknown>>(`SELECT * FROM model_selections`);
      expect(rows).toHaveLength(1);
      const row = rows[0] as Record<string, unknown>;
      expect(row).toMatchObject({
        category: 'code', model: 'qwen2.5-coder:7b', is_primary_category: true, confidence: 0.9, gpu_uuid: null, reason: s.reason,
      });
      expect(row['final_score']).toBeCloseTo(s.finalScore, 10);
      expect(row['duration_ms']).toBeGreaterThan(0);
      expect(new Date(String(row['selected_at'])).toISOString()).toBe(NOW.toISOString());
      expect(JSON.parse(String(row['constraints']))).toEqual({ maxVramBytes: 8e9, exclude: ['gemma2'], gpuAware: false });
      const breakdown = JSON.parse(String(row['breakdown'])) as Record<string, unknown>;
      expect(breakdown).toMatchObject({ role: 'primary', coverage: 1, local_items: 0, runner_up: { model: 'qwen2.5:7b' } });
      expect((breakdown['chosen'] as { benchmark: { used: unknown[] } }).benchmark.used).toHaveLength(2);
    });
  });

  it('logs nothing when asked not to, or without a store', async () => {
    await withTempStore(async (store) => {
      await selectModel('code', {}, { data: realData(), store, log: false });
      expect(await store.one(`SELECT count(*)::INTEGER AS n FROM model_selections`)).toEqual({ n: 0 });
    });
  });

  it('feeds the analysis views', async () => {
    await withTempStore(async (store) => {
      const data = realData();
      const at = (minute: number) => () => new Date(NOW.getTime() + minute * 60_000);
      // qwen2.5-coder:7b: code (primary, 0.9) twice and math (secondary, 0.7) once; qwen2.5:14b: math (secondary) once.
      await selectModel('code', { maxVramBytes: 8e9 }, { data, store, now: at(0) });
      await selectModel('code', { maxVramBytes: 8e9 }, { data, store, now: at(1) });
      const math = await selectModel('math', { maxVramBytes: 8e9, include: ['qwen2.5-coder:7b', 'phi3.5'] }, { data, store, now: at(2) });
      expect(math.model).toBe('qwen2.5-coder:7b');
      await selectModel('math', {}, { data, store, now: at(3) });

      const perCategory = await store.all(`SELECT category, model, selections::INTEGER AS selections, is_primary_category, round(mean_confidence, 2) AS mean_confidence FROM models_per_category ORDER BY category, model`);
      expect(perCategory).toEqual([
        { category: 'code', model: 'qwen2.5-coder:7b', selections: 2, is_primary_category: true, mean_confidence: 0.9 },
        { category: 'math', model: 'qwen2.5-coder:7b', selections: 1, is_primary_category: false, mean_confidence: 0.7 },
        { category: 'math', model: 'qwen2.5:14b', selections: 1, is_primary_category: false, mean_confidence: 0.7 },
      ]);

      const multi = await store.all(
        `SELECT model, categories_served::INTEGER AS categories_served, categories, primary_selections::INTEGER AS primary_selections,
                secondary_selections::INTEGER AS secondary_selections, round(mean_confidence, 4) AS mean_confidence
           FROM multi_category_effectiveness ORDER BY model`,
      );
      expect(multi).toEqual([
        { model: 'qwen2.5-coder:7b', categories_served: 2, categories: ['code', 'math'], primary_selections: 2, secondary_selections: 1, mean_confidence: round4((0.9 + 0.9 + 0.7) / 3) },
        { model: 'qwen2.5:14b', categories_served: 1, categories: ['math'], primary_selections: 0, secondary_selections: 1, mean_confidence: 0.7 },
      ]);

      const perf = await store.all<{ category: string; selections: number; models: number; mean_coverage: number; mean_benchmark_score: number; gpu_placed_share: number }>(
        `SELECT category, selections::INTEGER AS selections, models::INTEGER AS models, mean_coverage, mean_benchmark_score, gpu_placed_share
           FROM performance_by_category ORDER BY category`,
      );
      expect(perf.map((p) => [p.category, p.selections, p.models, p.mean_coverage, p.gpu_placed_share])).toEqual([
        ['code', 2, 1, 1, 0],
        ['math', 2, 2, 1, 0],
      ]);
      // math: coder (1.2 x 86.7 + 1.5 x 66.8) / 2.7 and qwen2.5:14b (1.2 x 94.8 + 1.5 x 80.0) / 2.7.
      const coderMath = (1.2 * 86.7 + 1.5 * 66.8) / 2.7;
      const qwenMath = (1.2 * 94.8 + 1.5 * 80.0) / 2.7;
      expect(perf[1]?.mean_benchmark_score).toBeCloseTo((coderMath + qwenMath) / 2, 8);
    });
  });

  it('keeps the GPU of a GPU-aware selection', async () => {
    await withTempStore(async (store) => {
      await appendRows(store, 'gpu_samples', [
        { sampled_at: NOW, host: 'box', source: 'nvidia-smi', gpu_uuid: 'GPU-1', memory_total_mib: 24576, memory_used_mib: 0, utilization_pct: 0, resolution_s: 1, sample_count: 1 },
      ]);
      await selectModel('code', {}, { data: realData(), store, gpuAware: true, now: () => NOW });
      expect(await store.all(`SELECT model, gpu_uuid FROM model_selections`)).toEqual([{ model: 'qwen2.5-coder:7b', gpu_uuid: 'GPU-1' }]);
      expect(await store.all(`SELECT gpu_placed_share FROM performance_by_category`)).toEqual([{ gpu_placed_share: 1 }]);
    });
  });
});

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

describe('the selection views migration', () => {
  it('applies on top of the earlier migrations and records its version', async () => {
    const dir = tempDir('benchlab-migration-');
    try {
      const dbPath = path.join(dir, 'm.duckdb');
      const instance = await DuckDBInstance.create(dbPath);
      const connection = await instance.connect();
      const migrations = [...MIGRATIONS.filter((m) => m.version < selectionViews.version), selectionViews];
      expect((await migrate(connection, dbPath, migrations)).to).toBe(selectionViews.version);
      const views = (await connection.runAndReadAll(`SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name`)).getRowObjectsJS();
      expect(views.map((v) => v['view_name'])).toEqual(expect.arrayContaining(['models_per_category', 'multi_category_effectiveness', 'performance_by_category']));
      connection.closeSync();
      instance.closeSync();
    } finally {
      removeDir(dir);
    }
  });
});
