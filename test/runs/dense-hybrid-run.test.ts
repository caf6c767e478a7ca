/**
 * Retrieval strategies end to end through the benchmark engine (runBench) on the built-in
 * sample collection, against the Ollama-compatible test server: bm25, dense and hybrid each get
 * a generator row with nDCG@10; document embeddings are requested in batches (/api/embed, never
 * the legacy /api/embeddings) and are not computed again on a second run; dense items have the
 * ranked measures and no set measures; a model that cannot embed stops the run with a clear
 * error before any item.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runBench } from '../../lib/runs/bench-run';
import { compareAllGenerators } from '../../lib/compare/generator-pairs';
import { compareRuns } from '../../lib/compare/compare-runs';
import { publishRunReport } from '../../lib/publish/publish-run-report';
import { withStore } from '../../lib/store/store';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { queryResponder } from '../support/query-responder';
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

const SUITE = `name: sample-dense
dataset: sample
import: {format: beir, paths: [data/sample]}
generators:
  - type: bm25
  - type: dense
    model: nomic-embed-text
    chunking: {max_tokens: 64, overlap_tokens: 8}
    batch_size: 16
  - type: hybrid
    model: nomic-embed-text
    chunking: {max_tokens: 64, overlap_tokens: 8}
    batch_size: 16
    fusion: combsum
    normalize: minmax
top_k: 100
gpu_sampling: false
`;

function suiteFile(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const embedRequests = () => fake.requests.filter((r) => r.path === '/api/embed');
const FAST = { retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 } };

describe('bm25, dense and hybrid strategies in a suite', () => {
  const db = () => path.join(dir, 'dense.duckdb');

  it('scores each strategy as a generator row; embeddings come in batches and are reused on the next run', async () => {
    const hosts = [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
    const first = await runBench({ suite: suiteFile('dense.yaml', SUITE), dbPath: db(), hosts, llm: FAST });
    expect(first.status).toBe('completed');
    const byName = Object.fromEntries(first.summary.generators.map((g) => [g.generator, g]));
    expect(Object.keys(byName).sort()).toEqual(['bm25', 'dense:nomic-embed-text', 'hybrid:nomic-embed-text']);
    for (const g of first.summary.generators) {
      expect(g.items).toBe(32);
      expect(g.ndcg10).toBeGreaterThan(0.2);
    }
    const batches = embedRequests().map((r) => (r.body as { input: string[] }).input.length);
    expect(batches.length).toBeGreaterThan(2);
    expect(Math.max(...batches)).toBeLessThanOrEqual(16);
    expect(fake.requests.some((r) => r.path === '/api/embeddings')).toBe(false);
    // One embedding pass for dense and hybrid (same settings): every document chunk once, then the questions.
    const docInputs = embedRequests().flatMap((r) => (r.body as { input: string[] }).input);
    expect(new Set(docInputs).size).toBeGreaterThan(30);

    await withStore({ dbPath: db() }, async (store) => {
      const measures = await store.all<{ measure: string }>(
        `SELECT DISTINCT measure FROM item_metrics m JOIN run_items i USING (run_id, item_key) WHERE i.run_id = $id AND i.generator = 'dense:nomic-embed-text' ORDER BY measure`,
        { id: first.runId },
      );
      const names = measures.map((m) => m.measure);
      expect(names).toContain('ndcg_cut_10');
      expect(names.some((n) => n.startsWith('set_'))).toBe(false);
    });

    const before = embedRequests().length;
    const second = await runBench({ suite: suiteFile('dense.yaml', SUITE), dbPath: db(), hosts, llm: FAST });
    expect(second.status).toBe('completed');
    // Only the 32 questions are embedded again; no document chunk.
    const again = embedRequests().slice(before).flatMap((r) => (r.body as { input: string[] }).input);
    expect(again.length).toBeLessThanOrEqual(32);
    for (const g of second.summary.generators) expect(g.ndcg10).toBeCloseTo(byName[g.generator]?.ndcg10 ?? -1, 9);

    // The run report renders a row per strategy.
    const errors: string[] = [];
    const report = await publishRunReport(db(), first.runId, (m) => errors.push(m), path.join(dir, 'reports'));
    expect(errors).toEqual([]);
    const html = fs.readFileSync(report as string, 'utf8');
    for (const id of ['bm25', 'dense:nomic-embed-text', 'hybrid:nomic-embed-text']) expect(html).toContain(id);

    // `benchlab compare`: the strategies pair up within a run, and a strategy across two runs.
    await withStore({ dbPath: db() }, async (store) => {
      const pairs = await compareAllGenerators(store, first.runId);
      expect(pairs.pairs.length).toBe(3);
      const across = await compareRuns(store, first.runId, second.runId, { generators: ['bm25', 'dense:nomic-embed-text'] });
      expect(across.comparisons.map((m) => m.metric)).toEqual(['ndcg@10', 'recall@100', 'map']);
      expect(across.comparisons.every((m) => m.nA === 32 && m.meanA !== null && m.meanB !== null)).toBe(true);
    });
  });

  it('a dense model that cannot embed stops the run before any item, naming the model', async () => {
    const suite = suiteFile('bad.yaml', SUITE.replace(/model: nomic-embed-text/g, 'model: llama3.2:3b').replace('name: sample-dense', 'name: bad'));
    const local = await startFakeOllama({ version: '0.30.1' });
    try {
      const hosts = [{ url: local.url, provider: 'ollama' as const, concurrency: 1 }];
      await expect(runBench({ suite, dbPath: path.join(dir, 'bad.duckdb'), hosts, llm: FAST })).rejects.toThrow(
        /embedding model 'llama3.2:3b' cannot embed on .*This server does not support embeddings/,
      );
    } finally {
      await local.close();
    }
  });

  it('an OpenAI-compatible server: dense runs over /v1/embeddings; a llama.cpp server without --embeddings stops the run (501)', async () => {
    const ok = await startFakeOllama();
    const disabled = await startFakeOllama({ embeddingsDisabled: true });
    try {
      const suite = suiteFile('openai.yaml', SUITE.replace('name: sample-dense', 'name: openai').replace('top_k: 100', 'top_k: 100\nmax_questions: 3\nllm: {provider: openai}'));
      const result = await runBench({ suite, dbPath: path.join(dir, 'openai.duckdb'), hosts: [{ url: ok.url, provider: 'openai', concurrency: 1 }], llm: FAST });
      expect(result.summary.generators.map((g) => g.generator).sort()).toEqual(['bm25', 'dense:nomic-embed-text', 'hybrid:nomic-embed-text']);
      expect(ok.requests.some((r) => r.path === '/v1/embeddings')).toBe(true);
      expect(ok.requests.some((r) => r.path === '/api/embed')).toBe(false);
      await expect(
        runBench({ suite, dbPath: path.join(dir, 'openai-501.duckdb'), hosts: [{ url: disabled.url, provider: 'openai', concurrency: 1 }], llm: FAST }),
      ).rejects.toThrow(/cannot embed on .*This server does not support embeddings. Start it with `--embeddings`/);
      expect(disabled.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(1); // no retry, no split
    } finally {
      await ok.close();
      await disabled.close();
    }
  });

  it('hybrid with: llm:<model> fuses the model\'s boolean queries with the dense ranking', async () => {
    const local = await startFakeOllama({ respond: queryResponder });
    try {
      const hosts = [{ url: local.url, provider: 'ollama' as const, concurrency: 1 }];
      const suite = suiteFile(
        'hybrid-llm.yaml',
        `name: hybrid-llm\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: llm\n    model: llama3.2:3b\n` +
          `  - type: hybrid\n    model: all-minilm:22m\n    with: llm:llama3.2:3b\n    fusion: combmnz\n    normalize: zscore\nmax_questions: 4\nmulti_model: false\ngpu_sampling: false\n`,
      );
      const result = await runBench({ suite, dbPath: path.join(dir, 'hybrid-llm.duckdb'), hosts, llm: FAST });
      const rows = Object.fromEntries(result.summary.generators.map((g) => [g.generator, g]));
      expect(Object.keys(rows).sort()).toEqual(['hybrid:all-minilm:22m', 'llm:llama3.2:3b']);
      expect(rows['hybrid:all-minilm:22m']?.items).toBe(4);
      expect(rows['hybrid:all-minilm:22m']?.ndcg10).toBeGreaterThan(0);
      // The hybrid item asked the model too (its answer comes from the response cache when the llm row asked first).
      expect(local.requests.some((r) => r.path === '/api/embed')).toBe(true);
    } finally {
      await local.close();
    }
  });
});
