/**
 * `benchlab run --resume RUN_ID --retry-errors` over Ollama's OpenAI-compatible endpoint, through
 * the built CLI: a model that crashes (HTTP 500 "model runner has unexpectedly stopped", as
 * Ollama answers when a runner dies) leaves errors and items not attempted (circuit open) while
 * the other model loses nothing; once the model is healthy, the resumed run attempts exactly
 * those items again and replaces them. The API key, read from the environment, appears in no
 * stored byte, report or log line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { personaResponder } from '../support/model-personas';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const SECRET = 'sk-benchlab-test-9f8e7d6c5b4a';

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOllama({ respond: personaResponder({ 'llama3.2:3b': 'instruct', 'mistral:7b': 'instruct' }) });
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

interface Summary {
  runId: string;
  status: string;
  summary: { generators: { generator: string; items: number; errors: number; notAttempted: number; usableRate: number; errorsByKind: Record<string, number> }[] };
}

describe('resuming a run with --retry-errors', () => {
  it('attempts the errors and the items not attempted again, replaces them, and never stores the API key', async () => {
    const suite = path.join(dir, 'retry.yaml');
    fs.writeFileSync(
      suite,
      [
        'name: retry',
        'dataset: sample',
        'import: {format: beir, paths: [data/sample]}',
        'generators:',
        '  - {type: llm, model: "mistral:7b"}',
        '  - {type: llm, model: "llama3.2:3b"}',
        'prompt: boolean-query@2',
        'options: {temperature: 0, seed: 1}',
        'gpu_sampling: false',
        `llm: {provider: openai, hosts: [${JSON.stringify(`${fake.url}/v1`)}], api_key_env: BENCH_TEST_KEY, attempts: 1, breaker_threshold: 2, breaker_cooldown_s: 0.05}`,
      ].join('\n') + '\n',
    );
    const db = path.join(dir, 'retry.duckdb');
    const env = { BENCHLAB_DB: db, BENCH_TEST_KEY: SECRET, OLLAMA_HOST: undefined };
    fake.inject({ kind: 'http-500', times: Number.POSITIVE_INFINITY, match: { model: 'mistral:7b' } });
    const first = await runCli(['run', '--suite', suite, '--json'], env);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as Summary;
    const crash = out.summary.generators.find((g) => g.generator === 'llm:mistral:7b');
    const good = out.summary.generators.find((g) => g.generator === 'llm:llama3.2:3b');
    expect(crash).toMatchObject({ items: 32, usableRate: 0 });
    expect(crash?.errorsByKind['server']).toBeGreaterThan(0);
    expect(crash?.notAttempted).toBeGreaterThan(0);
    expect(good).toMatchObject({ items: 32, usableRate: 1, errors: 0, notAttempted: 0 });
    expect(first.stderr).toContain(`--resume ${out.runId} --retry-errors`);
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions').every((r) => r.headers['authorization'] === `Bearer ${SECRET}`)).toBe(true);

    // A plain --resume attempts the items not attempted; the errors stay until --retry-errors.
    fake.clearFaults();
    const plain = await runCli(['run', '--suite', suite, '--resume', out.runId, '--json'], env);
    expect(plain.code).toBe(0); // its not-attempted items are attempted
    const afterPlain = JSON.parse(plain.stdout) as Summary;
    expect(afterPlain.summary.generators.find((g) => g.generator === 'llm:mistral:7b')?.notAttempted).toBe(0);

    const before = fake.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const again = await runCli(['run', '--suite', suite, '--resume', out.runId, '--retry-errors', '--json'], env);
    expect(again.code).toBe(0);
    const resumed = JSON.parse(again.stdout) as Summary;
    expect(resumed.runId).toBe(out.runId);
    const fixed = resumed.summary.generators.find((g) => g.generator === 'llm:mistral:7b');
    expect(fixed).toMatchObject({ items: 32, usableRate: 1, errors: 0, notAttempted: 0 });
    // Only the failed items were asked again; the good model's items were kept.
    const asked = fake.requests.filter((r) => r.path === '/v1/chat/completions').slice(before);
    expect(asked.every((r) => (r.body as { model: string }).model === 'mistral:7b')).toBe(true);
    expect(asked.length).toBe(crash?.errors ?? -1);

    const nothing = await runCli(['run', '--suite', suite, '--resume', out.runId, '--retry-errors'], env);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toMatch(/already completed and has no errors to retry/);

    await withStore({ dbPath: db }, async (store) => {
      const dupes = await store.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM (SELECT item_key FROM run_items WHERE run_id = $run GROUP BY item_key HAVING count(*) > 1)`,
        { run: out.runId },
      );
      expect(dupes?.n).toBe(0);
      const calls = await store.one<{ n: number }>(`SELECT count(DISTINCT item_key)::INTEGER AS n FROM llm_calls WHERE run_id = $run AND model = 'mistral:7b' AND status = 'ok'`, { run: out.runId });
      expect(calls?.n).toBe(32);
    });

    // The key is in no stored byte, report or log line.
    const logs = [first, plain, again].map((r) => r.stdout + r.stderr).join('\n');
    expect(logs).not.toContain(SECRET);
    for (const file of fs.readdirSync(dir)) {
      const full = path.join(dir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(SECRET), file).toBe(false);
    }
    const report = /report: (\S+)/.exec(again.stderr)?.[1];
    expect(report).toBeDefined();
    expect(fs.readFileSync(report as string, 'utf8')).not.toContain(SECRET);
  }, 60_000);
});
