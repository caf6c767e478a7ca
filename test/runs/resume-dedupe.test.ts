/**
 * Migration 6 gives run_items PRIMARY KEY (run_id, item_key): a database at schema 5 holding
 * the same item twice (as two resumes of one run could leave it) is de-duplicated, keeping the
 * row with the latest created_at, with every column in its place; afterwards a second row for
 * an item is refused, while replacing an item (delete, then append, in one transaction, as a
 * resume with --retry-errors does) still works.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../lib/store/migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../lib/store/migrations';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => removeDir(dir));

/** A database file brought to schema `version` only, as an older Benchlab left it; returns the row count of run_items. */
async function databaseAt(dbPath: string, version: number, sql: string[]): Promise<number> {
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  try {
    await migrate(connection, dbPath, MIGRATIONS.filter((m) => m.version <= version));
    for (const statement of sql) await connection.run(statement);
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM run_items`);
    return Number(reader.getRowObjectsJS()[0]?.['n']);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** One run_items row at schema 5: the columns of migration 1, then those of migration 5. */
const item = (run: string, key: string, createdAt: string, marker: string) =>
  `('${run}', '${key}', 'baseline:question-or', NULL, '${key.split('|')[2]}', 0, '["${marker}"]', 1, 1, 7, 12.5, NULL, NULL, NULL, NULL, TIMESTAMP '${createdAt}',
    'ok', NULL, 'strict', '[{"valid":true}]', 3.5)`;

const COLUMNS = [
  'run_id', 'item_key', 'generator', 'model', 'query_id', 'repeat_index', 'generated_queries', 'parsed_count', 'query_count', 'docs_found',
  'latency_ms', 'prompt_tokens', 'eval_tokens', 'cache_hit', 'error', 'created_at', 'status', 'error_kind', 'answer_read', 'query_checks', 'load_ms',
];

describe('migration 6: run_items keyed by (run_id, item_key)', () => {
  it('de-duplicates a schema-5 database, keeping the latest row of each item, and keys the table', async () => {
    const db = path.join(dir, 'duplicates.duckdb');
    const before = await databaseAt(db, 5, [
      `INSERT INTO runs VALUES ('r1', 'bench', 'sample', 'dup', '{}', '{}', 'host', 'completed', current_timestamp, current_timestamp, NULL)`,
      `INSERT INTO run_items VALUES
        ${item('r1', 'r0|baseline:question-or|q1', '2026-01-01 10:00:00', 'older')},
        ${item('r1', 'r0|baseline:question-or|q1', '2026-01-01 10:05:00', 'latest')},
        ${item('r1', 'r0|baseline:question-or|q1', '2026-01-01 09:00:00', 'oldest')},
        ${item('r1', 'r0|baseline:question-or|q2', '2026-01-01 10:00:00', 'only')},
        ${item('r2', 'r0|baseline:question-or|q1', '2026-01-01 08:00:00', 'other run')}`,
    ]);
    expect(before).toBe(5);

    await withStore({ dbPath: db }, async (store) => {
      const version = await store.one<{ v: number }>(`SELECT max(version) AS v FROM schema_version`);
      expect(version?.v).toBe(LATEST_SCHEMA_VERSION);
      expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
      const rows = await store.all<{ run_id: string; item_key: string; generated_queries: string }>(
        `SELECT run_id, item_key, generated_queries FROM run_items ORDER BY run_id, item_key`,
      );
      expect(rows.map((r) => [r.run_id, r.item_key, JSON.parse(r.generated_queries)])).toEqual([
        ['r1', 'r0|baseline:question-or|q1', ['latest']],
        ['r1', 'r0|baseline:question-or|q2', ['only']],
        ['r2', 'r0|baseline:question-or|q1', ['other run']],
      ]);
      // Every column of migrations 1 and 5, in order (Store.append writes positionally), values kept.
      const columns = await store.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'run_items' ORDER BY ordinal_position`);
      expect(columns.map((c) => c.column_name)).toEqual(COLUMNS);
      const kept = await store.one(`SELECT * FROM run_items WHERE run_id = 'r1' AND item_key = 'r0|baseline:question-or|q2'`);
      expect(kept).toMatchObject({ query_id: 'q2', docs_found: 7, latency_ms: 12.5, status: 'ok', answer_read: 'strict', load_ms: 3.5 });
      expect(JSON.parse(kept?.['query_checks'] as string)).toEqual([{ valid: true }]);
      const key = await store.all<{ constraint_type: string; constraint_column_names: string[] }>(
        `SELECT constraint_type, constraint_column_names FROM duckdb_constraints() WHERE table_name = 'run_items' AND constraint_type = 'PRIMARY KEY'`,
      );
      expect(key.map((k) => k.constraint_column_names)).toEqual([['run_id', 'item_key']]);
    });
  });

  it('refuses a second row for an item, and still replaces an item by delete and append in one transaction', async () => {
    const db = path.join(dir, 'keyed.duckdb');
    await withStore({ dbPath: db }, async (store) => {
      const row = (marker: string) => ['r1', 'r0|g|q1', 'g', null, 'q1', 0, JSON.stringify([marker]), 1, 1, 0, 1, null, null, null, null, new Date(), 'ok', null, 'strict', '[]', null];
      await store.append('run_items', [row('first')]);
      await expect(store.append('run_items', [row('twice')])).rejects.toThrow(/primary key|duplicate/i);
      await store.transaction(async () => {
        await store.run(`DELETE FROM run_items WHERE run_id = 'r1' AND item_key = 'r0|g|q1'`);
        await store.append('run_items', [row('replaced')]);
      });
      const rows = await store.all<{ generated_queries: string }>(`SELECT generated_queries FROM run_items`);
      expect(rows.map((r) => JSON.parse(r.generated_queries))).toEqual([['replaced']]);
    });
  });
});

