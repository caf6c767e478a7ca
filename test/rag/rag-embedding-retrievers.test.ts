/**
 * RAG generators whose passages come from document embeddings (`retriever: {type: dense, ...}`
 * and `{type: hybrid, ...}`), end to end on the built-in sample collection against the
 * Ollama-compatible test server: `/api/embed` (batched inputs, unit vectors, as Ollama's
 * EmbedHandler) for the documents and the questions, and the RAG responder
 * (test/support/rag-responder.ts) answering with citations as small models do. Citation precision
 * and recall are reported, the document embeddings are computed once and reused by the next run,
 * and a `dense:M` row of the same settings shares the embedding pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../lib/embeddings/dense-retriever';
import { CHUNK_GAP, passagesFromChunks } from '../../lib/rag/embedding-retrievers';
import { runBench } from '../../lib/runs/bench-run';
import { parseSuite } from '../../lib/suites/suite';
import { withStore } from '../../lib/store/store';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { isRagPrompt, ragOrQueryResponder, ragPassages } from '../support/rag-responder';
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

const hosts = () => [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];
const FAST = { retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 } };
const embedInputs = (from = 0) => fake.requests.slice(from).filter((r) => r.path === '/api/embed').flatMap((r) => (r.body as { input: string[] }).input);
const generatePrompts = (from = 0) => fake.requests.slice(from).filter((r) => r.path === '/api/generate').map((r) => (r.body as { prompt: string }).prompt);

function suiteFile(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const DENSE_SUITE = `name: sample-rag-dense
dataset: sample
import: {format: beir, paths: [data/sample]}
generators:
  - type: dense
    model: nomic-embed-text
    chunking: {max_tokens: 32, overlap_tokens: 4}
    batch_size: 16
  - type: rag
    model: llama3.2:3b
    retriever:
      type: dense
      model: nomic-embed-text
      chunking: {max_tokens: 32, overlap_tokens: 4}
      batch_size: 16
    k: 5
gpu_sampling: false
`;

describe('passages from chunks', () => {
  const chunk = (docId: string, start: number, text: string, score: number): RetrievedChunk => ({ docId, chunkIndex: start, start, end: start + text.length, text, score });

  it('gives one passage per document, where its best chunk ranks, its chunks in document order with overlaps merged', () => {
    const passages = passagesFromChunks([
      chunk('d2', 6, 'world. Second', 0.9),
      chunk('d1', 0, 'alpha beta', 0.8),
      chunk('d2', 0, 'Hello world.', 0.7),
      chunk('d2', 40, 'far away', 0.6),
    ]);
    expect(passages.map((p) => p.docId)).toEqual(['d2', 'd1']);
    expect(passages[0]).toEqual({ docId: 'd2', score: 0.9, text: `Hello world. Second${CHUNK_GAP}far away` });
    expect(passages[1]).toEqual({ docId: 'd1', score: 0.8, text: 'alpha beta' });
  });
});

describe('RAG with a dense or hybrid retriever', () => {
  it('reads dense and hybrid retrievers with the strategies\' settings and defaults; rejects a hybrid `with`', () => {
    const base = `name: s\ndataset: sample\ngenerators:\n  - type: rag\n    model: llama3.2:3b\n    retriever: `;
    expect(parseSuite(`${base}{type: dense, model: nomic-embed-text}\n`, 's.yaml').generators[0]).toMatchObject({
      retriever: { type: 'dense', model: 'nomic-embed-text', aggregate: 'max', batch_size: 64 },
    });
    expect(parseSuite(`${base}{type: hybrid, model: nomic-embed-text, fusion: combsum}\n`, 's.yaml').generators[0]).toMatchObject({
      retriever: { type: 'hybrid', model: 'nomic-embed-text', fusion: 'combsum', normalize: 'minmax', rrf_k: 60 },
    });
    expect(() => parseSuite(`${base}{type: dense, model: m, chunking: {max_tokens: 16, overlap_tokens: 16}}\n`, 's.yaml')).toThrow(/s\.yaml:6: generators\.0\.retriever\.chunking\.overlap_tokens: /);
    expect(() => parseSuite(`${base}{type: hybrid, model: m, with: llm:x}\n`, 's.yaml')).toThrow(/s\.yaml:6: generators\.0\.retriever: .*with/);
  });

  it('answers from the top k chunks, scores citations, and reuses the document embeddings on the next run', async () => {
    const db = path.join(dir, 'dense.duckdb');
    const file = suiteFile('rag-dense.yaml', DENSE_SUITE);
    const before = fake.requests.length;
    const first = await runBench({ suite: file, dbPath: db, useCache: false, hosts: hosts(), llm: FAST });
    expect(first.status).toBe('completed');
    const rag = first.summary.rag.find((g) => g.generator === 'rag:llama3.2:3b');
    expect(rag).toMatchObject({ retriever: 'dense:nomic-embed-text', k: 5 });
    const row = first.summary.generators.find((g) => g.generator === 'rag:llama3.2:3b');
    expect(row).toMatchObject({ items: 32, errors: 0 });
    expect(rag?.citationPrecision.mean).toBeGreaterThan(0.3);
    expect(rag?.citationPrecision.low).not.toBeNull();
    expect(rag?.citationRecall.mean).toBeGreaterThan(0.1);
    expect(rag?.latency.retrieval.p50).toBeGreaterThan(0);

    // The prompt shows the chunks' text under their documents' ids, each id once, at most k of them.
    const prompts = generatePrompts(before).filter(isRagPrompt);
    expect(prompts).toHaveLength(32);
    for (const prompt of prompts) {
      const ids = ragPassages(prompt).map((p) => p.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(5);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // The dense row and the RAG retriever share one embedding pass: every chunk embedded once.
    const docInputs = embedInputs(before);
    const chunksStored = await withStore({ dbPath: db }, async (store) => Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM embedding_chunks'))?.n));
    // Chunks, the 32 questions for the dense row's one search, and each RAG question once more.
    expect(docInputs.length).toBeLessThanOrEqual(chunksStored + 32 + 32);
    await withStore({ dbPath: db }, async (store) => {
      const contexts = await store.all<{ retriever: string; n: bigint }>(`SELECT retriever, count(*) AS n FROM rag_answers WHERE run_id = $run GROUP BY retriever`, { run: first.runId });
      expect(contexts.map((c) => [c.retriever, Number(c.n)])).toEqual([['dense:nomic-embed-text', 32]]);
    });

    const mark = fake.requests.length;
    const second = await runBench({ suite: file, dbPath: db, useCache: false, hosts: hosts(), llm: FAST });
    expect(second.status).toBe('completed');
    // No document chunk is embedded again: only questions (the dense row's 32 in one pass, and each RAG question).
    expect(embedInputs(mark).length).toBe(64);
    expect(second.summary.rag[0]?.citationPrecision.mean).toBeCloseTo(rag?.citationPrecision.mean ?? -1, 10);
  });

  it('a hybrid retriever answers from the fused ranking\'s top k documents, sharing the hybrid row\'s one dense search', async () => {
    const db = path.join(dir, 'hybrid.duckdb');
    const file = suiteFile(
      'rag-hybrid.yaml',
      `name: sample-rag-hybrid\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n` +
        `  - type: hybrid\n    model: all-minilm:22m\n    fusion: rrf\n` +
        `  - type: rag\n    model: llama3.2:3b\n    retriever: {type: hybrid, model: all-minilm:22m, fusion: rrf}\n    k: 3\nmax_questions: 6\ngpu_sampling: false\n`,
    );
    const before = fake.requests.length;
    const result = await runBench({ suite: file, dbPath: db, useCache: false, hosts: hosts(), llm: FAST });
    expect(result.status).toBe('completed');
    const rag = result.summary.rag[0];
    expect(rag).toMatchObject({ generator: 'rag:llama3.2:3b', retriever: 'hybrid:all-minilm:22m', k: 3 });
    expect(rag?.citationPrecision.n).toBeGreaterThan(0);
    // One embedding pass and one search of the 6 questions for both: the RAG retriever embeds nothing per question.
    const chunksStored = await withStore({ dbPath: db }, async (store) => Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM embedding_chunks'))?.n));
    expect(embedInputs(before).length).toBe(chunksStored + 6);
    await withStore({ dbPath: db }, async (store) => {
      const rows = await store.all<{ context_ids: string; retrieval_ms: number }>(`SELECT context_ids, retrieval_ms FROM rag_answers WHERE run_id = $run`, { run: result.runId });
      expect(rows).toHaveLength(6);
      for (const r of rows) {
        const context = JSON.parse(r.context_ids) as string[];
        expect(context).toHaveLength(3);
        expect(new Set(context).size).toBe(3);
        expect(r.retrieval_ms).toBeGreaterThan(0);
      }
    });
  });
});
