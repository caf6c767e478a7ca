/**
 * A RAG suite end to end: the built-in sample collection, BM25 passages, an Ollama-compatible
 * server answering with citations as small models do (test/support/rag-responder.ts names the
 * real behaviour each answer shape reproduces), scored, stored, summarized and gated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { HALLUCINATED_ID, ragOrQueryResponder } from '../support/rag-responder';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

let fake: FakeOllama;
let dir: string;
beforeAll(async () => {
  fake = await startFakeOllama({ respond: ragOrQueryResponder });
  dir = tempDir();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

const db = () => path.join(dir, 'rag.duckdb');
const hosts = () => [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
const SUITE = path.join(__dirname, '../../data/suites/sample-rag.yaml');

function suiteFile(name: string, expectations: string): string {
  const file = path.join(dir, name);
  const body = fs.readFileSync(SUITE, 'utf8').replace(/expectations:[\s\S]*$/, `expectations:\n${expectations}`);
  fs.writeFileSync(file, body);
  return file;
}

describe('a RAG suite on the sample collection', () => {
  it('answers every question from its BM25 passages and scores the citations against the judgments', async () => {
    const result = await runBench({ suite: SUITE, dbPath: db(), useCache: false, hosts: hosts(), gpu: { env: { PATH: '' } } });
    expect(result.status).toBe('completed');
    const rag = result.summary.rag.find((g) => g.generator === 'rag:llama3.2:3b');
    expect(rag).toBeDefined();
    if (!rag) return;
    expect(rag).toMatchObject({ retriever: 'bm25', k: 5 });
    const row = result.summary.generators.find((g) => g.generator === 'rag:llama3.2:3b');
    expect(row?.items).toBe(32);
    expect(row?.errors).toBe(0);
    // The context's own quality is scored like any ranking (nDCG@10 of the 5 passages).
    expect(row?.ndcg10).toBeGreaterThan(0.3);
    expect(rag.citationPrecision.mean).toBeGreaterThan(0.5);
    expect(rag.citationPrecision.low).not.toBeNull();
    expect(rag.citationRecall.mean).toBeGreaterThan(0.2);
    expect(rag.hallucinatedCitations).toBeGreaterThan(0);
    expect(rag.hallucinationRate).toBeLessThan(0.2);
    expect(rag.latency.retrieval.p50).toBeGreaterThan(0);
    expect(rag.latency.generation.p95).toBeGreaterThan(0);
    expect(rag.latency.load.n).toBe(32);
    const f = (v: number | null) => (v === null ? '-' : v.toFixed(3));
    process.stdout.write(
      `sample-rag (bm25, k 5, 32 questions): citation precision ${f(rag.citationPrecision.mean)} [${f(rag.citationPrecision.low)}, ${f(rag.citationPrecision.high)}], ` +
        `recall ${f(rag.citationRecall.mean)} [${f(rag.citationRecall.low)}, ${f(rag.citationRecall.high)}], ` +
        `${rag.hallucinatedCitations} of ${rag.citations} citations hallucinated, retrieval p50/p95 ${rag.latency.retrieval.p50?.toFixed(0)}/${rag.latency.retrieval.p95?.toFixed(0)} ms\n`,
    );
    // The suite's own expectations hold for this server's answers.
    expect(result.expectationFailures).toEqual([]);

    await withStore({ dbPath: db() }, async (store) => {
      const answers = await store.all<{ n: bigint; hallucinated: bigint; markers: bigint }>(
        `SELECT count(*) AS n,
           count(*) FILTER (WHERE list_contains(citations::VARCHAR[], $bad)) AS hallucinated,
           count(*) FILTER (WHERE json_contains(citation_reads, '{"how": "index"}')) AS markers
         FROM rag_answers WHERE run_id = $run`,
        { run: result.runId, bad: HALLUCINATED_ID },
      );
      expect(Number(answers[0]?.n)).toBe(32);
      expect(Number(answers[0]?.hallucinated)).toBeGreaterThan(0);
      expect(Number(answers[0]?.markers)).toBeGreaterThan(0);
      const reads = await store.all<{ answer_read: string }>(`SELECT DISTINCT answer_read FROM run_items WHERE run_id = $run AND generator LIKE 'rag:%'`, { run: result.runId });
      expect(reads.map((r) => r.answer_read)).toEqual(['strict']);
    });
  });

  it('measures a response-cache hit apart, and a second run answers from the cache', async () => {
    const first = await runBench({ suite: SUITE, dbPath: db(), useCache: true, hosts: hosts(), gpu: { env: { PATH: '' } } });
    const calls = fake.requests.length;
    const second = await runBench({ suite: SUITE, dbPath: db(), useCache: true, hosts: hosts(), gpu: { env: { PATH: '' } } });
    expect(first.status).toBe('completed');
    expect(fake.requests.filter((r) => r.path === '/api/generate').length).toBe(fake.requests.slice(0, calls).filter((r) => r.path === '/api/generate').length);
    const rag = second.summary.rag[0];
    expect(rag?.latency.cacheHit.n).toBe(32);
    expect(rag?.latency.cacheHit.p95).toBeLessThan(50);
    process.stdout.write(`sample-rag second run: ${rag?.latency.cacheHit.n} cache hits, cache-hit p50/p95 ${rag?.latency.cacheHit.p50?.toFixed(2)}/${rag?.latency.cacheHit.p95?.toFixed(2)} ms\n`);
    expect(rag?.latency.fresh).toBe(0);
    // the same answers, so the same citation scores
    expect(rag?.citationPrecision.mean).toBeCloseTo(first.summary.rag[0]?.citationPrecision.mean ?? -1, 10);
  });

  it('exits 5 when a RAG expectation fails, naming the generator, the value and the limit', async () => {
    const strict = suiteFile('strict-rag.yaml', '  min_citation_precision: 0.99\n  max_hallucinated_citations: 0\n');
    const result = await runCli(['run', '--suite', strict], { OLLAMA_HOST: fake.url, BENCHLAB_DB: db() });
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/EXPECTATION FAILED: rag:llama3\.2:3b: citation precision 0\.\d{4} is below the minimum 0\.99/);
    expect(result.stdout).toMatch(/EXPECTATION FAILED: rag:llama3\.2:3b: \d+ of \d+ citations \(\d+\.\d%\) are not in the context, above the maximum 0\.0%/);
  });

  it('keeps a failed call as an error item with its context stored and no citation values', async () => {
    const file = path.join(dir, 'fail.yaml');
    fs.writeFileSync(file, `name: fail\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n  - type: rag\n    model: llama3.2:3b\nmax_questions: 3\ngpu_sampling: false\n`);
    // Ollama's answer when the runner crashes (see the fake's README): the item's only call fails.
    fake.inject({ kind: 'http-500', times: Number.POSITIVE_INFINITY, match: { path: '/api/generate', promptIncludes: 'Question: Does metformin' } });
    try {
      const result = await runBench({ suite: file, dbPath: db(), useCache: false, hosts: hosts(), llm: { retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } } });
      const row = result.summary.generators[0];
      expect(row).toMatchObject({ generator: 'rag:llama3.2:3b', items: 3, errors: 1 });
      expect(row?.errorsByKind.server).toBe(1);
      await withStore({ dbPath: db() }, async (store) => {
        const failed = await store.one<{ context_ids: string; answer: string | null; n: bigint }>(
          `SELECT a.context_ids, a.answer, (SELECT count(*) FROM item_metrics m WHERE m.run_id = a.run_id AND m.item_key = a.item_key AND m.measure LIKE 'citation%') AS n
           FROM rag_answers a WHERE a.run_id = $run AND a.query_id = 'q01'`,
          { run: result.runId },
        );
        expect(JSON.parse(failed?.context_ids ?? '[]')).toHaveLength(5);
        expect(failed?.answer).toBeNull();
        expect(Number(failed?.n)).toBe(0);
      });
    } finally {
      fake.clearFaults();
    }
  });
});
