/**
 * A whole MED run (30 questions x 3 queries) against a server that behaves like the real Ollama,
 * with the fault models first in the suite, as a new user would meet it:
 * - `crash:1b` always answers HTTP 500 `model runner has unexpectedly stopped, ...` (Ollama's text
 *   when a runner dies, e.g. out of memory);
 * - `hang:1b` sends its headers and one chunk, then stalls (a wedged runner);
 * - `reset:1b` sends one chunk, then the connection is reset (a runner crash mid-answer);
 * - `eof:1b` sends chunks, then `{"error":"an error was encountered while running the model:
 *   unexpected EOF"}` inside the 200 stream;
 * then the well-behaved models (see ../support/model-personas.ts): an instruction-following model,
 * a sloppy small model and a thinking model whose thinking holds a decoy answer.
 * The later models must lose nothing to the earlier ones' faults, every request must carry the
 * prompt's JSON Schema as its format, and the run must end within the idle deadline x breaker
 * threshold of a run without the fault models. The same holds through Ollama's OpenAI-compatible
 * endpoint given as a `.../v1` base URL, and against a server too old for schemas (Ollama 0.4.7,
 * which takes only `format: "json"`) the tolerant reader still gets >= 90% usable answers from
 * the sloppy model. The figures are printed for the README.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchResult } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeModel, FakeOllama, FaultKind } from '../support/fake-ollama/types';
import { DECOY_QUERY, personaResponder, type Persona } from '../support/model-personas';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { removeDir, tempDir } from '../support/temp-store';

const PERSONAS: Record<string, Persona> = { 'llama3.2:3b': 'instruct', 'mistral:7b': 'sloppy', 'qwen3:4b': 'thinking' };
const FAULT_MODELS: Record<string, { kind: FaultKind; afterChunks?: number }> = {
  'crash:1b': { kind: 'http-500' },
  'hang:1b': { kind: 'hang-mid-stream', afterChunks: 1 },
  'reset:1b': { kind: 'reset-mid-stream', afterChunks: 1 },
  'eof:1b': { kind: 'error-in-stream', afterChunks: 2 },
};
const GOOD = Object.keys(PERSONAS);

function model(name: string, thinking = false): FakeModel {
  return {
    name, family: 'llama', parameterSize: '3B', quantization: 'Q4_K_M', sizeBytes: 2_000_000_000, contextLength: 8192, loaded: true,
    ...(thinking ? { capabilities: ['completion', 'thinking'] } : {}),
  };
}

const IDLE_S = 0.4;
const THRESHOLD = 3;
/** Fast retries: the test measures deadlines and breakers, not backoff sleeps. */
const RETRY = { attempts: 2, initialDelayMs: 5, maxDelayMs: 20 };

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOllama({
    respond: personaResponder(PERSONAS),
    models: [...Object.keys(FAULT_MODELS).map((m) => model(m)), model('llama3.2:3b'), model('mistral:7b'), model('qwen3:4b', true)],
  });
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

function injectFaults(): void {
  fake.clearFaults();
  for (const [name, f] of Object.entries(FAULT_MODELS)) {
    fake.inject({ kind: f.kind, times: Number.POSITIVE_INFINITY, match: { model: name }, ...(f.afterChunks !== undefined ? { afterChunks: f.afterChunks } : {}) });
  }
}

function writeSuite(name: string, models: string[], llm: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      `name: ${name}`,
      'dataset: med',
      `import: {format: smart, paths: [${JSON.stringify(sharedPath('datasets', 'med'))}], fields: [w]}`,
      'generators:',
      ...models.map((m) => `  - {type: llm, model: ${JSON.stringify(m)}}`),
      'prompt: boolean-query@2',
      'queries_per_model: 3',
      'options: {temperature: 0, seed: 42}',
      'repair_queries: true',
      'multi_model: true',
      'gpu_sampling: false',
      `llm: ${llm}`,
    ].join('\n') + '\n',
  );
  return file;
}

const LIMITS = `idle_timeout_s: ${IDLE_S}, first_token_timeout_s: ${IDLE_S}, breaker_threshold: ${THRESHOLD}, breaker_cooldown_s: 0.2, attempts: ${RETRY.attempts}`;

async function timedRun(suite: string, db: string): Promise<{ result: BenchResult; ms: number }> {
  const started = performance.now();
  const result = await runBench({ suite, dbPath: path.join(dir, db), useCache: false, llm: { retry: RETRY } });
  return { result, ms: performance.now() - started };
}

const gen = (result: BenchResult, id: string) => {
  const g = result.summary.generators.find((x) => x.generator === id);
  if (!g) throw new Error(`no generator ${id} in the summary`);
  return g;
};

