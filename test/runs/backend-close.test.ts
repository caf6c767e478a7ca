/**
 * A run that fails before its first item closes its search backend: with a PostgreSQL backend
 * (a real server, test/support/postgres.ts), no client connection of the run is left open after
 * the generators fail to build (a RAG prompt that does not exist) or after the backend was
 * checked and the embedding pass then fails (a model that cannot embed: HTTP 501 from Ollama 0.30+,
 * as the Ollama-compatible test server answers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDatasetToPostgres } from '../../lib/backends/postgres/export-dataset';
import { postgresSettingsSchema } from '../../lib/backends/postgres/postgres-settings';
import { importCollection } from '../../lib/datasets/import';
import { parseCollection } from '../../lib/datasets/index';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { findPostgresBin, startPostgres, type TestPostgres } from '../support/postgres';
import { removeDir, tempDir } from '../support/temp-store';

const pgBin = findPostgresBin();
const SKIP = pgBin ? '' : ' (skipped: PostgreSQL not installed; apt-get install -y postgresql)';
const SAMPLE = path.resolve(__dirname, '../../data/sample');

describe.skipIf(!pgBin)(`a run that fails before its first item closes its PostgreSQL backend${SKIP}`, () => {
  let pg: TestPostgres;
  let fake: FakeOllama;
  let dir: string;
  const saved = process.env['BENCHLAB_PG_URL'];
  const db = () => path.join(dir, 'close.duckdb');

  beforeAll(async () => {
    pg = startPostgres();
    fake = await startFakeOllama({ version: '0.30.1' });
    dir = tempDir();
    process.env['BENCHLAB_PG_URL'] = pg.url;
    await withStore({ dbPath: db() }, async (store) => {
      await importCollection(store, 'sample', await parseCollection('beir', [SAMPLE]));
      await exportDatasetToPostgres(store, 'sample', { settings: postgresSettingsSchema.parse({ table: 'docs' }), env: { BENCHLAB_PG_URL: pg.url } });
    });
  }, 120_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env['BENCHLAB_PG_URL'];
    else process.env['BENCHLAB_PG_URL'] = saved;
    await fake?.close();
    pg?.stop();
    if (dir) removeDir(dir);
  });

  /** Client connections other than the one asking, once they settle (a closed pool's backends exit right after). */
  async function openConnections(): Promise<number> {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      let n = -1;
      for (let i = 0; i < 20; i++) {
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
        n = Number(r.rows[0]?.n);
        if (n === 0) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      return n;
    } finally {
      await client.end();
    }
  }

  const suite = (name: string, generators: string): string => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, `name: ${name}\ndataset: sample\ngenerators:\n${generators}backend: {type: postgres, table: docs}\ngpu_sampling: false\nmax_questions: 2\n`);
    return file;
  };
  const hosts = () => [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
  const FAST = { retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } };

  it('the generators fail to build (a RAG prompt that does not exist): nothing stays open', async () => {
    const file = suite('no-prompt', `  - type: bm25\n  - {type: rag, model: llama3.2:3b, prompt: rag-answer@99}\n`);
    await expect(runBench({ suite: file, dbPath: db(), hosts: hosts(), llm: FAST })).rejects.toThrow(/rag-answer/);
    expect(await openConnections()).toBe(0);
  });

  it('the backend was checked, then the embedding pass fails: nothing stays open', async () => {
    const file = suite('no-embed', `  - type: bm25\n  - {type: dense, model: llama3.2:3b}\n`);
    await expect(runBench({ suite: file, dbPath: db(), hosts: hosts(), llm: FAST })).rejects.toThrow(/cannot embed/);
    expect(await openConnections()).toBe(0);
  });

  it('a run that completes leaves nothing open either', async () => {
    const result = await runBench({ suite: suite('ok', `  - type: bm25\n`), dbPath: db(), hosts: hosts(), llm: FAST });
    expect(result.status).toBe('completed');
    expect(result.summary.generators[0]?.items).toBe(2);
    expect(await openConnections()).toBe(0);
  });
});
