/**
 * Parallel top-k scoring (lib/retrieval/parallel-top-k.ts): a batch scored by worker threads over
 * the shared postings gives exactly the rankings and scores of one thread; a worker that dies
 * loses no query; the thread count follows BENCHLAB_SCORING_THREADS and the batch's size.
 *
 * The worker runs the compiled module (dist/lib/retrieval/top-k-worker.js, built by `npm test`),
 * so the threaded cases run a script against dist/ in a child process, as the CLI does; under
 * vitest's TypeScript sources there is no worker and every batch is scored in one thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_THREADS, PARALLEL_MIN_POSTINGS, PARALLEL_MIN_QUERIES, scoringThreads, THREADS_ENV } from '../../lib/retrieval/parallel-top-k';
import { runCli } from '../support/run-cli';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { removeDir, tempDir } from '../support/temp-store';

const DIST = path.resolve(__dirname, '../../dist/lib');

describe('scoringThreads', () => {
  it('follows BENCHLAB_SCORING_THREADS, capped, and ignores a value that is not a positive integer', () => {
    expect(scoringThreads(1, 1, { [THREADS_ENV]: '3' })).toBe(3);
    expect(scoringThreads(1000, 1e9, { [THREADS_ENV]: '1' })).toBe(1);
    expect(scoringThreads(10, 10, { [THREADS_ENV]: '999' })).toBe(MAX_THREADS);
    for (const bad of ['0', '-2', '1.5', 'many', '']) {
      expect(scoringThreads(1, 1, { [THREADS_ENV]: bad })).toBe(1);
    }
  });

  it('keeps a small batch in one thread and spreads a big one over the cores', () => {
    expect(scoringThreads(PARALLEL_MIN_QUERIES - 1, 1e9, {})).toBe(1);
    expect(scoringThreads(1000, PARALLEL_MIN_POSTINGS - 1, {})).toBe(1);
    const big = scoringThreads(1000, PARALLEL_MIN_POSTINGS, {});
    expect(big).toBeGreaterThanOrEqual(1);
    expect(big).toBeLessThanOrEqual(MAX_THREADS);
  });
});

describe.skipIf(!sharedPresent)(`threads over the shared postings (MED, 30 queries, top 1000)${SKIP_SHARED_REASON}`, () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = tempDir();
    db = path.join(dir, 'med.duckdb');
    const imported = await runCli(['--db', db, 'import', '--format', 'smart', '--dataset', 'med', sharedPath('datasets', 'med'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);
  afterAll(() => removeDir(dir));

  /** Runs a script against dist/ that scores MED's queries in the given ways; prints JSON. */
  function scoreInChild(body: string): unknown {
    const script = path.join(dir, 'score.cjs');
    fs.writeFileSync(
      script,
      `const D = ${JSON.stringify(DIST)};
const { openStore } = require(D + '/store/store.js');
const { openScorer } = require(D + '/retrieval/bm25-top-k.js');
const { analyzeQueries } = require(D + '/retrieval/retrieve.js');
const { getDataset, loadQueries } = require(D + '/datasets/catalog.js');
const { Analyzer } = require(D + '/text/analyzer.js');
const { topKAll, stopScoringWorkers } = require(D + '/retrieval/parallel-top-k.js');
(async () => {
  const store = await openStore({ dbPath: ${JSON.stringify(db)}, readOnly: true });
  const info = await getDataset(store, 'med');
  const params = { k1: 1.2, b: 0.75 };
  const { index, scorer } = await openScorer(store, 'med', params);
  const byKey = new Map();
  for (const t of analyzeQueries(new Analyzer(info.analyzer), (await loadQueries(store, 'med')).map((q) => ({ key: q.id, text: q.text })))) {
    if (!byKey.has(t.queryKey)) byKey.set(t.queryKey, []);
    byKey.get(t.queryKey).push(t);
  }
  const queries = [...byKey.values()].map((list) => scorer.scoringTerms(list));
  const plain = (batch) => ({ byThread: batch.byThread, results: batch.results.map((r) => [Array.from(r.docs), Array.from(r.scores)]) });
  const out = {};
  ${body}
  process.stdout.write(JSON.stringify(out));
  store.close();
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout);
  }

  type Batch = { byThread: number[]; results: [number[], number[]][] };

  it('gives bit-identical rankings and scores in one thread and in worker threads', () => {
    const out = scoreInChild(`
  out.one = plain(await topKAll(index, scorer, params, queries, 1000, { threads: 1 }));
  out.workersOnly = plain(await topKAll(index, scorer, params, queries, 1000, { threads: 3, mainThreadScores: false }));
  out.shared = plain(await topKAll(index, scorer, params, queries, 1000, { threads: 2 }));
`) as { one: Batch; workersOnly: Batch; shared: Batch };
    expect(out.one.byThread).toEqual([30]);
    expect(out.one.results).toHaveLength(30);
    expect(out.one.results[0]?.[0]).toHaveLength(1000);
    // Two workers and no main thread: every query was scored in a worker, and the same.
    expect(out.workersOnly.byThread[0]).toBe(0);
    expect(out.workersOnly.byThread.slice(1).reduce((a, b) => a + b, 0)).toBe(30);
    expect(out.workersOnly.results).toEqual(out.one.results);
    expect(out.shared.byThread.reduce((a, b) => a + b, 0)).toBe(30);
    expect(out.shared.results).toEqual(out.one.results);
  }, 60_000);

  it('scores the queries of a worker that dies in the main thread', () => {
    const out = scoreInChild(`
  const one = await topKAll(index, scorer, params, queries, 1000, { threads: 1 });
  const pending = topKAll(index, scorer, params, queries, 1000, { threads: 3, mainThreadScores: false });
  await stopScoringWorkers();
  out.one = plain(one);
  out.afterDeath = plain(await pending);
`) as { one: Batch; afterDeath: Batch };
    expect(out.afterDeath.byThread.reduce((a, b) => a + b, 0)).toBe(30);
    expect(out.afterDeath.byThread[0]).toBeGreaterThan(0);
    expect(out.afterDeath.results).toEqual(out.one.results);
  }, 60_000);

  it('gives the same run file and metrics through the CLI whatever the thread count', async () => {
    const outputs: { metrics: unknown; run: string }[] = [];
    for (const threads of ['1', '2', '4']) {
      const runFile = path.join(dir, `run-${threads}.txt`);
      const res = await runCli(['--db', db, 'retrieve', '--dataset', 'med', '--top', '1000', '--no-record', '--json', '--run-out', runFile], { [THREADS_ENV]: threads });
      expect(res.code, res.stderr).toBe(0);
      outputs.push({ metrics: (JSON.parse(res.stdout) as { metrics: unknown }).metrics, run: fs.readFileSync(runFile, 'utf8') });
    }
    expect(outputs[0]?.run.split('\n').length).toBeGreaterThan(20_000);
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  }, 60_000);
});