function report(label: string, result: BenchResult, ms: number): void {
  const rows = result.summary.generators.map((g) =>
    [g.generator.padEnd(18), `usable ${((g.usableRate ?? 0) * 100).toFixed(1)}%`, `strict ${g.strictRate === null ? '-' : `${(g.strictRate * 100).toFixed(1)}%`}`,
      `syntax ${g.syntaxValidRate === null ? '-' : `${(g.syntaxValidRate * 100).toFixed(1)}%`}`, `errors ${JSON.stringify(Object.fromEntries(Object.entries(g.errorsByKind).filter(([, n]) => n > 0)))}`,
      `not attempted ${g.notAttempted}`, `read ${JSON.stringify(g.answerReads)}`].join('  '),
  );
  // Printed on purpose: the README's and the note's figures come from this output.
  console.log(`[realistic-server] ${label}: ${(ms / 1000).toFixed(2)} s\n  ${rows.join('\n  ')}`);
}

/** What every good model must get, whatever the fault models did before it. */
function expectGoodModels(result: BenchResult): void {
  expect(result.status).toBe('completed');
  expect(gen(result, 'llm:llama3.2:3b').usableRate).toBeGreaterThanOrEqual(0.97);
  expect(gen(result, 'llm:qwen3:4b').usableRate).toBeGreaterThanOrEqual(0.97);
  expect(gen(result, 'llm:mistral:7b').usableRate).toBeGreaterThanOrEqual(0.9);
  for (const m of GOOD) {
    const g = gen(result, `llm:${m}`);
    expect(g.items).toBe(30);
    expect(g.notAttempted).toBe(0);
    expect(g.errorsByKind.circuit).toBe(0);
  }
  expect(gen(result, 'multi-model').usableRate).toBe(1);
}

