/**
 * Each suite entry is one generator row: two entries with the same generator id (two dense
 * entries of one model, two RAG entries of one model with different retrievers, ...) are refused
 * when the suite is loaded, with the config loader's error (file, line, field path) and exit 3;
 * and the ids the suite gives its entries are those the engine's generators carry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddingClient } from '../../lib/embeddings/embedding-client';
import { LlmClient } from '../../lib/llm/llm-client';
import { loadPromptTemplate } from '../../lib/querygen/prompt-template';
import { buildGenerators } from '../../lib/runs/engine/generators';
import { parseSuite, suiteGeneratorId } from '../../lib/suites/suite';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const base = `name: s\ndataset: sample\ngenerators:\n`;
const dir = tempDir();
afterAll(() => removeDir(dir));

describe('generator ids in a suite', () => {
  it('refuses two dense entries of one model at the second entry, naming the file, line and field', () => {
    const text = `${base}  - type: bm25\n  - type: dense\n    model: m\n  - type: dense\n    model: m\n    batch_size: 8\n`;
    expect(() => parseSuite(text, 's.yaml')).toThrow(/^s\.yaml:7: generators\.2: generator id 'dense:m' is also generators\.1's/);
  });

  it('refuses two RAG entries of one model, even with different retrievers; every repeated id is reported', () => {
    const text =
      `${base}  - type: rag\n    model: llama3.2:3b\n  - type: rag\n    model: llama3.2:3b\n    retriever: {type: dense, model: e}\n` +
      `  - type: bm25\n  - type: bm25\n`;
    let message = '';
    try {
      parseSuite(text, 's.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^s\.yaml: invalid suite \(2 problems\):/);
    expect(message).toMatch(/s\.yaml:6: generators\.1: generator id 'rag:llama3\.2:3b'/);
    expect(message).toMatch(/s\.yaml:10: generators\.3: generator id 'bm25'/);
  });

  it('accepts one model as dense, hybrid, llm and rag: four ids', () => {
    const text = `${base}  - {type: dense, model: m}\n  - {type: hybrid, model: m}\n  - {type: llm, model: m}\n  - {type: rag, model: m}\n`;
    expect(parseSuite(text, 's.yaml').generators.map(suiteGeneratorId)).toEqual(['dense:m', 'hybrid:m', 'llm:m', 'rag:m']);
  });

  it('gives each entry the id its generator carries in the engine', () => {
    const suite = parseSuite(
      `${base}  - type: question-or\n  - type: tfidf-keywords\n  - {type: llm, model: a}\n  - type: bm25\n  - {type: dense, model: e}\n` +
        `  - {type: hybrid, model: e}\n  - {type: rag, model: a}\n  - {type: rag, model: b, retriever: {type: hybrid, model: e}}\n`,
      's.yaml',
    );
    const hosts = [{ url: 'http://127.0.0.1:9', provider: 'ollama' as const, concurrency: 1 }];
    const built = buildGenerators(
      suite,
      new LlmClient({ hosts, useCache: false }),
      { questions: [], qrels: new Map(), stats: { docCount: 1, docFreq: new Map() }, analyzerSettings: { stem: true, stopwords: true } },
      { available: ['a', 'b', 'e'], template: loadPromptTemplate(suite.prompt) },
      () => Promise.reject(new Error('no search in this test')),
      { client: new EmbeddingClient({ hosts }) },
    );
    expect(built.generators.map((g) => g.id)).toEqual(suite.generators.map(suiteGeneratorId));
  });

  it('`benchlab run` exits 3 with the error and no stack', async () => {
    const file = path.join(dir, 'twice.yaml');
    fs.writeFileSync(file, `${base}  - type: rag\n    model: llama3.2:3b\n  - type: rag\n    model: llama3.2:3b\n    k: 3\n`);
    const result = await runCli(['run', '--suite', file], { BENCHLAB_DB: path.join(dir, 'x.duckdb'), OLLAMA_HOST: 'http://127.0.0.1:9' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:6: generators.1: generator id 'rag:llama3.2:3b' is also generators.0's`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
