/**
 * `benchlab run --resume RUN_ID`, exactly as the CLI prints it (no --suite), finishes the run
 * with the suite stored with the run, not the default suite; a --suite that differs from the
 * stored one is refused (exit 3, naming both files), one with the same content anywhere is
 * accepted. One process works on a run at a time: a resume while another live process holds
 * the run is refused (exit 4, naming its pid), and a lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { acquireRunLock, runLockPath } from '../../lib/runs/run-lock';
import { readLock } from '../../lib/store/pid-lock';
import { withStore } from '../../lib/store/store';
import { closedPortUrl } from '../support/closed-port';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { deadPid, interruptedRun, TINY_QUESTIONS, tinySuiteText, writeTinyCollection } from './resume-support';

let dir: string;
let suite: string;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  dir = tempDir();
  suite = path.join(dir, 'tiny.yaml');
  fs.writeFileSync(suite, tinySuiteText(writeTinyCollection(dir)));
  // Were the default suite loaded, its LLM generators would find no host and be skipped quickly.
  env = { OLLAMA_HOST: await closedPortUrl() };
});
afterAll(() => removeDir(dir));

interface RunJson {
  runId: string;
  status: string;
  suite: { name: string; dataset: string };
  summary: { generators: { generator: string; items: number }[] };
}

const items = (db: string, runId: string) =>
  withStore({ dbPath: db, readOnly: true }, (store) =>
    store.all<{ item_key: string; generator: string; query_id: string }>(`SELECT item_key, generator, query_id FROM run_items WHERE run_id = $id ORDER BY item_key`, { id: runId }),
  );

describe('resuming a run with its own suite', () => {
  it('finishes the suite stored with the run when --resume is given without --suite, adding no foreign items', async () => {
    const db = path.join(dir, 'own-suite.duckdb');
    const first = await interruptedRun(suite, db);
    expect(first.status).toBe('interrupted');
    expect(await items(db, first.runId)).toHaveLength(3);

    const resumed = await runCli(['run', '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
    expect(resumed.stderr).not.toContain("importing dataset 'sample'");
    expect(resumed.code).toBe(0);
    const out = JSON.parse(resumed.stdout) as RunJson;
    expect(out).toMatchObject({ runId: first.runId, status: 'completed', suite: { name: 'tiny-resume', dataset: 'tiny' } });
    expect(resumed.stderr).toContain(`resuming run ${first.runId} (suite tiny-resume, ${suite})`);

    const stored = await items(db, first.runId);
    // 6 questions x the suite's 2 generators; every item is one of the run's own.
    expect(stored).toHaveLength(12);
    expect(new Set(stored.map((i) => i.generator))).toEqual(new Set(['baseline:question-or', 'baseline:tfidf-keywords']));
    expect(new Set(stored.map((i) => i.query_id))).toEqual(new Set(TINY_QUESTIONS));
    await withStore({ dbPath: db, readOnly: true }, async (store) => {
      const datasets = await store.all<{ name: string }>(`SELECT name FROM datasets ORDER BY name`);
      expect(datasets.map((d) => d.name)).toEqual(['tiny']); // the default suite's sample was never imported
      const run = await store.one<{ status: string; pid: number }>(`SELECT status, json_extract(config, '$.pid')::INTEGER AS pid FROM runs WHERE run_id = $id`, { id: first.runId });
      expect(run?.status).toBe('completed');
      expect(run?.pid).toBeGreaterThan(0);
      expect(run?.pid).not.toBe(process.pid); // the resuming process recorded itself
    });
  });

  it('refuses a --suite that differs from the stored one (exit 3, naming both), and takes one with the same content from anywhere', async () => {
    const db = path.join(dir, 'other-suite.duckdb');
    const first = await interruptedRun(suite, db);
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, fs.readFileSync(suite, 'utf8').replace('top_k: 10', 'top_k: 20'));

    const refused = await runCli(['run', '--suite', other, '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(other);
    expect(refused.stderr).toContain(suite);
    expect(refused.stderr).toContain('top_k');
    expect(await items(db, first.runId)).toHaveLength(3); // nothing was run

    // The same suite under another name and path: compared by content, accepted.
    const copy = path.join(dir, 'copy', 'same.yaml');
    fs.mkdirSync(path.dirname(copy));
    fs.writeFileSync(copy, `# a copy\n${fs.readFileSync(suite, 'utf8')}`);
    const accepted = await runCli(['run', '--suite', copy, '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
    expect(accepted.code).toBe(0);
    expect((JSON.parse(accepted.stdout) as RunJson).status).toBe('completed');
    expect(await items(db, first.runId)).toHaveLength(12);
  });
});

describe('one process per run', () => {
  it('holds the run lock while the run works and releases it at the end', async () => {
    const db = path.join(dir, 'held.duckdb');
    const seen: (number | undefined)[] = [];
    const names = new Set<string>();
    const lockFiles = () => fs.readdirSync(dir).filter((name) => name.startsWith('held.duckdb.run-'));
    const result = await runBench({
      suite, dbPath: db, useCache: false,
      progress: { start: () => undefined, stop: () => undefined, advance: () => seen.push(...lockFiles().map((name) => (names.add(name), readLock(path.join(dir, name))?.pid))) },
    });
    expect(result.status).toBe('completed');
    expect(seen.length).toBe(12);
    // Its own name, not the jobs daemon's: `<db>.run-<id>.lock`.
    expect([...names]).toEqual([`held.duckdb.run-${result.runId}.lock`]);
    expect(seen.every((pid) => pid === process.pid)).toBe(true);
    expect(lockFiles()).toEqual([]); // released
    expect(fs.existsSync(runLockPath(db, result.runId))).toBe(false);
  });

  it('refuses a resume while another live process holds the run (exit 4, naming the pid), and resumes once it is released', async () => {
    const db = path.join(dir, 'concurrent.duckdb');
    const first = await interruptedRun(suite, db);
    // This test process stands for the run's own process, or a first resume, still working.
    const lock = acquireRunLock(db, first.runId);
    try {
      const second = await runCli(['run', '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(`run ${first.runId} is held by another process: pid ${process.pid} on host ${os.hostname()}`);
      expect(await items(db, first.runId)).toHaveLength(3);
      // In-process too: the same lock refuses a second taker.
      expect(() => acquireRunLock(db, first.runId)).toThrow(/held by another process/);
    } finally {
      lock.release();
    }
    const resumed = await runCli(['run', '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
    expect(resumed.code).toBe(0);
    expect(await items(db, first.runId)).toHaveLength(12);
    expect(fs.existsSync(runLockPath(db, first.runId))).toBe(false);
  });

  it('takes over the lock of a process that died', async () => {
    const db = path.join(dir, 'stale.duckdb');
    const first = await interruptedRun(suite, db);
    const dead = deadPid();
    fs.writeFileSync(runLockPath(db, first.runId), JSON.stringify({ pid: dead, host: os.hostname(), startedAt: new Date().toISOString() }) + '\n');
    const resumed = await runCli(['run', '--resume', first.runId, '--json'], { ...env, BENCHLAB_DB: db });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`took over the stale lock of run ${first.runId}`);
    expect(resumed.stderr).toContain(`pid ${dead}`);
    expect(await items(db, first.runId)).toHaveLength(12);
    expect(fs.existsSync(runLockPath(db, first.runId))).toBe(false);
  });
});
