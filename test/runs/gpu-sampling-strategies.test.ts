/**
 * GPU telemetry for runs without an `llm:` query generator: RAG answers (generation) and dense
 * or hybrid strategies (embeddings) put models to work on the GPU too, so the run samples it (the
 * nvidia-smi stand-in of test/fixtures/gpu on PATH) and marks its phases: `embed` with the
 * embedding model while the document embeddings are computed, `generate` with the RAG model over
 * its items. A run of baselines and bm25 only puts no model to work and samples nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../lib/runs/bench-run';
import { withStore } from '../../lib/store/store';
import { standIn, type StandIn } from '../gpu/support';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { ragOrQueryResponder } from '../support/rag-responder';
import { removeDir, tempDir } from '../support/temp-store';

let fake: FakeOllama;
let dir: string;
let gpu: StandIn;
beforeAll(async () => {
  fake = await startFakeOllama({ respond: ragOrQueryResponder, tokenDelayMs: 5 });
  dir = tempDir();
  gpu = standIn({
    gpus: [{
      uuid: 'GPU-2222', index: 0, name: 'NVIDIA RTX 4090', 'pci.bus_id': '00000000:01:00.0', 'memory.total': '24564 MiB', 'power.limit': '450.00 W',
      samples: Array.from({ length: 400 }, (_, i) => ({ 'utilization.gpu': `${40 + (i % 50)} %`, 'memory.used': `${3000 + i} MiB`, 'power.draw': '95.00 W', 'temperature.gpu': '55' })),
    }],
  });
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
  removeDir(gpu.dir);
});

const hosts = () => [{ url: fake.url, provider: 'ollama' as const, concurrency: 1 }];

function suiteFile(name: string, generators: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, `name: ${name}\ndataset: sample\nimport: {format: beir, paths: [data/sample]}\ngenerators:\n${generators}max_questions: 6\n`);
  return file;
}

describe('GPU sampling for RAG, dense and hybrid generators', () => {
  it('samples a run of a dense strategy and a RAG generator, with embed and generate phases', async () => {
    const file = suiteFile('gpu-rag', `  - {type: dense, model: nomic-embed-text}\n  - {type: rag, model: llama3.2:3b, retriever: {type: dense, model: nomic-embed-text}}\n`);
    const db = path.join(dir, 'rag.duckdb');
    const result = await runBench({ suite: file, dbPath: db, useCache: false, hosts: hosts(), gpu: { env: gpu.env, intervalMs: 250 } });
    expect(result.status).toBe('completed');
    expect(result.gpu?.total.samples).toBeGreaterThan(0);
    expect(result.gpu?.total.meanPowerW).toBeCloseTo(95, 6);
    await withStore({ dbPath: db }, async (store) => {
      const phases = await store.all<{ phase: string; model: string | null }>(`SELECT phase, model FROM gpu_phases WHERE run_id = $run ORDER BY started_at`, { run: result.runId });
      const marks = phases.map((p) => `${p.phase}:${p.model ?? ''}`);
      expect(marks).toContain('embed:nomic-embed-text');
      expect(marks).toContain('generate:llama3.2:3b');
      expect(marks.indexOf('embed:nomic-embed-text')).toBeLessThan(marks.indexOf('generate:llama3.2:3b'));
    });
  });

  it('samples a hybrid-only run; a run of baselines and bm25 samples nothing', async () => {
    const hybrid = await runBench({ suite: suiteFile('gpu-hybrid', `  - {type: hybrid, model: all-minilm:22m}\n`), dbPath: path.join(dir, 'hybrid.duckdb'), hosts: hosts(), gpu: { env: gpu.env, intervalMs: 250 } });
    expect(hybrid.gpu?.total.samples).toBeGreaterThan(0);
    const plain = await runBench({ suite: suiteFile('gpu-plain', `  - type: question-or\n  - type: bm25\n`), dbPath: path.join(dir, 'plain.duckdb'), hosts: hosts(), gpu: { env: gpu.env, intervalMs: 250 } });
    expect(plain.gpu).toBeNull();
  });
});