describe('a MED run against an Ollama-like server, fault models first' + SKIP_SHARED_REASON, () => {
  it.skipIf(!sharedPresent)('the later models lose nothing, every request carries the schema, and the hang costs at most idle deadline x threshold', async () => {
    fake.clearFaults();
    const clean = await timedRun(writeSuite('clean', GOOD, `{hosts: [${JSON.stringify(fake.url)}], ${LIMITS}}`), 'clean.duckdb');
    report('without fault models', clean.result, clean.ms);
    expectGoodModels(clean.result);

    injectFaults();
    const before = fake.requests.length;
    const faulty = await timedRun(writeSuite('faults-first', [...Object.keys(FAULT_MODELS), ...GOOD], `{hosts: [${JSON.stringify(fake.url)}], ${LIMITS}}`), 'faulty.duckdb');
    report('fault models first', faulty.result, faulty.ms);
    expectGoodModels(faulty.result);

    // Each fault model: errors of its own kind, then the rest not attempted (circuit open).
    const kinds: Record<string, string> = { 'crash:1b': 'server', 'hang:1b': 'timeout', 'reset:1b': 'reset', 'eof:1b': 'stream' };
    for (const [name, kind] of Object.entries(kinds)) {
      const g = gen(faulty.result, `llm:${name}`);
      expect(g.items).toBe(30);
      expect(g.usableRate).toBe(0);
      expect(g.errorsByKind[kind as keyof typeof g.errorsByKind]).toBeGreaterThan(0);
      expect(g.errors + g.notAttempted).toBe(30);
      expect(g.notAttempted).toBeGreaterThan(20);
    }

    // The hanging model cost the run at most idle deadline x breaker threshold: its calls' wall
    // time, measured by the client, stays within that (plus scheduling slack).
    const hangMs = await withStore({ dbPath: path.join(dir, 'faulty.duckdb') }, (store) =>
      store.one<{ ms: number }>(`SELECT sum(wall_ms) AS ms FROM llm_calls WHERE run_id = $run AND model = 'hang:1b'`, { run: faulty.result.runId }),
    );
    const budgetMs = IDLE_S * 1000 * THRESHOLD;
    // The whole run, against the run without fault models: printed for the README; asserted with
    // room for the noise of test files running side by side on a 2-core machine.
    const bound = clean.ms + budgetMs + 5_000;
    console.log(
      `[realistic-server] time: fault run ${(faulty.ms / 1000).toFixed(2)} s, clean ${(clean.ms / 1000).toFixed(2)} s, ` +
        `hanging model's calls ${((hangMs?.ms ?? 0) / 1000).toFixed(2)} s (budget ${(budgetMs / 1000).toFixed(2)} s)`,
    );
    expect(hangMs?.ms ?? 0).toBeGreaterThanOrEqual(budgetMs * 0.9);
    expect(hangMs?.ms ?? 0).toBeLessThan(budgetMs + 600);
    expect(faulty.ms).toBeLessThan(bound);

    // Every generate request carried the prompt's JSON Schema as its format.
    const generates = fake.requests.slice(before).filter((r) => r.path === '/api/generate');
    expect(generates.length).toBeGreaterThanOrEqual(90);
    for (const r of generates) expect((r.body as { format?: unknown }).format).toMatchObject({ type: 'object', required: ['queries'] });

    await withStore({ dbPath: path.join(dir, 'faulty.duckdb') }, async (store) => {
      const formats = await store.all<{ format_used: string; n: number }>(
        `SELECT format_used, count(*)::INTEGER AS n FROM llm_calls WHERE run_id = $run GROUP BY ALL`,
        { run: faulty.result.runId },
      );
      expect(formats.map((f) => f.format_used)).toEqual(['schema']);
      // The thinking is stored apart from the answer, and its decoy never became a query.
      const thinking = await store.one<{ n: number; timed: number }>(
        `SELECT count(*)::INTEGER AS n, count(thinking_ms)::INTEGER AS timed FROM llm_calls WHERE run_id = $run AND model = 'qwen3:4b' AND thinking LIKE '%' || $decoy || '%'`,
        { run: faulty.result.runId, decoy: DECOY_QUERY },
      );
      expect(thinking).toEqual({ n: 30, timed: 30 });
      const decoys = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM run_items WHERE run_id = $run AND generated_queries::VARCHAR LIKE '%decoy%'`, { run: faulty.result.runId });
      expect(decoys?.n).toBe(0);
      // The sloppy model's defects: repaired and flagged, or recorded invalid and skipped.
      const checks = await store.all<{ query_checks: string }>(`SELECT query_checks FROM run_items WHERE run_id = $run AND generator = 'llm:mistral:7b'`, { run: faulty.result.runId });
      const all = checks.flatMap((c) => JSON.parse(c.query_checks) as { valid: boolean; repairs: string[]; message?: string }[]);
      expect(new Set(all.flatMap((c) => c.repairs))).toEqual(new Set(['lowercase-operators', 'closed-parenthesis', 'typographic-quotes']));
      expect(all.some((c) => !c.valid && c.message)).toBe(true);
    });
  }, 120_000);

  it.skipIf(!sharedPresent)('the same through the OpenAI-compatible endpoint given as a .../v1 base URL', async () => {
    fake.clearFaults();
    const llm = (extra = '') => `{provider: openai, hosts: [${JSON.stringify(`${fake.url}/v1`)}], ${LIMITS}${extra}}`;
    const clean = await timedRun(writeSuite('clean-v1', GOOD, llm()), 'clean-v1.duckdb');
    report('/v1, without fault models', clean.result, clean.ms);
    expectGoodModels(clean.result);

    injectFaults();
    const before = fake.requests.length;
    const faulty = await timedRun(writeSuite('faults-first-v1', [...Object.keys(FAULT_MODELS), ...GOOD], llm()), 'faulty-v1.duckdb');
    report('/v1, fault models first', faulty.result, faulty.ms);
    expectGoodModels(faulty.result);
    const hangMs = await withStore({ dbPath: path.join(dir, 'faulty-v1.duckdb') }, (store) =>
      store.one<{ ms: number }>(`SELECT sum(wall_ms) AS ms FROM llm_calls WHERE run_id = $run AND model = 'hang:1b'`, { run: faulty.result.runId }),
    );
    console.log(
      `[realistic-server] /v1 time: fault run ${(faulty.ms / 1000).toFixed(2)} s, clean ${(clean.ms / 1000).toFixed(2)} s, ` +
        `hanging model's calls ${((hangMs?.ms ?? 0) / 1000).toFixed(2)} s`,
    );
    expect(hangMs?.ms ?? 0).toBeLessThan(IDLE_S * 1000 * THRESHOLD + 600);
    expect(faulty.ms).toBeLessThan(clean.ms + IDLE_S * 1000 * THRESHOLD + 5_000);
    const completions = fake.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    expect(completions.length).toBeGreaterThanOrEqual(90);
    for (const r of completions) {
      expect((r.body as { response_format?: unknown }).response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'boolean_queries', schema: { type: 'object' } } });
    }
    expect(fake.requests.some((r) => r.path.startsWith('/v1/v1'))).toBe(false);
  }, 120_000);

  it.skipIf(!sharedPresent)('against a server too old for schemas (0.4.7) it asks for JSON mode, and the tolerant reader keeps the sloppy model usable', async () => {
    const old = await startFakeOllama({ respond: personaResponder(PERSONAS), version: '0.4.7', models: GOOD.map((m) => model(m, m === 'qwen3:4b')) });
    try {
      const { result, ms } = await timedRun(writeSuite('old-server', GOOD, `{hosts: [${JSON.stringify(old.url)}], ${LIMITS}}`), 'old.duckdb');
      report('Ollama 0.4.7 (format "json")', result, ms);
      expectGoodModels(result);
      for (const r of old.requests.filter((x) => x.path === '/api/generate')) expect((r.body as { format?: unknown }).format).toBe('json');
      const sloppy = gen(result, 'llm:mistral:7b');
      expect(sloppy.strictRate).toBeLessThan(0.8);
      const variants = Object.keys(sloppy.answerReads).filter((k) => k.startsWith('variant:'));
      expect(variants.length).toBeGreaterThanOrEqual(4);
      await withStore({ dbPath: path.join(dir, 'old.duckdb') }, async (store) => {
        const formats = await store.all<{ format_used: string }>(`SELECT DISTINCT format_used FROM llm_calls WHERE run_id = $run`, { run: result.runId });
        expect(formats.map((f) => f.format_used)).toEqual(['json']);
      });
    } finally {
      await old.close();
    }
  }, 120_000);
});
