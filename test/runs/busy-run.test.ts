/**
 * A benchmark run beside another process that holds the database (a notebook holding it
 * read-only, another writer): the run goes on with its completed items in memory, says once
 * that it waits and for whom, and stores everything once the holder is gone; interrupted while
 * the file is held, it makes one last try and says how many items it could not store (exit 4).
 * A run that fails before its first item leaves no `running` row.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { queryResponder } from '../support/query-responder';
import { CLI, runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const DUCKDB_MODULE = path.resolve(__dirname, '../../node_modules/@duckdb/node-api');
const FAST_LLM = { retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, deadline: { totalMs: 5_000, idleMs: 1_000 } };

/**
 * Holds `dbPath` from another process for `holdMs` (read-only, as a notebook does, or as a
 * writer). Unlike test/support/hold-db.ts it retries its own open, so it can start while the run
 * is in the middle of a write. Resolves once the file is held; `exited` resolves with the time
 * the holder let go.
 */
function holdDb(dbPath: string, holdMs: number, readOnly: boolean): Promise<{ child: ChildProcess; exited: Promise<number> }> {
  const config = readOnly ? `{ access_mode: 'READ_ONLY' }` : '{}';
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_MODULE)});
    const open = () => DuckDBInstance.create(${JSON.stringify(dbPath)}, ${config}).then((db) => {
      process.stdout.write('held\\n');
      setTimeout(() => { db.closeSync(); process.exit(0); }, ${holdMs});
    }, () => setTimeout(open, 5));
    open();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(performance.now())));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve({ child, exited });
    });
    child.on('error', reject);
  });
}

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  // ~20 tokens per answer at 8 ms: an LLM item takes a little under 0.2 s.
  fake = await startFakeOllama({ respond: queryResponder, tokenDelayMs: 8 });
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

