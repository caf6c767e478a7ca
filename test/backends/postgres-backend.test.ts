/**
 * The PostgreSQL full-text search backend against a real PostgreSQL that this test starts itself
 * (Debian's postgresql: initdb + pg_ctl into a temp folder, Unix socket only, stopped after):
 * - the translation of Benchlab's boolean queries to to_tsquery, each form checked by PostgreSQL
 *   itself (the tsquery it parses), quotes and backslashes in words escaped;
 * - `exportDatasetToPostgres` loads an imported dataset into a table with a GIN index, refuses an
 *   existing table unless told to replace it, and leaves the old table whole when it fails;
 * - the backend filters with @@, ranks with ts_rank_cd, returns top k, the matched count and set,
 *   and fetches documents by id; a model-written query with SQL in it is only words;
 * - the same queries (the question-as-OR baseline over MED's 30 questions) scored on both
 *   backends: the figures are printed (the stemmers differ: Snowball English vs Porter2).
 * PostgreSQL missing: skipped with the reason, except under CI (where .ci/run installs it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDatasetToPostgres } from '../../lib/backends/postgres/export-dataset';
import { PostgresBackend } from '../../lib/backends/postgres/postgres-backend';
import { BackendUnavailableError } from '../../lib/backends/postgres/postgres-error';
import { postgresSettingsSchema } from '../../lib/backends/postgres/postgres-settings';
import { quoteLexeme, toTsquery } from '../../lib/backends/postgres/tsquery';
import { loadQrels, loadQueries } from '../../lib/datasets/catalog';
import { importCollection } from '../../lib/datasets/import';
import { parseCollection } from '../../lib/datasets/index';
import { evaluateRun } from '../../lib/evaluation/evaluate';
import type { Run } from '../../lib/evaluation/types';
import { questionAsOrQuery } from '../../lib/querygen/question-or-baseline';
import { searchBoolean } from '../../lib/retrieval/boolean-search';
import { parseQuery } from '../../lib/retrieval/query-parser';
import { withStore, type Store } from '../../lib/store/store';
import { runCli } from '../support/run-cli';
import { findPostgresBin, startPostgres, type TestPostgres } from '../support/postgres';
import { sharedPath, sharedPresent } from '../support/shared';
import { removeDir, tempDir } from '../support/temp-store';

const pgBin = findPostgresBin();
if (!pgBin && process.env['CI'] === 'true') throw new Error('CI=true but PostgreSQL is not installed (.ci/run installs postgresql)');
const SKIP = pgBin ? '' : ' (skipped: PostgreSQL not installed; apt-get install -y postgresql)';
const SAMPLE = path.resolve(__dirname, '../../data/sample');

const ast = (text: string) => {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.ast;
};

describe('boolean queries as to_tsquery text', () => {
  it.each([
    ['diabetes', "'diabetes'"],
    ['diabet*', "'diabet':*"],
    ['"insulin therapy"', "('insulin' <-> 'therapy')"],
    ['a AND b OR c', "(('a' & 'b') | 'c')"],
    ['a AND NOT (b OR c)', "('a' & !('b' | 'c'))"],
    ["o'brien AND x", "('o''brien' & 'x')"],
  ])('%s -> %s', (query, expected) => {
    expect(toTsquery(ast(query))).toBe(expected);
  });

  it('quotes a backslash and a quote inside a lexeme', () => {
    expect(quoteLexeme("it's")).toBe("'it''s'");
    expect(quoteLexeme('a\\b')).toBe("'a\\\\b'");
  });
});

describe.skipIf(!pgBin)(`PostgreSQL full-text search backend${SKIP}`, () => {
  let pg: TestPostgres;
  let dir: string;
  let store: Store;
  let close: () => void;
  const env = () => ({ BENCHLAB_PG_URL: pg.url });
  const settings = (table: string) => postgresSettingsSchema.parse({ table });

  beforeAll(async () => {
    pg = startPostgres();
    dir = tempDir('benchlab-pg-db-');
    // One store for the whole file: withStore's callback holds it open until `close` is called.
    await new Promise<void>((ready, failed) => {
      withStore({ dbPath: path.join(dir, 'pg.duckdb') }, async (s) => {
        store = s;
        await importCollection(store, 'sample', await parseCollection('beir', [SAMPLE]));
        if (sharedPresent) await importCollection(store, 'med', await parseCollection('smart', [sharedPath('datasets', 'med')]));
        ready();
        await new Promise<void>((done) => (close = done));
      }).catch(failed);
    });
  }, 120_000);
  afterAll(() => {
    close?.();
    pg?.stop();
    if (dir) removeDir(dir);
  });

  it('every translated form is a tsquery PostgreSQL parses, stemmed by the configuration', async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const q = async (text: string) => (await client.query<{ q: string }>(`SELECT to_tsquery('english', $1)::text AS q`, [toTsquery(ast(text))])).rows[0]?.q;
      expect(await q('diabetes AND "insulin therapy"')).toBe("'diabet' & 'insulin' <-> 'therapi'");
      expect(await q('diabet* OR NOT obesity')).toBe("'diabet':* | !'obes'");
      expect(await q("o'brien")).toBe("'o' <-> 'brien'");
      // PostgreSQL's own parser splits a word it reads differently (here a signed number): the words stay a phrase.
      expect(await q('covid-19 AND x')).toBe("'covid' <-> '-19' & 'x'");
      // A query written to inject SQL or tsquery syntax is only words.
      const injected = await q(`"x') ; DROP TABLE t; --" OR y`);
      expect(injected).toMatch(/^'x' <-> 'drop' <-> 'tabl' .*\| 'y'$/);
      expect(injected).not.toMatch(/[;)(]/);
    } finally {
      await client.end();
    }
  });

  it('exports a dataset into a table with a GIN index; refuses an existing table unless replacing; keeps the old one when a load fails', async () => {
    const result = await exportDatasetToPostgres(store, 'sample', { settings: settings('sample_docs'), env: env(), batchSize: 100 });
    expect(result.documents).toBe(327);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM sample_docs');
      expect(count.rows[0]?.n).toBe(327);
      const index = await client.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'sample_docs' AND indexdef LIKE '%gin%'`);
      expect(index.rows[0]?.indexdef).toMatch(/USING gin \(tsv\)/);

      await expect(exportDatasetToPostgres(store, 'sample', { settings: settings('sample_docs'), env: env() })).rejects.toThrow(/already exists.*--replace/);
      // A configuration that does not exist: refused before anything changes.
      await expect(exportDatasetToPostgres(store, 'sample', { settings: postgresSettingsSchema.parse({ table: 'sample_docs', config: 'klingon' }), env: env(), replace: true })).rejects.toThrow(/'klingon' does not exist/);
      // A load that fails part-way (a batch the server refuses) leaves the old table whole and no loading table.
      await client.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 'doc-never' OR (SELECT count(*) FROM sample_docs__benchlab_loading) >= 150 THEN RAISE EXCEPTION 'disk full (simulated)'; END IF; RETURN NEW; END $$`);
      const failing = exportDatasetToPostgres(store, 'sample', {
        settings: settings('sample_docs'), env: env(), replace: true, batchSize: 100,
        onProgress: (done) => {
          if (done === 100) void client.query(`CREATE TRIGGER refuse BEFORE INSERT ON sample_docs__benchlab_loading FOR EACH ROW EXECUTE FUNCTION refuse()`);
        },
      });
      await expect(failing).rejects.toThrow(/disk full \(simulated\)/);
      expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM sample_docs')).rows[0]?.n).toBe(327);
      expect((await client.query<{ t: string | null }>(`SELECT to_regclass('sample_docs__benchlab_loading')::text AS t`)).rows[0]?.t).toBeNull();

      const replaced = await exportDatasetToPostgres(store, 'sample', { settings: settings('sample_docs'), env: env(), replace: true });
      expect(replaced.documents).toBe(327);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('searches: @@ filter, ts_rank_cd order, top k, matched count and set, parse errors per query, documents by id', async () => {
    const backend = new PostgresBackend(settings('sample_docs'), env());
    try {
      const [all, top, bad, injected] = await backend.search(
        [
          { key: 'all', text: 'diabetes OR pregnan*' },
          { key: 'top', text: 'diabetes AND NOT pregnan*' },
          { key: 'bad', text: 'diabetes AND (cell' },
          { key: 'sql', text: `"x'); DROP TABLE sample_docs; --"` },
        ],
        { top: 5, withMatches: true },
      );
      expect(all?.ok && all.results.length).toBe(5);
      if (!all?.ok || !top?.ok) throw new Error('expected results');
      expect(all.matched).toBe(all.matchedKeys?.size);
      expect(all.matched).toBeGreaterThan(5);
      const scores = all.results.map((r) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(top.matched).toBeLessThan(all.matched);
      expect(bad).toMatchObject({ ok: false, error: { message: expect.any(String) } });
      expect(injected).toMatchObject({ ok: true, matched: 0 });
      const docs = await backend.fetchDocuments([all.results[0]?.docId ?? '', 'no-such-doc']);
      expect(docs.size).toBe(1);
      expect(docs.get(all.results[0]?.docId ?? '')?.['text']).toMatch(/diabet|pregnan/i);
    } finally {
      await backend.close();
    }
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM sample_docs')).rows[0]?.n).toBe(327);
    await client.end();
  });

  it('a server that is not there, or a table that is not there, is a BackendUnavailableError saying what to do', async () => {
    const gone = new PostgresBackend(settings('sample_docs'), { BENCHLAB_PG_URL: `postgresql://benchlab@/postgres?host=${encodeURIComponent(dir)}&port=1` });
    await expect(gone.search([{ key: 'q', text: 'x' }], { top: 1 })).rejects.toThrow(BackendUnavailableError);
    await expect(gone.search([{ key: 'q', text: 'x' }], { top: 1 })).rejects.toThrow(/cannot reach PostgreSQL .*BENCHLAB_PG_URL/);
    await gone.close();
    const noTable = new PostgresBackend(settings('no_such_table'), env());
    await expect(noTable.search([{ key: 'q', text: 'x' }], { top: 1 })).rejects.toThrow(/the table does not exist/);
    await noTable.close();
  });

  it('through the CLI: export, a suite whose generated queries run on PostgreSQL, and exit 9 when it cannot be reached', async () => {
    const cliDb = path.join(dir, 'cli.duckdb');
    const imported = await runCli(['--db', cliDb, 'import', '--format', 'beir', '--dataset', 'sample', SAMPLE]);
    expect(imported.code).toBe(0);
    const exported = await runCli(['--db', cliDb, 'export', '--to', 'postgres', '--dataset', 'sample', '--table', 'cli_docs', '--json'], env());
    expect(exported.stderr).toBe('');
    expect(JSON.parse(exported.stdout)).toMatchObject({ table: 'cli_docs', documents: 327 });
    const badTable = await runCli(['--db', cliDb, 'export', '--to', 'postgres', '--dataset', 'sample', '--table', 'x; DROP TABLE cli_docs'], env());
    expect(badTable.code).toBe(3);

    const suite = (backend: string) => {
      const file = path.join(dir, `pg-suite-${backend.length}.yaml`);
      fs.writeFileSync(file, `name: pg\ndataset: sample\ngenerators:\n  - type: question-or\n  - type: tfidf-keywords\ngpu_sampling: false\ntop_k: 100\n${backend}`);
      return file;
    };
    const noLlm = { OLLAMA_HOST: 'http://127.0.0.1:9' };
    const onPg = await runCli(['--db', cliDb, 'run', '--suite', suite('backend: {type: postgres, table: cli_docs}\n'), '--json'], { ...env(), ...noLlm });
    expect(onPg.code).toBe(0);
    type Summary = { summary: { generators: { generator: string; items: number; ndcg10: number; recall: number; setMeasures: Record<string, number> }[] } };
    const pgRun = (JSON.parse(onPg.stdout) as Summary).summary;
    const embedded = await runCli(['--db', cliDb, 'run', '--suite', suite(''), '--json'], noLlm);
    expect(embedded.code).toBe(0);
    const emRun = (JSON.parse(embedded.stdout) as Summary).summary;
    const figures = (run: typeof pgRun) => run.generators.map((g) => `${g.generator} nDCG@10 ${g.ndcg10.toFixed(3)} recall@100 ${g.recall.toFixed(3)} set_F_9 ${g.setMeasures['set_F_9']?.toFixed(3)}`).join(', ');
    process.stdout.write(`sample suite, same generated queries: postgres ${figures(pgRun)}; embedded ${figures(emRun)}\n`);
    expect(pgRun.generators.every((g) => g.items === 32 && g.ndcg10 > 0.2 && (g.setMeasures['set_recall'] ?? 0) > 0.5)).toBe(true);
    expect(pgRun.generators.map((g) => g.generator)).toEqual(emRun.generators.map((g) => g.generator));

    const unreachable = await runCli(['--db', cliDb, 'run', '--suite', suite('backend: {type: postgres, table: cli_docs}\n'), '--json'], {
      BENCHLAB_PG_URL: `postgresql://benchlab@/postgres?host=${encodeURIComponent(dir)}&port=1`, ...noLlm,
    });
    expect(unreachable.code).toBe(9);
    expect(unreachable.stderr).toMatch(/cannot reach PostgreSQL/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it.skipIf(!sharedPresent)('the same queries on both backends: MED, the question-as-OR baseline (figures printed)', async () => {
    await exportDatasetToPostgres(store, 'med', { settings: settings('med_docs'), env: env() });
    const questions = await loadQueries(store, 'med');
    const qrels = await loadQrels(store, 'med');
    const queries = questions.map((q) => ({ key: q.id, text: questionAsOrQuery(q.text) }));
    const embedded = await searchBoolean(store, 'med', queries, { top: 1000 });
    const backend = new PostgresBackend(settings('med_docs'), env());
    const postgres = await backend.search(queries, { top: 1000 });
    await backend.close();
    const toRun = (results: typeof embedded | typeof postgres): Run =>
      new Map(results.flatMap((r) => (r.ok ? [[r.key, r.results] as const] : [])));
    const measures = ['ndcg_cut_10', 'P_10', 'map', 'recall_1000'];
    const a = evaluateRun(toRun(embedded), qrels, measures).mean;
    const b = evaluateRun(toRun(postgres), qrels, measures).mean;
    const line = measures.map((m) => `${m} embedded ${a[m]?.toFixed(4)} postgres ${b[m]?.toFixed(4)}`).join('; ');
    process.stdout.write(`MED question-or on both backends: ${line}\n`);
    // Both engines find the relevant documents; they rank differently (BM25 vs ts_rank_cd, Porter2 vs Snowball).
    expect(b['ndcg_cut_10']).toBeGreaterThan(0.2);
    expect(a['ndcg_cut_10']).toBeGreaterThan(0.2);
  }, 120_000);
});
