import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore, withStore } from '../../lib/store/store';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../lib/store/migrations';
import { migrate } from '../../lib/store/migrate';
import { DatabaseLockedError } from '../../lib/store/lock-retry';
import { resolveDbPath, DB_ENV_VAR, projectRoot } from '../../lib/store/db-path';
import { holdDatabase } from '../support/hold-db';
import { removeDir, tempDir } from '../support/temp-store';

const dirs: string[] = [];
function freshDb(): string {
  const dir = tempDir();
  dirs.push(dir);
  return path.join(dir, 'bench.duckdb');
}
afterEach(() => {
  while (dirs.length > 0) removeDir(dirs.pop() as string);
});

describe('database path', () => {
  it('prefers --db, then BENCHLAB_DB, then data/benchlab.duckdb in the project', () => {
    const saved = process.env[DB_ENV_VAR];
    try {
      process.env[DB_ENV_VAR] = '/tmp/from-env.duckdb';
      expect(resolveDbPath('/tmp/explicit.duckdb')).toBe('/tmp/explicit.duckdb');
      expect(resolveDbPath()).toBe('/tmp/from-env.duckdb');
      delete process.env[DB_ENV_VAR];
      expect(resolveDbPath()).toBe(path.join(projectRoot(), 'data', 'benchlab.duckdb'));
      expect(fs.existsSync(path.join(projectRoot(), 'package.json'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env[DB_ENV_VAR];
      else process.env[DB_ENV_VAR] = saved;
    }
  });
});

describe('schema migrations', () => {
  it('creates every table of the product on a new file and records the version', async () => {
    const dbPath = freshDb();
    const tables = await withStore({ dbPath }, (store) =>
      store.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables ORDER BY table_name`),
    );
    const names = tables.map((t) => t.table_name);
    for (const table of ['runs', 'run_items', 'llm_calls', 'gpu_samples', 'model_selections', 'experiments', 'job_runs', 'schema_version']) {
      expect(names).toContain(table);
    }
    const version = await withStore({ dbPath }, (store) => store.one<{ v: number }>(`SELECT max(version) AS v FROM schema_version`));
    expect(version?.v).toBe(LATEST_SCHEMA_VERSION);
  });

  it('migrates an older database forward without losing its rows', async () => {
    const dbPath = freshDb();
    const instance = await DuckDBInstance.create(dbPath);
    const connection = await instance.connect();
    const v1Only = MIGRATIONS.filter((m) => m.version === 1);
    await migrate(connection, dbPath, v1Only);
    await connection.run(`INSERT INTO queries VALUES ('ds', 'q1', 'kept text')`);
    const v2 = { version: 2, description: 'test: add a column', statements: [`ALTER TABLE queries ADD COLUMN note VARCHAR`] };
    const result = await migrate(connection, dbPath, [...v1Only, v2]);
    expect(result).toEqual({ from: 1, to: 2 });
    const rows = (await connection.runAndReadAll(`SELECT text, note FROM queries`)).getRowObjectsJS();
    expect(rows).toEqual([{ text: 'kept text', note: null }]);
    connection.closeSync();
    instance.closeSync();
  });

  it('refuses a database written by a newer Benchlab, naming the versions', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, (store) =>
      store.run(`INSERT INTO schema_version VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from the future', current_timestamp)`),
    );
    await expect(openStore({ dbPath })).rejects.toThrow(
      new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 1}, but this Benchlab supports up to ${LATEST_SCHEMA_VERSION}`),
    );
  });
});

describe('bulk writes', () => {
  it('appends rows, LIST columns included, through the appender', async () => {
    const dbPath = freshDb();
    const rows = await withStore({ dbPath }, async (store) => {
      const rowsToWrite = Array.from({ length: 5000 }, (_, i) => ['ds', i % 7, i, 1 + (i % 3), 10, [i, i + 1]] as const);
      expect(await store.append('index_postings', rowsToWrite)).toBe(5000);
      return store.all<{ n: bigint; positions: number[] }>(
        `SELECT count(*) OVER () AS n, positions FROM index_postings WHERE doc_no = 4321`,
      );
    });
    expect(rows).toEqual([{ n: 1n, positions: [4321, 4322] }]);
  });

  it('leaves no partial rows when a batch fails part-way', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async (store) => {
      await store.append('queries', [['ds', 'existing', 'already stored']]);
      const bad = [
        ['ds', 'q1', 'fine'],
        ['ds', 'q2', 'fine'],
        ['ds', 'q3', null], // text is NOT NULL
      ];
      await expect(store.append('queries', bad)).rejects.toThrow();
      const texts = await store.all<{ query_id: string }>(`SELECT query_id FROM queries ORDER BY query_id`);
      expect(texts.map((r) => r.query_id)).toEqual(['existing']);
    });
  });

  it('appends INTEGER and INTEGER[] columns given as typed arrays, across several data chunks, empty lists included', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async (store) => {
      await store.run(`CREATE TABLE t (a INTEGER, b INTEGER, l INTEGER[])`);
      const n = 5000; // three data chunks of at most 2048 rows
      const lengths = Int32Array.from({ length: n }, (_, i) => i % 4); // 0, 1, 2, 3 values
      const values = Int32Array.from({ length: lengths.reduce((sum, x) => sum + x, 0) }, (_, i) => i - 7);
      const a = Int32Array.from({ length: n }, (_, i) => i);
      const b = Int32Array.from({ length: n }, (_, i) => 1000 - i * 1000);
      expect(await store.appendInt32Columns('t', n, [a, b, { lengths, values }])).toBe(n);
      const rows = await store.all<{ a: number; b: number; l: number[] }>(`SELECT a, b, l FROM t ORDER BY a`);
      let next = 0;
      const expected = Array.from({ length: n }, (_, i) => {
        const list = Array.from(values.subarray(next, next + (lengths[i] as number)));
        next += lengths[i] as number;
        return { a: i, b: 1000 - i * 1000, l: list };
      });
      expect(rows).toEqual(expected);
    });
  });

  it('refuses typed-array columns that do not fit the table, appending nothing', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async (store) => {
      await store.run(`CREATE TABLE t (a INTEGER, l INTEGER[])`);
      const one = Int32Array.of(1);
      await expect(store.appendInt32Columns('t', 1, [one, one])).rejects.toThrow('column 2 is INTEGER[], not INTEGER');
      await expect(store.appendInt32Columns('t', 2, [one, { lengths: Int32Array.of(1), values: one }])).rejects.toThrow('column 1 has 1 rows, not 2');
      await expect(store.appendInt32Columns('t', 1, [one, { lengths: Int32Array.of(2), values: one }])).rejects.toThrow("column 2's lists hold 2 values, 1 given");
      await expect(store.appendInt32Columns('t', 1, [one])).rejects.toThrow('1 columns given, table has 2');
      expect(await store.all(`SELECT * FROM t`)).toEqual([]);
    });
  });

  it('rolls back every write of a failed transaction', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async (store) => {
      await expect(
        store.transaction(async () => {
          await store.append('queries', [['ds', 'q1', 'a']]);
          await store.run(`INSERT INTO queries VALUES ('ds', 'q2', 'b')`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.all(`SELECT * FROM queries`)).toEqual([]);
    });
  });
});

describe('another process holding the file', () => {
  it('fails after the bounded wait with a message naming the holder and what to do', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async () => undefined);
    const holder = await holdDatabase(dbPath, 5_000);
    try {
      const started = Date.now();
      const error = await openStore({ dbPath, lockRetry: { timeoutMs: 600, initialDelayMs: 20, maxDelayMs: 200 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseLockedError);
      const message = (error as Error).message;
      expect(message).toContain(`process ${holder.pid}`);
      expect(message).toContain('--db PATH or BENCHLAB_DB');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      holder.kill();
    }
  });

  it('waits for a short hold to end and then opens the file', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, (store) => store.run(`INSERT INTO queries VALUES ('ds', 'q1', 'x')`));
    const holder = await holdDatabase(dbPath, 400);
    const rows = await withStore({ dbPath, lockRetry: { timeoutMs: 10_000, initialDelayMs: 20, maxDelayMs: 200 } }, (store) =>
      store.all(`SELECT query_id FROM queries`),
    );
    expect(rows).toEqual([{ query_id: 'q1' }]);
    holder.kill();
  });

  it('shares one instance between concurrent units of work in a process, so they see each other', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async (outer) => {
      await outer.run(`INSERT INTO queries VALUES ('ds', 'q1', 'from outer')`);
      const seen = await withStore({ dbPath }, async (inner) => {
        await inner.run(`INSERT INTO queries VALUES ('ds', 'q2', 'from inner')`);
        return inner.all<{ query_id: string }>(`SELECT query_id FROM queries ORDER BY query_id`);
      });
      expect(seen.map((r) => r.query_id)).toEqual(['q1', 'q2']);
      const reader = await withStore({ dbPath, readOnly: true }, (r) => r.all(`SELECT * FROM queries`));
      expect(reader).toHaveLength(2);
    });
    // Everything closed: another process can open the file at once.
    const other = await holdDatabase(dbPath, 50);
    other.kill();
  });

  it('does not keep the file open after a unit of work', async () => {
    const dbPath = freshDb();
    await withStore({ dbPath }, async () => undefined);
    // Another process can open the file at once: this process no longer holds it.
    const other = await holdDatabase(dbPath, 50);
    other.kill();
  });
});
