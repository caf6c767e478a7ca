/**
 * The import's tokenizing worker (lib/datasets/tokenizer-pipeline.ts, tokenizer-worker.ts)
 * changes nothing that is stored, and losing it loses nothing:
 * - the built CLI imports MED (SMART; three batches, below WORKER_FROM_BATCH, so inline both ways:
 *   a small import is unchanged by the setting) and a synthetic BEIR corpus of 3,000 documents
 *   (six batches of 500, the last two tokenized in the worker, more than one staging commit) once
 *   tokenized inline (BENCHLAB_IMPORT_THREADS=1) and once with the worker (BENCHLAB_IMPORT_THREADS=2), and every dataset table of the two databases
 *   holds the same rows (each compared with EXCEPT ALL both ways and in its key order), the
 *   postings file the same arrays;
 * - the worker answers every batch exactly as the inline tokenizer does;
 * - a worker that exits part-way, or answers with an error, is dropped: the batches it did not
 *   answer are tokenized inline, and indexing them gives the rows and numbering of an inline run;
 * - the worker starts with batch WORKER_FROM_BATCH (a small import starts no thread), and an
 *   idle worker does not keep the process alive.
 *
 * The worker runs the compiled module (dist/lib/datasets/tokenizer-worker.js, built by
 * `npm test`): under vitest's TypeScript sources the import has no worker and tokenizes inline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchTokenizer, fieldTexts } from '../../lib/datasets/batch-tokenizer';
import { IndexBuilder } from '../../lib/datasets/index-builder';
import { IMPORT_THREADS_ENV, TokenizerPipeline, tokenizeInWorker, WORKER_FROM_BATCH } from '../../lib/datasets/tokenizer-pipeline';
import { DATASET_TABLES } from '../../lib/datasets/import';
import { parseSmart } from '../../lib/datasets/smart';
import type { Document } from '../../lib/datasets/types';
import { withStore } from '../../lib/store/store';
import { Analyzer, DEFAULT_ANALYZER } from '../../lib/text/analyzer';
import { runCli } from '../support/run-cli';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { writeSyntheticBeir } from '../support/synthetic-beir';
import { removeDir, tempDir } from '../support/temp-store';

const WORKER = path.resolve(__dirname, '../../dist/lib/datasets/tokenizer-worker.js');

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => removeDir(dir));

/** Key columns of each dataset table (index_packs too): the rows are compared in this order. */
const KEYS: Record<string, string> = {
  documents: 'doc_no',
  queries: 'query_id',
  qrels: 'query_id, doc_id',
  index_terms: 'term_no',
  index_words: 'word',
  index_postings: 'term_no, doc_no',
  datasets: 'name',
  index_packs: 'part',
};

/** For each table: rows only in one database (both ways), and whether the two agree row for row in key order. */
async function differences(inline: string, threaded: string): Promise<Record<string, unknown>> {
  return withStore({ dbPath: inline, readOnly: true }, async (store) => {
    await store.run(`ATTACH '${threaded}' AS threaded (READ_ONLY)`);
    const out: Record<string, unknown> = {};
    for (const table of [...DATASET_TABLES, 'index_packs']) {
      const columns = table === 'datasets' ? '* EXCLUDE (imported_at)' : '*';
      const count = async (a: string, b: string) =>
        Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT ${columns} FROM ${a}.${table} EXCEPT ALL SELECT ${columns} FROM ${b}.${table})`))?.n);
      const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))?.n);
      const ordered = `SELECT ${columns}, row_number() OVER (ORDER BY ${KEYS[table]}) AS k FROM`;
      const misplaced = Number(
        (await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM (${ordered} main.${table} EXCEPT ALL ${ordered} threaded.${table})`))?.n,
      );
      out[table] = { rows: rows > 0, onlyInline: await count('main', 'threaded'), onlyThreaded: await count('threaded', 'main'), misplaced };
    }
    return out;
  });
}

async function importBoth(name: string, args: string[]): Promise<[string, string]> {
  const dbs: [string, string] = [path.join(dir, `${name}-inline.duckdb`), path.join(dir, `${name}-threaded.duckdb`)];
  for (const [db, threads] of [[dbs[0], '1'], [dbs[1], '2']] as const) {
    const result = await runCli(['--db', db, 'import', ...args, '--json'], { [IMPORT_THREADS_ENV]: threads });
    expect(result.code, result.stderr).toBe(0);
  }
  return dbs;
}

function expectSameTables(differ: Record<string, unknown>): void {
  for (const table of [...DATASET_TABLES, 'index_packs']) {
    expect(differ[table], table).toEqual({ rows: true, onlyInline: 0, onlyThreaded: 0, misplaced: 0 });
  }
}

/** The postings file after its header (which holds the import's time). */
const postingsBody = (db: string, dataset: string) => fs.readFileSync(path.join(`${db}.postings`, `${dataset}.bin`)).subarray(4096);

describe('the built CLI imports the same tables with the worker as inline', () => {
  it('has the compiled worker to run (npm run build)', () => {
    expect(fs.existsSync(WORKER)).toBe(true);
    expect(tokenizeInWorker({ [IMPORT_THREADS_ENV]: '2' }, WORKER)).toBe(true);
  });

  it.skipIf(!sharedPresent)(`MED (SMART)${SKIP_SHARED_REASON}`, async () => {
    const [inline, threaded] = await importBoth('med', ['--format', 'smart', '--dataset', 'med', sharedPath('datasets', 'med')]);
    expectSameTables(await differences(inline, threaded));
    expect(postingsBody(threaded, 'med').equals(postingsBody(inline, 'med'))).toBe(true);
  }, 120_000);

  it('a synthetic BEIR corpus of 3,000 documents (six batches, more than one staging commit)', async () => {
    const corpus = writeSyntheticBeir(path.join(dir, 'beir'), 3000);
    const [inline, threaded] = await importBoth('beir', ['--format', 'beir', '--dataset', 'syn', corpus]);
    expectSameTables(await differences(inline, threaded));
    expect(postingsBody(threaded, 'syn').equals(postingsBody(inline, 'syn'))).toBe(true);
  }, 120_000);
});

