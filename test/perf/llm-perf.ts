/**
 * LLM-layer benchmarks for `npm run perf`, against the Ollama-compatible test server started in
 * this process (so the figures measure Benchlab, not a model):
 * - harness overhead: LlmClient.generate (deadlines, retries, breaker, validation, cache key)
 *   versus a direct `ollama` client call for the same request, interleaved; median added ms;
 * - a cached model validation, and a response-cache hit;
 * - a benchmark run of 1,000 cached items end to end, against a run of the same suite made
 *   before to fill the cache.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ollama } from 'ollama';
import { startFakeOllama } from '../support/fake-ollama/server';
import { queryResponder } from '../support/query-responder';
import { LlmClient } from '../../lib/llm/llm-client';
import { ResponseCache } from '../../lib/llm/response-cache';
import { runBench } from '../../lib/runs/bench-run';
import { median } from '../../lib/stats/descriptive';

export const OVERHEAD_CALLS = 300;
export const VALIDATIONS = 100_000;
export const CACHE_HITS = 10_000;
export const CACHED_RUN_REPEATS = 32; // 32 repeats x 32 questions of the sample = 1,024 items

export interface LlmPerf {
  directMedianMs: number;
  harnessMedianMs: number;
  addedMedianMs: number;
  ratio: number;
  validationMs: number;
  cacheHitMs: number;
  cachedRun: { items: number; fillMs: number; cachedMs: number };
}

export async function measureLlm(): Promise<LlmPerf> {
  const fake = await startFakeOllama({ respond: queryResponder });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-llm-perf-'));
  try {
    const hosts = [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
    const client = new LlmClient({ hosts, useCache: false });
    const direct = new Ollama({ host: fake.url });
    const request = { model: 'llama3.2:3b', prompt: 'Research question:\n\nDoes metformin reduce gestational diabetes?\n' };
    await client.generate(request); // warm both paths (model load, connections)
    for await (const _ of await direct.generate({ ...request, stream: true })) void _;
    const directMs: number[] = [];
    const harnessMs: number[] = [];
    for (let i = 0; i < OVERHEAD_CALLS; i++) {
      let t = performance.now();
      for await (const _ of await direct.generate({ ...request, stream: true })) void _;
      directMs.push(performance.now() - t);
      t = performance.now();
      const call = await client.generate(request);
      harnessMs.push(performance.now() - t);
      if (call.error) throw call.error;
    }

    let t = performance.now();
    for (let i = 0; i < VALIDATIONS; i++) await client.validateModel('llama3.2:3b');
    const validationMs = (performance.now() - t) / VALIDATIONS;

    const cached = new LlmClient({ hosts, cache: new ResponseCache() });
    await cached.generate(request);
    t = performance.now();
    for (let i = 0; i < CACHE_HITS; i++) {
      const hit = await cached.generate(request);
      if (!hit.cacheHit) throw new Error('expected a cache hit');
    }
    const cacheHitMs = (performance.now() - t) / CACHE_HITS;

    const suite = path.join(dir, 'cached.yaml');
    fs.writeFileSync(
      suite,
      `name: cached\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: llm\n    model: llama3.2:3b\nrepeats: ${CACHED_RUN_REPEATS}\nmulti_model: false\n`,
    );
    const dbPath = path.join(dir, 'perf.duckdb');
    t = performance.now();
    await runBench({ suite, dbPath, hosts });
    const fillMs = performance.now() - t;
    t = performance.now();
    const second = await runBench({ suite, dbPath, hosts });
    const cachedMs = performance.now() - t;
    const items = second.summary.generators.reduce((sum, g) => sum + g.items, 0);
    const hits = second.summary.generators.reduce((sum, g) => sum + g.cacheHits, 0);
    if (hits !== items) throw new Error(`expected every item of the second run cached, got ${hits}/${items}`);

    const directMedianMs = median(directMs);
    const harnessMedianMs = median(harnessMs);
    return {
      directMedianMs,
      harnessMedianMs,
      addedMedianMs: harnessMedianMs - directMedianMs,
      ratio: harnessMedianMs / directMedianMs,
      validationMs,
      cacheHitMs,
      cachedRun: { items, fillMs, cachedMs },
    };
  } finally {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
