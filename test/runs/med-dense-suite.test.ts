/**
 * Issue 16's end-to-end check: the shipped suite data/suites/med-dense.yaml (MED from
 * ../shared: 1,033 MEDLINE abstracts, 30 queries) with bm25, dense and hybrid runs through the
 * benchmark engine against the Ollama-compatible test server, twice, in a temp database: each
 * strategy is a generator row with nDCG@10, document embeddings go to /api/embed in batches of
 * the suite's default size (64), and the second run embeds only the 30 questions (the 1,000-odd
 * document chunks are reused by content hash). Prints each strategy's nDCG@10 and the embedding
 * pass's time. The test server's vectors are a hashed bag of stems, not a neural model: the
 * figures rate the pipeline, not nomic-embed-text.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
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

const inputsOf = (from: number) =>
  fake.requests
    .slice(from)
    .filter((r) => r.path === '/api/embed')
    .map((r) => (r.body as { input: string[] }).input);

describe('the MED dense suite', () => {
  it.skipIf(!sharedPresent)(`runs bm25, dense and hybrid end to end; a second run reuses every document embedding${SKIP_SHARED_REASON}`, { timeout: 300_000 }, async () => {
    const hosts = [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
    const dbPath = path.join(dir, 'med.duckdb');
    const started = performance.now();
    const first = await runBench({ suite: 'med-dense', dbPath, hosts });
    const firstMs = performance.now() - started;
    expect(first.status).toBe('completed');
    const ndcg = Object.fromEntries(first.summary.generators.map((g) => [g.generator, g.ndcg10]));
    expect(Object.keys(ndcg).sort()).toEqual(['bm25', 'dense:nomic-embed-text', 'hybrid:nomic-embed-text']);
    for (const g of first.summary.generators) {
      expect(g.items).toBe(30);
      expect(g.ndcg10).toBeGreaterThan(0.4);
    }
    const batches = inputsOf(0);
    const documentInputs = batches.flat().length - 30;
    expect(documentInputs).toBeGreaterThan(1000);
    expect(Math.max(...batches.map((b) => b.length))).toBe(64);
    expect(fake.requests.some((r) => r.path === '/api/embeddings')).toBe(false);

    const before = fake.requests.length;
    const second = await runBench({ suite: 'med-dense', dbPath, hosts });
    expect(second.status).toBe('completed');
    expect(inputsOf(before).flat().length).toBe(30);
    for (const g of second.summary.generators) expect(g.ndcg10).toBeCloseTo(ndcg[g.generator] ?? -1, 12);
    process.stdout.write(
      `MED nDCG@10: ${Object.entries(ndcg).map(([g, v]) => `${g} ${(v ?? 0).toFixed(4)}`).join(', ')}; ` +
        `first run ${(firstMs / 1000).toFixed(1)} s for ${documentInputs} document chunks in ${batches.length - 1} requests\n`,
    );
  });
});
