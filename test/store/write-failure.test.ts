/**
 * A write the database does not take reports its first, real cause, with the file, and loses
 * nothing already stored. The failure is a real one: the built CLI runs under a file-size limit
 * (`ulimit -f`, RLIMIT_FSIZE, no root needed) with SIGXFSZ ignored, so a write past the limit
 * fails with EFBIG ("File too large"), as a full disk fails with ENOSPC. Before, the COMMIT's
 * error was replaced by the ROLLBACK's "cannot rollback - no transaction is active".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { CLI, runCli, type CliResult } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const SAMPLE = path.resolve(__dirname, '../../data/sample');
const dirs: string[] = [];
function freshDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  while (dirs.length > 0) removeDir(dirs.pop() as string);
});

/** Runs the built CLI with files limited to `limitKb` KiB (bash `ulimit -f`), SIGXFSZ ignored. */
function cliWithFileLimit(limitKb: number, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `trap '' XFSZ; ulimit -f ${limitKb}; exec "$@"`, 'bash', process.execPath, CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

const CAUSE = /File too large|No space left|Permission denied/;
const SYMPTOM = /cannot rollback|Current transaction is aborted/;

async function count(db: string, sql: string, params: Record<string, string> = {}): Promise<number> {
  const row = await withStore({ dbPath: db, readOnly: true }, (store) => store.one<{ n: bigint }>(sql, params));
  return Number(row?.n ?? 0);
}

describe('a write the file system refuses', () => {
  it('an import past the file-size limit names the cause and the file; the dataset stored before is kept', async () => {
    const db = path.join(freshDir(), 'limited.duckdb');
    const first = await runCli(['--db', db, 'import', '--format', 'beir', '--dataset', 'kept', SAMPLE]);
    expect(first.code).toBe(0);

    // 256 KiB: opening and reading work; the import's COMMIT cannot write its WAL.
    const failed = await cliWithFileLimit(256, ['--db', db, 'import', '--format', 'beir', '--dataset', 'big', SAMPLE]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const message = /^benchlab: (.*)$/m.exec(failed.stderr)?.[1] ?? '';
    expect(message).toMatch(CAUSE);
    expect(message).not.toMatch(SYMPTOM);
    expect(message).toContain(db);
    process.stdout.write(`write failure (import): ${message}\n`);

    expect(await count(db, `SELECT count(*) AS n FROM documents WHERE dataset = 'kept'`)).toBe(327);
    expect(await count(db, `SELECT count(*) AS n FROM documents WHERE dataset = 'big'`)).toBe(0);
  });

  it('a benchmark run that cannot store its items says how many and why, marks the run failed, and loses nothing stored before', async () => {
    const dir = freshDir();
    const db = path.join(dir, 'run.duckdb');
    const suite = path.join(dir, 'baselines.yaml');
    fs.writeFileSync(suite, `name: baselines\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: question-or\n  - type: tfidf-keywords\ngpu_sampling: false\n`);
    const env = { OLLAMA_HOST: 'http://127.0.0.1:9' };
    const first = await runCli(['--db', db, 'run', '--suite', suite, '--json'], env);
    expect(first.code).toBe(0);
    const firstRun = (JSON.parse(first.stdout) as { runId: string }).runId;

    // 16 KiB: the run row fits in the WAL, a batch of 64 items does not.
    const failed = await cliWithFileLimit(16, ['--db', db, 'run', '--suite', suite, '--json'], env);
    expect(failed.code).toBe(4);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const message = /^benchlab: (.*)$/m.exec(failed.stderr)?.[1] ?? '';
    expect(message).toMatch(/^64 completed item\(s\) of run r\S+ could not be stored: could not write to database /);
    expect(message).toMatch(CAUSE);
    expect(message).not.toMatch(SYMPTOM);
    expect(message).toContain(db);
    process.stdout.write(`write failure (run): ${message}\n`);

    const runId = /of run (\S+) could not be stored/.exec(message)?.[1] ?? '';
    const run = await withStore({ dbPath: db, readOnly: true }, (store) =>
      store.one<{ status: string; error: string }>(`SELECT status, error FROM runs WHERE run_id = $id`, { id: runId }),
    );
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(CAUSE);
    // Nothing already stored is lost: the earlier run and the dataset are whole.
    expect(await count(db, `SELECT count(*) AS n FROM run_items WHERE run_id = $id`, { id: firstRun })).toBe(64);
    expect(await count(db, `SELECT count(*) AS n FROM queries WHERE dataset = 'sample'`)).toBe(32);
  });
});

describe('a failed statement inside a transaction', () => {
  it('reports the statement that failed, not the "Current transaction is aborted" of the next one', async () => {
    const db = path.join(freshDir(), 'aborted.duckdb');
    await withStore({ dbPath: db }, async (store) => {
      await store.run(`INSERT INTO queries VALUES ('ds', 'kept', 'stored before')`);
      const error = await store
        .transaction(async () => {
          // A caller that swallows a failure and goes on: the next statement finds the transaction aborted.
          await store.run(`INSERT INTO queries VALUES ('ds', 'q1', NULL)`).catch(() => undefined);
          await store.run(`INSERT INTO queries VALUES ('ds', 'q2', 'b')`);
        })
        .catch((e: unknown) => e as Error);
      expect(error?.message).toMatch(/NOT NULL constraint failed/);
      expect(error?.message).not.toMatch(SYMPTOM);
      expect(await store.all(`SELECT query_id FROM queries ORDER BY query_id`)).toEqual([{ query_id: 'kept' }]);
      // The connection is usable after it.
      await store.transaction(() => store.run(`INSERT INTO queries VALUES ('ds', 'q3', 'c')`));
      expect(await store.all(`SELECT query_id FROM queries ORDER BY query_id`)).toEqual([{ query_id: 'kept' }, { query_id: 'q3' }]);
    });
  });
});