describe.skipIf(!sharedPresent)(`the tokenizing worker over MED's documents, in batches of 100${SKIP_SHARED_REASON}`, () => {
  let batches: Document[][];
  beforeAll(async () => {
    const documents = (await parseSmart(sharedPath('datasets', 'med'))).documents;
    batches = Array.from({ length: Math.ceil(documents.length / 100) }, (_, i) => documents.slice(i * 100, i * 100 + 100));
  });
  const FIELDS = ['w'];

  /** A worker that runs the compiled one but misbehaves at its third batch. */
  function misbehavingWorker(name: string, atThirdBatch: string): string {
    const file = path.join(dir, `${name}.cjs`);
    fs.writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
let batches = 0;
// Registered before the real worker's listener, so it acts first.
parentPort.on('message', () => { if (++batches === 3) { ${atThirdBatch} } });
require(${JSON.stringify(WORKER)});
`,
    );
    return file;
  }

  it('answers every batch as the inline tokenizer does', async () => {
    const pipeline = new TokenizerPipeline(DEFAULT_ANALYZER, { workerFile: WORKER, useWorker: true, workerFrom: 1 });
    const inline = new BatchTokenizer(DEFAULT_ANALYZER);
    try {
      const answers = await Promise.all(batches.map((batch) => pipeline.tokenize(fieldTexts(batch, FIELDS))));
      answers.forEach((answer, i) => {
        const expected = inline.tokenize(fieldTexts(batches[i] as Document[], FIELDS));
        expect({ ...answer, numbering: '' }).toEqual({ ...expected, numbering: '' });
      });
      expect(pipeline.workerBatches).toBe(batches.length);
      expect(pipeline.failure).toBeUndefined();
    } finally {
      pipeline.close();
    }
  });

  for (const [what, action, reason] of [
    ['exits', 'process.exit(7);', /exited with code 7/],
    ['answers with an error', "parentPort.postMessage({ error: 'tokenizer broke' });", /tokenizer broke/],
  ] as const) {
    it(`loses nothing when the worker ${what} at its third batch: the rest is tokenized inline, the index is the same`, async () => {
      // The first batch is tokenized inline while the worker starts, the second and third by the
      // worker, the others inline again (each tokenizer numbering words its own way).
      const settings = { stem: true, stopwords: true };
      const pipeline = new TokenizerPipeline(settings, { workerFile: misbehavingWorker(what.replace(/ /g, '-'), action), useWorker: true });
      const threaded = new IndexBuilder(FIELDS, new Analyzer(settings));
      const inline = new IndexBuilder(FIELDS, new Analyzer(settings));
      try {
        // All batches sent at once, as the import keeps several out: those after the failure were already sent.
        const answers = batches.map((batch) => pipeline.tokenize(fieldTexts(batch, FIELDS)));
        for (const [i, batch] of batches.entries()) {
          const rows = threaded.addTokenized(batch, await (answers[i] as Promise<ReturnType<BatchTokenizer['tokenize']>>));
          const expected = inline.add(batch);
          expect(rows.documents).toEqual(expected.documents);
          expect(rows.postings).toEqual(expected.postings);
        }
        expect(threaded.finish()).toEqual(inline.finish());
        expect(pipeline.workerBatches).toBe(2);
        expect(pipeline.failure).toMatch(reason);
        expect(pipeline.threaded).toBe(false);
      } finally {
        pipeline.close();
      }
    });
  }
});

describe('when the worker is used', () => {
  it('starts with batch WORKER_FROM_BATCH, so a small import starts no thread', async () => {
    const pipeline = new TokenizerPipeline(DEFAULT_ANALYZER, { workerFile: WORKER, useWorker: true });
    try {
      for (let batch = 1; batch < WORKER_FROM_BATCH; batch++) {
        await pipeline.tokenize([`batch ${batch}`]);
        expect(pipeline.threaded).toBe(false);
      }
      await pipeline.tokenize(['the batch that starts it']);
      expect(pipeline.threaded).toBe(true);
      expect(pipeline.workerBatches).toBe(1);
    } finally {
      pipeline.close();
    }
  });

  it('follows BENCHLAB_IMPORT_THREADS, and tokenizes inline without the compiled worker (the TypeScript sources)', () => {
    expect(tokenizeInWorker({ [IMPORT_THREADS_ENV]: '1' }, WORKER)).toBe(false);
    expect(tokenizeInWorker({ [IMPORT_THREADS_ENV]: '4' }, WORKER)).toBe(true);
    expect(tokenizeInWorker({ [IMPORT_THREADS_ENV]: '2' }, path.join(dir, 'no-such-worker.js'))).toBe(false);
    expect(tokenizeInWorker({ [IMPORT_THREADS_ENV]: '2' })).toBe(fs.existsSync(path.resolve(__dirname, '../../lib/datasets/tokenizer-worker.js')));
  });

  it('lets the process exit while the worker is idle', () => {
    const script = path.join(dir, 'idle.cjs');
    fs.writeFileSync(
      script,
      `const { TokenizerPipeline } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/lib/datasets/tokenizer-pipeline.js'))});
const pipeline = new TokenizerPipeline({ stem: true, stopwords: false }, { useWorker: true, workerFrom: 1 });
pipeline.tokenize(['one batch, never closed']).then((batch) => console.log(pipeline.threaded, batch.surfaceIds.length));
`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('true 4');
  });
});
