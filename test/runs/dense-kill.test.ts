/**
 * Embeddings survive kill -9: `benchlab run` (the built CLI, a child process) embeds the sample
 * collection in batches of 8 against the Ollama-compatible test server; the server stops
 * answering after three batches (a request that hangs), the process is killed with SIGKILL while
 * it waits, and the three committed batches are in the database. The next run embeds only the
 * chunks that were missing: no input of the stored batches is sent again.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { withStore } from '../../lib/store/store';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { CLI, runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOllama();
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

const inputsOf = (from = 0) => fake.requests.slice(from).filter((r) => r.path === '/api/embed' && r.fault === undefined).map((r) => (r.body as { input: string[] }).input);

describe('kill -9 during an embedding pass', () => {
  it('keeps every committed batch; the next run computes only the rest', async () => {
    const db = path.join(dir, 'kill.duckdb');
    const suite = path.join(dir, 'kill.yaml');
    fs.writeFileSync(
      suite,
      `name: kill\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: dense\n    model: nomic-embed-text\n    batch_size: 8\n    chunking: {max_tokens: 64, overlap_tokens: 8}\ngpu_sampling: false\n`,
    );
    const child = spawn(process.execPath, [CLI, '--db', db, 'run', '--suite', suite, '--json'], { env: { ...process.env, OLLAMA_HOST: fake.url }, stdio: 'ignore' });
    const embeds = () => fake.requests.filter((r) => r.path === '/api/embed').length;
    while (embeds() < 3) await new Promise((r) => setTimeout(r, 10));
    fake.inject({ kind: 'hang-mid-stream', times: Number.POSITIVE_INFINITY, match: { path: '/api/embed' } });
    // The fourth request is sent only after the third batch is committed; it hangs.
    while (embeds() < 4) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const firstBatches = inputsOf().slice(0, 3);
    expect(firstBatches.flat()).toHaveLength(24);

    const stored = await withStore({ dbPath: db }, (store) => store.one<{ n: bigint }>(`SELECT count(*) AS n FROM embedding_chunks`));
    expect(Number(stored?.n)).toBe(24);

    fake.clearFaults();
    const before = fake.requests.length;
    const rerun = await runCli(['--db', db, 'run', '--suite', suite, '--json'], { OLLAMA_HOST: fake.url });
    expect(rerun.code).toBe(0);
    const again = new Set(inputsOf(before).flat());
    for (const text of firstBatches.flat()) expect(again.has(text)).toBe(false);
    const set = await withStore({ dbPath: db }, (store) => store.one<{ chunks: bigint; computed: bigint }>(
      `SELECT chunk_count AS chunks, (SELECT count(*) FROM embedding_chunks) AS computed FROM embedding_sets`,
    ));
    expect(Number(set?.chunks)).toBe(Number(set?.computed));
    expect(Number(set?.chunks)).toBeGreaterThan(24);
  });
});