describe('migration 7: item_metrics keyed by (run_id, item_key, measure)', () => {
  it('de-duplicates the metrics two resumes stored, so a mean counts each item once, and keys the table', async () => {
    const db = path.join(dir, 'metric-duplicates.duckdb');
    await databaseAt(db, 6, [
      `INSERT INTO runs VALUES ('r1', 'bench', 'sample', 'dup', '{}', '{}', 'host', 'completed', current_timestamp, current_timestamp, NULL)`,
      // q1 scored twice (two resumes before runs were locked; the second is the kept attempt), q2 once.
      `INSERT INTO item_metrics VALUES ('r1', 'r0|g|q1', 'ndcg_cut_10', 0.2), ('r1', 'r0|g|q1', 'P_10', 0.1), ('r1', 'r0|g|q2', 'ndcg_cut_10', 0.8)`,
      `INSERT INTO item_metrics VALUES ('r1', 'r0|g|q1', 'ndcg_cut_10', 0.4), ('r1', 'r0|g|q1', 'P_10', 0.3)`,
    ]);
    await withStore({ dbPath: db }, async (store) => {
      const mean = await store.one<{ n: bigint; mean: number }>(`SELECT count(*) AS n, avg(value) AS mean FROM item_metrics WHERE measure = 'ndcg_cut_10'`);
      expect(Number(mean?.n)).toBe(2);
      expect(mean?.mean).toBeCloseTo(0.6, 12);
      const p10 = await store.all<{ value: number }>(`SELECT value FROM item_metrics WHERE measure = 'P_10'`);
      expect(p10.map((r) => r.value)).toEqual([0.3]);
      const key = await store.all<{ constraint_column_names: string[] }>(
        `SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = 'item_metrics' AND constraint_type = 'PRIMARY KEY'`,
      );
      expect(key.map((k) => k.constraint_column_names)).toEqual([['run_id', 'item_key', 'measure']]);
      await expect(store.append('item_metrics', [['r1', 'r0|g|q2', 'ndcg_cut_10', 0.9]])).rejects.toThrow(/primary key|duplicate/i);
    });
  });
});