function suiteFile(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const SUITE = `name: busy\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: question-or\n  - type: llm\n    model: llama3.2:3b\nmax_questions: 12\nmulti_model: false\ngpu_sampling: false\noptions: {seed: 3}\n`;

async function countRows(db: string, sql: string, params: Record<string, string> = {}): Promise<number> {
  const row = await withStore({ dbPath: db, readOnly: true }, (store) => store.one<{ n: bigint }>(sql, params));
  return Number(row?.n ?? 0);
}

describe('a benchmark run beside a process that holds the database', () => {
  it('goes on with its items in memory, says once for whom it waits, and stores every item once the holder is gone (held past the old 10 s limit)', async () => {
    const db = path.join(dir, 'held.duckdb');
    const file = suiteFile('held.yaml', SUITE);
    const lines: string[] = [];
    let holder: Awaited<ReturnType<typeof holdDb>> | undefined;
    let holding: Promise<void> | undefined;
    let advanced = 0;
    const started = performance.now();
    const result = await runBench({
      suite: file, dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM,
      flushItems: 4, flushIntervalMs: 60_000,
      log: (line) => lines.push(`${Math.round(performance.now() - started)} ms ${line}`),
      progress: {
        start: () => undefined,
        stop: () => undefined,
        advance: () => {
          // After the 12 baseline items and two LLM items: a notebook opens the file read-only
          // and keeps it 11 s, longer than the 10 s a write used to wait before giving up.
          if (++advanced === 14) holding = holdDb(db, 11_000, true).then((h) => void (holder = h));
        },
      },
    });
    const finished = performance.now();
    await holding;
    const released = await (holder as NonNullable<typeof holder>).exited;

    expect(result.status).toBe('completed');
    for (const g of result.summary.generators) expect(g.items).toBe(12);
    expect(await countRows(db, `SELECT count(*) AS n FROM run_items WHERE run_id = $id`, { id: result.runId })).toBe(24);
    expect(await countRows(db, `SELECT count(*) AS n FROM runs WHERE run_id = $id AND status = 'completed'`, { id: result.runId })).toBe(1);

    // Said once, naming the holder's pid, however many tries it took.
    const said = lines.filter((l) => l.includes('is held by process'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`process ${holder?.child.pid}`);
    expect(said[0]).toMatch(/trying again every 5\.0 s at most for as long as the run lives/);
    const free = lines.find((l) => /is free again after [\d.]+ s \(\d+ tries\)/.test(l));
    expect(free).toBeDefined();
    // The run went on while the file was held: more items were kept than one batch of 4.
    const stored = lines.map((l) => /stored the (\d+) completed item\(s\) kept in memory/.exec(l)).find(Boolean);
    expect(Number(stored?.[1])).toBeGreaterThan(4);
    // Backoff capped at 5 s (jitter on the upper half): stored within one interval of the release.
    expect(finished - released).toBeLessThan(8_000);
    process.stdout.write(
      `busy run: the holder let go ${((released - started) / 1000).toFixed(1)} s after the run started; the run stored its ${stored?.[1]} kept item(s) ` +
        `${((finished - released) / 1000).toFixed(2)} s later; ${free}\n`,
    );
  });

  it('waits for a read-only holder at the start, saying so once, and then runs', async () => {
    const db = path.join(dir, 'start.duckdb');
    const file = suiteFile('start.yaml', SUITE.replace('max_questions: 12', 'max_questions: 2'));
    await runBench({ suite: file, dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM });
    const holder = await holdDb(db, 1_500, true);
    const lines: string[] = [];
    const result = await runBench({ suite: file, dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM, log: (l) => lines.push(l) });
    await holder.exited;
    expect(result.status).toBe('completed');
    expect(lines.filter((l) => l.includes(`is held by process ${holder.child.pid}`))).toEqual([expect.stringContaining('waiting for it to start the run')]);
  });

  it('interrupted while the file is held: one last try, says how many items were not stored, exits 4; a resume stores them', async () => {
    const db = path.join(dir, 'interrupted.duckdb');
    const file = suiteFile('interrupted.yaml', SUITE);
    const child = spawn(process.execPath, [CLI, '--db', db, 'run', '--suite', file, '--no-cache', '--json'], {
      env: { ...process.env, OLLAMA_HOST: fake.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const generated = () => fake.requests.filter((r) => r.path === '/api/generate').length;
    const before = generated();
    while (generated() - before < 2) await new Promise((r) => setTimeout(r, 10));
    // Another writer takes the file for longer than the test lasts.
    const holder = await holdDb(db, 60_000, false);
    try {
      while (!stderr.includes('is held by process')) await new Promise((r) => setTimeout(r, 20));
      const interruptedAt = performance.now();
      child.kill('SIGINT');
      const code = await closed;
      const exitMs = performance.now() - interruptedAt;
      expect(code).toBe(4);
      expect(exitMs).toBeLessThan(3_000);
      expect(stderr.match(/is held by process \d+ \([^\n]*\): waiting for it/g)).toHaveLength(1);
      const message = /benchlab: (\d+) completed item\(s\) of run (\S+) could not be stored: database .* is held by process (\d+)/.exec(stderr);
      expect(message).not.toBeNull();
      expect(Number(message?.[3])).toBe(holder.child.pid);
      const unstored = Number(message?.[1]);
      expect(unstored).toBeGreaterThan(0);
      expect(stderr).toContain(`benchlab run --resume ${message?.[2]}`);
      process.stdout.write(`busy run interrupted: exit ${code} ${(exitMs / 1000).toFixed(2)} s after SIGINT; ${unstored} item(s) not stored\n`);
      holder.child.kill();
      await holder.exited;

      const runId = message?.[2] ?? '';
      // The run row is there, still 'running' (its end could not be recorded); what was not
      // stored is what the message says, and a resume runs it again.
      expect(await countRows(db, `SELECT count(*) AS n FROM runs WHERE run_id = $id AND status = 'running'`, { id: runId })).toBe(1);
      const storedBefore = await countRows(db, `SELECT count(*) AS n FROM run_items WHERE run_id = $id`, { id: runId });
      expect(storedBefore + unstored).toBeLessThanOrEqual(24);
      const resumed = await runCli(['--db', db, 'run', '--resume', runId, '--no-cache', '--json'], { OLLAMA_HOST: fake.url });
      expect(resumed.code).toBe(0);
      expect(await countRows(db, `SELECT count(*) AS n FROM run_items WHERE run_id = $id`, { id: runId })).toBe(24);
    } finally {
      holder.child.kill();
      child.kill('SIGKILL');
    }
  });
});

describe('a run that fails before its first item', () => {
  it('leaves no running row: a missing prompt template', async () => {
    const db = path.join(dir, 'early.duckdb');
    const file = suiteFile('no-template.yaml', SUITE.replace('gpu_sampling: false', 'gpu_sampling: false\nprompt: no-such-prompt@1'));
    await expect(
      runBench({ suite: file, dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM }),
    ).rejects.toThrow(/prompt template .*no-such-prompt.* not found/);
    // The dataset was imported (prepare ran), but no run row was created.
    expect(await countRows(db, `SELECT count(*) AS n FROM queries WHERE dataset = 'sample'`)).toBe(32);
    expect(await countRows(db, `SELECT count(*) AS n FROM runs`)).toBe(0);
  });

  it('a resume that fails before its first item does not leave the run running', async () => {
    const db = path.join(dir, 'early-resume.duckdb');
    // The prompt template is only needed once a model is available: not in the first run (its host is down).
    const file = suiteFile('late-template.yaml', SUITE.replace('gpu_sampling: false', 'gpu_sampling: false\nprompt: no-such-prompt@1'));
    const controller = new AbortController();
    let advanced = 0;
    const first = await runBench({
      suite: file, dbPath: db, useCache: false, hosts: [{ url: 'http://127.0.0.1:9', provider: 'ollama', concurrency: 1 }], llm: FAST_LLM, signal: controller.signal,
      progress: { start: () => undefined, stop: () => undefined, advance: () => { if (++advanced === 3) controller.abort(); } },
    });
    expect(first.status).toBe('interrupted');
    await expect(
      runBench({ dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM, resumeRunId: first.runId }),
    ).rejects.toThrow(/no-such-prompt/);
    const run = await withStore({ dbPath: db, readOnly: true }, (store) =>
      store.one<{ status: string; error: string }>(`SELECT status, error FROM runs WHERE run_id = $id`, { id: first.runId }),
    );
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/the resume failed before its first item: .*no-such-prompt/);
  });

  it('leaves no running row: an unknown dataset (exit 3)', async () => {
    const db = path.join(dir, 'early2.duckdb');
    const file = suiteFile('no-dataset.yaml', `name: nods\ndataset: not-imported\ngenerators:\n  - type: question-or\n`);
    const result = await runCli(['--db', db, 'run', '--suite', file], { OLLAMA_HOST: fake.url });
    expect(result.code).toBe(3);
    expect(await countRows(db, `SELECT count(*) AS n FROM runs`)).toBe(0);
  });
});
