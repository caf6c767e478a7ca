import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { queryResponder } from '../support/query-responder';
import { CLI, runCli } from '../support/run-cli';
import { closedPortUrl } from '../support/closed-port';
import { standIn } from '../gpu/support';
import { removeDir, tempDir } from '../support/temp-store';

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOllama({ respond: queryResponder });
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});
beforeEach(() => fake.clearFaults());

const generateCalls = () => fake.requests.filter((r) => r.path === '/api/generate').length;
const FAST_LLM = { retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, deadline: { totalMs: 5_000, idleMs: 1_000 } };

function suiteFile(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

interface JsonResult {
  runId: string;
  status: string;
  llmReachable: boolean;
  skippedModels: { model: string; reason: string }[];
  summary: { generators: { generator: string; items: number; ndcg10: number; errors: number; cacheHits: number; syntaxValidRate: number; latencyP50Ms: number | null; evalTokens: number }[]; multiModel: { single: string; overheadPercent: number }[] };
  expectationFailures: string[];
}

describe('benchlab run (the npm run bench path) against an Ollama-compatible server', () => {
  const db = () => path.join(dir, 'bench.duckdb');

  it('runs the default suite: baselines, every available model, multi-model fusion, stored and summarized', async () => {
    // Loaded already: the fake reports a cold load's load_duration without spending it, and
    // latency figures leave the reported load out.
    fake.setModels([
      { name: 'llama3.2:3b', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', sizeBytes: 2_019_393_189, contextLength: 131072, loaded: true },
      { name: 'qwen2.5:7b', family: 'qwen2', parameterSize: '7.6B', quantization: 'Q4_K_M', sizeBytes: 4_683_087_332, contextLength: 32768, loaded: true },
    ]);
    const result = await runCli(['run', '--json'], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(result.stderr).toContain("importing dataset 'sample'");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as JsonResult;
    expect(out.status).toBe('completed');
    expect(out.llmReachable).toBe(true);
    const byName = Object.fromEntries(out.summary.generators.map((g) => [g.generator, g]));
    expect(Object.keys(byName).sort()).toEqual(['baseline:question-or', 'baseline:tfidf-keywords', 'llm:llama3.2:3b', 'llm:qwen2.5:7b', 'multi-model']);
    for (const g of out.summary.generators) expect(g.items).toBe(32);
    expect(byName['llm:llama3.2:3b']?.syntaxValidRate).toBe(1);
    expect(byName['llm:llama3.2:3b']?.evalTokens).toBeGreaterThan(0);
    expect(byName['baseline:question-or']?.ndcg10).toBeGreaterThan(0.3);
    expect(out.summary.multiModel.map((m) => m.single).sort()).toEqual(['llm:llama3.2:3b', 'llm:qwen2.5:7b']);
    expect(out.summary.multiModel.every((m) => m.overheadPercent > 0)).toBe(true);
    return withStore({ dbPath: db() }, async (store) => {
      const calls = await store.all<{ n: bigint; timed: bigint }>(
        `SELECT count(*) AS n, count(eval_ns) AS timed FROM llm_calls WHERE run_id = $id`,
        { id: out.runId },
      );
      expect(calls[0]).toEqual({ n: 64n, timed: 64n });
      const run = await store.one<{ status: string }>(`SELECT status FROM runs WHERE run_id = $id`, { id: out.runId });
      expect(run?.status).toBe('completed');
    });
  });

  it('answers a second run from the response cache, never counting cached calls as latency', async () => {
    const before = generateCalls();
    const result = await runCli(['run', '--json'], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as JsonResult;
    const llama = out.summary.generators.find((g) => g.generator === 'llm:llama3.2:3b');
    expect(llama?.cacheHits).toBe(32);
    expect(llama?.latencyP50Ms).toBeNull();
    expect(generateCalls()).toBe(before);
    const fresh = await runCli(['run', '--json', '--no-cache'], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(JSON.parse(fresh.stdout).summary.generators.find((g: { generator: string }) => g.generator === 'llm:llama3.2:3b').cacheHits).toBe(0);
  });

  it('says once that Ollama is unreachable and still runs and scores the baselines', async () => {
    const result = await runCli(['run', '--json'], { OLLAMA_HOST: await closedPortUrl(), BENCHLAB_DB: db() });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/no LLM host reachable/g)).toHaveLength(1);
    const out = JSON.parse(result.stdout) as JsonResult;
    expect(out.llmReachable).toBe(false);
    expect(out.summary.generators.map((g) => g.generator)).toEqual(['baseline:question-or', 'baseline:tfidf-keywords']);
    expect(out.skippedModels.map((s) => s.model)).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
  });

  it('records faults as errors or retried successes and finishes the other items', async () => {
    const file = suiteFile(
      'faults.yaml',
      `name: faults\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: question-or\n  - type: llm\n    model: llama3.2:3b\nqueries_per_model: 2\noptions: {seed: 7}\nmax_questions: 6\nmulti_model: false\n`,
    );
    const questions = fs
      .readFileSync(path.join(__dirname, '../../data/sample/queries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    const on = (i: number) => ({ path: '/api/generate', promptIncludes: questions[i] ?? '' });
    fake.inject({ kind: 'http-503', match: on(0) }); // q01: retried, succeeds
    fake.inject({ kind: 'http-500', times: 2, match: on(1) }); // q02: outlasts 2 attempts: an error
    fake.inject({ kind: 'error-in-stream', match: on(2) }); // q03: retried, succeeds
    fake.inject({ kind: 'hang-mid-stream', times: 2, match: on(3) }); // q04: times out twice: an error
    fake.inject({ kind: 'malformed-json', match: on(4) }); // q05: retried, succeeds
    const result = await runBench({ suite: file, dbPath: db(), useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM });
    expect(result.status).toBe('completed');
    const llama = result.summary.generators.find((g) => g.generator === 'llm:llama3.2:3b');
    expect(llama?.items).toBe(6);
    expect(llama?.errors).toBe(2);
    await withStore({ dbPath: db() }, async (store) => {
      const errors = await store.all<{ error: string }>(
        `SELECT error FROM llm_calls WHERE run_id = $id AND status = 'error' ORDER BY started_at`,
        { id: result.runId },
      );
      expect(errors.map((e) => e.error.split(':')[0])).toEqual(['server', 'timeout']);
      const retried = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM llm_calls WHERE run_id = $id AND status = 'ok' AND attempts = 2`, { id: result.runId });
      expect(retried?.n).toBe(3n);
    });
  });

  it('keeps completed items when interrupted and resumes without redoing them', async () => {
    const file = suiteFile(
      'resume.yaml',
      `name: resume\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: tfidf-keywords\n  - type: llm\n    model: llama3.2:3b\n  - type: llm\n    model: qwen2.5:7b\noptions: {seed: 11}\n`,
    );
    const controller = new AbortController();
    let advanced = 0;
    const hosts = [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
    const first = await runBench({
      suite: file, dbPath: db(), useCache: false, hosts, llm: FAST_LLM, signal: controller.signal, flushItems: 4,
      progress: { start: () => undefined, stop: () => undefined, advance: () => { if (++advanced === 40) controller.abort(); } },
    });
    expect(first.status).toBe('interrupted');
    const countItems = (pattern: string) =>
      withStore({ dbPath: db() }, (s) =>
        s.one<{ n: bigint }>(`SELECT count(*) AS n FROM run_items WHERE run_id = $id AND generator LIKE $g`, { id: first.runId, g: pattern }),
      );
    // Generator-major order: all 32 tfidf items, then llama's; interrupted after the 40th item.
    expect(Number((await countItems('%'))?.n)).toBe(40);
    const llmDoneBefore = Number((await countItems('llm:%'))?.n);
    expect(llmDoneBefore).toBe(8);
    const callsBefore = generateCalls();
    const resumed = await runBench({ suite: file, dbPath: db(), useCache: false, hosts, llm: FAST_LLM, resumeRunId: first.runId });
    expect(resumed.status).toBe('completed');
    expect(resumed.runId).toBe(first.runId);
    for (const g of resumed.summary.generators) expect(g.items).toBe(32);
    expect(Number((await countItems('llm:%'))?.n)).toBe(64);
    // Only the LLM items not stored before the interruption were generated again.
    expect(generateCalls() - callsBefore).toBe(64 - llmDoneBefore);
  });

  it('exits 5 when an expectation fails, naming generator, value and limit', async () => {
    const file = suiteFile('strict.yaml', `name: strict\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: question-or\nexpectations:\n  min_ndcg10: 0.99\n`);
    const result = await runCli(['run', '--suite', file], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/EXPECTATION FAILED: baseline:question-or: nDCG@10 0\.\d{4} is below the minimum 0\.99/);
  });

  it('exits 5 with require_models when a named model was skipped (host down or model missing), and 0 without it', async () => {
    const body = (extra: string) =>
      `name: gate\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: question-or\n  - type: llm\n    model: llama3.2:3b\n  - type: llm\n    model: not-pulled:1b\ngpu_sampling: false\n${extra}`;
    const gated = suiteFile('gate.yaml', body('expectations: {require_models: true}\n'));
    const missing = await runCli(['run', '--suite', gated], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(missing.code).toBe(5);
    expect(missing.stdout).toMatch(/EXPECTATION FAILED: llm:not-pulled:1b: the suite requires it, but it was skipped: model 'not-pulled:1b' is not available/);
    const down = await runCli(['run', '--suite', gated], { OLLAMA_HOST: await closedPortUrl(), BENCHLAB_DB: db() });
    expect(down.code).toBe(5);
    expect(down.stdout).toMatch(/EXPECTATION FAILED: llm:llama3\.2:3b: the suite requires it, but it was skipped: no LLM host reachable/);
    const ungated = await runCli(['run', '--suite', suiteFile('ungated.yaml', body(''))], { OLLAMA_HOST: await closedPortUrl(), BENCHLAB_DB: db() });
    expect(ungated.code).toBe(0);
  });

  it('leaves a cold start out of the latency figures and reports it apart', async () => {
    // Ollama spends a cold model load inside the first call and reports it as load_duration.
    const cold = await startFakeOllama({
      respond: queryResponder, spendLoadTime: true,
      models: [{ name: 'llama3.2:3b', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', sizeBytes: 400_000_000, contextLength: 8192 }],
    });
    try {
      const file = suiteFile('cold.yaml', `name: cold\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: llm\n    model: llama3.2:3b\ngpu_sampling: false\n`);
      const result = await runBench({ suite: file, dbPath: db(), useCache: false, hosts: [{ url: cold.url, provider: 'ollama', concurrency: 1 }], llm: FAST_LLM });
      const llama = result.summary.generators.find((g) => g.generator === 'llm:llama3.2:3b');
      expect(llama?.coldStarts).toBe(1);
      expect(llama?.coldLoadMs).toBeCloseTo(350, 0);
      // 350 ms of load in one item of 12 would be the p95 if it were counted.
      expect(llama?.latencyP95Ms).toBeLessThan(200);
      const wall = await withStore({ dbPath: db() }, (s) =>
        s.one<{ max: number }>(`SELECT max(latency_ms) AS max FROM run_items WHERE run_id = $id`, { id: result.runId }),
      );
      expect(wall?.max).toBeGreaterThan(350);
    } finally {
      await cold.close();
    }
  });

  it('rejects an invalid suite with the file and the field path', async () => {
    const file = suiteFile('bad.yaml', `name: bad\ndataset: sample\ngenerators:\n  - type: llm\n    modle: x\nrepeats: 0\n`);
    const result = await runCli(['run', '--suite', file], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/generators\.0/);
    expect(result.stderr).toMatch(/repeats/);
  });
});

describe('benchlab run interrupted by a signal', () => {
  it('finishes the item in flight, keeps completed items, marks the run interrupted and exits 130', async () => {
    const slow = await startFakeOllama({ respond: queryResponder, tokenDelayMs: 15 });
    const db = path.join(dir, 'signal.duckdb');
    const file = path.join(dir, 'signal.yaml');
    fs.writeFileSync(file, `name: signal\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: llm\n    model: llama3.2:3b\noptions: {keep_alive: 5m}\n`);
    try {
      const child = spawn(process.execPath, [CLI, '--db', db, 'run', '--suite', file, '--json'], {
        env: { ...process.env, OLLAMA_HOST: slow.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      // Interrupt once a few LLM calls have been answered.
      while (slow.requests.filter((r) => r.path === '/api/generate').length < 3) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      const out = JSON.parse(stdout) as JsonResult;
      expect(out.status).toBe('interrupted');
      const sent = slow.requests.find((r) => r.path === '/api/generate')?.body as Record<string, unknown>;
      expect(sent['keep_alive']).toBe('5m');
      await withStore({ dbPath: db }, async (store) => {
        const run = await store.one<{ status: string; items: bigint }>(
          `SELECT r.status, (SELECT count(*) FROM run_items i WHERE i.run_id = r.run_id) AS items FROM runs r WHERE r.run_id = $id`,
          { id: out.runId },
        );
        expect(run?.status).toBe('interrupted');
        expect(Number(run?.items)).toBeGreaterThanOrEqual(2);
        expect(Number(run?.items)).toBeLessThan(12);
      });
    } finally {
      await slow.close();
    }
  });
});

describe('benchlab models', () => {
  it('lists each host\'s models with size, quantization and whether they are loaded', async () => {
    const result = await runCli(['models', '--json'], { OLLAMA_HOST: fake.url });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { models: { name: string; quantization: string; loaded: boolean; sizeBytes: number }[] };
    const llama = out.models.find((m) => m.name === 'llama3.2:3b');
    expect(llama).toMatchObject({ quantization: 'Q4_K_M', loaded: true });
    expect(llama?.sizeBytes).toBeGreaterThan(1e9);
    const table = await runCli(['models'], { OLLAMA_HOST: fake.url });
    expect(table.stdout).toMatch(/llama3\.2:3b.*Q4_K_M.*yes/);
  });

  it('exits 8 (no LLM host reachable) and names the host when no host answers', async () => {
    const url = await closedPortUrl();
    const result = await runCli(['models'], { OLLAMA_HOST: url });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain(`cannot reach ${url}`);
  });
});

describe('GPU telemetry during a benchmark run', () => {
  it('samples the GPU for the run and reports per-model utilization, memory, power and energy', async () => {
    const slow = await startFakeOllama({ respond: queryResponder, tokenDelayMs: 10 });
    const gpuSamples = Array.from({ length: 400 }, (_, i) => ({
      'utilization.gpu': `${50 + (i % 40)} %`,
      'memory.used': `${4000 + i} MiB`,
      'power.draw': '120.50 W',
      'temperature.gpu': '61',
    }));
    const gpuStandIn = standIn({
      gpus: [{ uuid: 'GPU-1111', index: 0, name: 'NVIDIA RTX 4090', 'pci.bus_id': '00000000:01:00.0', 'memory.total': '24564 MiB', 'power.limit': '450.00 W', samples: gpuSamples }],
    });
    const file = path.join(dir, 'gpu.yaml');
    fs.writeFileSync(file, `name: gpu\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: llm\n    model: llama3.2:3b\nmax_questions: 8\n`);
    try {
      const result = await runBench({
        suite: file, dbPath: path.join(dir, 'gpu.duckdb'), useCache: false,
        hosts: [{ url: slow.url, provider: 'ollama', concurrency: 1 }], gpu: { env: gpuStandIn.env, intervalMs: 250 },
      });
      expect(result.status).toBe('completed');
      const gpu = result.gpu;
      expect(gpu).not.toBeNull();
      expect(gpu?.total.samples).toBeGreaterThan(2);
      expect(gpu?.total.meanPowerW).toBeCloseTo(120.5, 6);
      expect(gpu?.total.energyWh).toBeGreaterThan(0);
      expect(gpu?.total.peakMemoryUsedMib).toBeGreaterThanOrEqual(4000);
      const llama = gpu?.groups.find((g) => g.model === 'llama3.2:3b');
      expect(llama?.evalTokens).toBeGreaterThan(0);
      expect(llama?.whPer1kTokens).toBeGreaterThan(0);
    } finally {
      await slow.close();
      removeDir(gpuStandIn.dir);
    }
  });
});
