/**
 * Quality and latency per strategy (issue 16, item 7): a retrieval strategy's item latency is its
 * time to retrieve for the question (bm25: its share of the batch's BM25 search; dense: its share
 * of the question embedding and the one vector search; hybrid: both, and its fusion), so the run
 * summary, the expectations and the run report show a latency for every strategy beside its
 * quality; the report says what each latency measures and names the strategies' times. Against the
 * Ollama-compatible test server (/api/embed, and the RAG responder for answers with citations).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRunReport } from '../../lib/publish/publish-run-report';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { ragOrQueryResponder } from '../support/rag-responder';
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

const SUITE = `name: latency
dataset: sample
import: {format: beir, paths: [data/sample]}
generators:
  - type: question-or
  - type: bm25
  - {type: dense, model: nomic-embed-text}
  - {type: hybrid, model: nomic-embed-text}
  - {type: rag, model: llama3.2:3b}
max_questions: 8
gpu_sampling: false
`;

describe('latency per retrieval strategy', () => {
  it('stores each strategy item with its retrieval time, and the run report shows quality and latency for every strategy', async () => {
    const file = path.join(dir, 'latency.yaml');
    fs.writeFileSync(file, SUITE);
    const db = path.join(dir, 'latency.duckdb');
    const result = await runBench({ suite: file, dbPath: db, useCache: false, hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }] });
    expect(result.status).toBe('completed');
    const rows = Object.fromEntries(result.summary.generators.map((g) => [g.generator, g]));
    for (const id of ['bm25', 'dense:nomic-embed-text', 'hybrid:nomic-embed-text', 'rag:llama3.2:3b']) {
      expect(rows[id]?.ndcg10, id).not.toBeNull();
      expect(rows[id]?.latencyP50Ms, id).toBeGreaterThan(0);
      expect(rows[id]?.latencyP95Ms, id).toBeGreaterThan(0);
    }
    await withStore({ dbPath: db }, async (store) => {
      const items = await store.all<{ generator: string; query_id: string; latency_ms: number }>(
        `SELECT generator, query_id, latency_ms FROM run_items WHERE run_id = $run AND generator IN ('dense:nomic-embed-text', 'hybrid:nomic-embed-text')`,
        { run: result.runId },
      );
      const dense = new Map(items.filter((i) => i.generator.startsWith('dense')).map((i) => [i.query_id, i.latency_ms]));
      // The same dense share for both; the hybrid adds its BM25 search and its fusion.
      for (const i of items.filter((x) => x.generator.startsWith('hybrid'))) expect(i.latency_ms).toBeGreaterThan(dense.get(i.query_id) ?? Infinity);
    });

    const errors: string[] = [];
    const report = await publishRunReport(db, result.runId, (m) => errors.push(m), path.join(dir, 'reports'));
    expect(errors).toEqual([]);
    const html = fs.readFileSync(report as string, 'utf8');
    expect(html).toMatch(/Retrieval strategies by median retrieval time per question: [^<]*bm25 [\d.,]+ ms[^<]*dense:nomic-embed-text [\d.,]+ ms|Retrieval strategies by median retrieval time per question: [^<]*dense:nomic-embed-text [\d.,]+ ms[^<]*bm25/);
    expect(html).toMatch(/rag:llama3\.2:3b: median [\d.,]+ ms per answer, retrieval included/);
    const latencySection = html.slice(html.indexOf('<section id="latency">'), html.indexOf('</section>', html.indexOf('<section id="latency">')));
    for (const [id, means] of [['bm25', 'retrieve'], ['dense:nomic-embed-text', 'retrieve'], ['hybrid:nomic-embed-text', 'retrieve'], ['rag:llama3.2:3b', 'retrieve and answer'], ['baseline:question-or', 'generate the queries']] as const) {
      expect(latencySection).toMatch(new RegExp(`<td>${id.replace(/[.:]/g, '\\$&')}</td>\\s*<td>${means}</td>`));
    }
  });
});
