/**
 * `benchlab runs [--json]`: every run with its kind, status, suite, dataset, item count and
 * start. A run still marked `running` whose process is gone (killed: its pid is not alive) shows
 * as `interrupted` with the command that resumes it, and that command finishes it; a run whose
 * process still holds it stays `running`, and so does one on another host (which this one cannot
 * check). The database is opened read-only: it lists while another process holds it read-only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { acquireRunLock } from '../../lib/runs/run-lock';
import { withStore } from '../../lib/store/store';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { deadPid, interruptedRun, tinySuiteText, writeTinyCollection } from '../runs/resume-support';

const DUCKDB_MODULE = path.resolve(__dirname, '../../node_modules/@duckdb/node-api');

interface Listed {
  runId: string;
  kind: string;
  status: string;
  storedStatus: string;
  suite: string | null;
  dataset: string | null;
  items: number;
  startedAt: string;
  pid: number | null;
  resume: string | null;
}

let dir: string;
let db: string;
let completedId: string;
let killedId: string;
let dead: number;
beforeAll(async () => {
  dir = tempDir();
  db = path.join(dir, 'runs.duckdb');
  const suite = path.join(dir, 'tiny.yaml');
  fs.writeFileSync(suite, tinySuiteText(writeTinyCollection(dir)));
  completedId = (await runBench({ suite, dbPath: db, useCache: false })).runId;
  // A run whose process was killed (kill -9): it never marked itself, and its pid is gone.
  killedId = (await interruptedRun(suite, db, 4)).runId;
  dead = deadPid();
  await withStore({ dbPath: db }, async (store) => {
    await store.run(`UPDATE runs SET status = 'running', ended_at = NULL, config = json_merge_patch(config, $pid) WHERE run_id = $id`, {
      id: killedId, pid: JSON.stringify({ pid: dead }),
    });
    const insert = `INSERT INTO runs VALUES ($id, 'bench', 'tiny', 'tiny-resume', $config, '{}', $host, 'running', current_timestamp, NULL, NULL)`;
    // One still worked on by a live process (this one, holding its lock), and one on another host.
    await store.run(insert, { id: 'r-live', config: JSON.stringify({ pid: process.pid }), host: os.hostname() });
    await store.run(insert, { id: 'r-far', config: JSON.stringify({ pid: 1 }), host: 'another-host.invalid' });
  });
});
afterAll(() => removeDir(dir));

async function listRuns(): Promise<Listed[]> {
  const result = await runCli(['runs', '--json'], { BENCHLAB_DB: db });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Listed[];
}

/** Holds the database read-only in another process until killed: a read-write open would fail. */
function holdReadOnly(dbPath: string): Promise<ChildProcess> {
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_MODULE)});
    DuckDBInstance.create(${JSON.stringify(dbPath)}, { access_mode: 'READ_ONLY' }).then(() => {
      process.stdout.write('held\\n');
      setInterval(() => undefined, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve(child);
    });
    child.on('error', reject);
  });
}

describe('benchlab runs', () => {
  it('lists every run; a running run whose process is gone shows as interrupted, with the resume command', async () => {
    const lock = acquireRunLock(db, 'r-live');
    const holder = await holdReadOnly(db);
    let runs: Listed[];
    try {
      runs = await listRuns();
    } finally {
      holder.kill();
      lock.release();
    }
    const byId = Object.fromEntries(runs.map((r) => [r.runId, r]));
    expect(runs.map((r) => r.runId)).toEqual([completedId, killedId, 'r-live', 'r-far']);
    expect(byId[completedId]).toMatchObject({ kind: 'bench', status: 'completed', suite: 'tiny-resume', dataset: 'tiny', items: 12, resume: null });
    expect(byId[completedId]?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byId[killedId]).toMatchObject({
      status: 'interrupted', storedStatus: 'running', items: 4, pid: dead, resume: `benchlab run --resume ${killedId}`,
    });
    expect(byId['r-live']).toMatchObject({ status: 'running', items: 0, resume: null });
    expect(byId['r-far']).toMatchObject({ status: 'running', resume: null });
  });

  it('prints a table and the resume hint, and the hint finishes the run', async () => {
    const table = await runCli(['--db', db, 'runs']);
    expect(table.code).toBe(0);
    for (const heading of ['id', 'kind', 'status', 'suite', 'dataset', 'items', 'started']) expect(table.stdout).toContain(heading);
    expect(table.stdout).toContain(`interrupted (process ${dead} gone)`);
    expect(table.stdout).toContain(`${killedId} is interrupted; resume with: benchlab run --resume ${killedId}`);

    const resumed = await runCli(['run', '--resume', killedId, '--json'], { BENCHLAB_DB: db });
    expect(resumed.code).toBe(0);
    const after = (await listRuns()).find((r) => r.runId === killedId);
    expect(after).toMatchObject({ status: 'completed', storedStatus: 'completed', items: 12, resume: null });
  });
});
