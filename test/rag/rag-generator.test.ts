/**
 * The RAG generator behind its retriever interface: any RagRetriever (here a fixed one, standing
 * for dense or hybrid retrievers) feeds the prompt, the model (the Ollama-compatible test server
 * over real HTTP) answers, and the item carries its context, the answer as read, and the latency
 * split from the timings Ollama reports (load_duration, prompt_eval_duration, eval_duration).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../lib/llm/llm-client';
import { loadPromptTemplate } from '../../lib/querygen/prompt-template';
import { RagGenerator, ragItemOf, renderPassages } from '../../lib/rag/rag-generator';
import type { RagRetriever } from '../../lib/rag/rag-retriever';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama, RespondRequest } from '../support/fake-ollama/types';
import { ragPassages } from '../support/rag-responder';

let fake: FakeOllama;
const prompts: RespondRequest[] = [];
beforeAll(async () => {
  fake = await startFakeOllama({
    tokenDelayMs: 1,
    respond: (req) => {
      prompts.push(req);
      const ids = ragPassages(req.prompt).map((p) => p.id);
      return JSON.stringify({ answer: 'Aspirin lowers the risk [2].', citations: [ids[1], 'x-404'] });
    },
  });
});
afterAll(() => fake.close());

const passages = [
  { docId: 'a1', text: 'Aspirin and  stroke.\nA trial.', score: 9.5 },
  { docId: 'b2', text: 'Aspirin lowers the risk of a second stroke.', score: 7.25 },
];
const fixed: RagRetriever = { id: 'fixed', retrieve: async (_q, k) => passages.slice(0, k) };

describe('RagGenerator', () => {
  it('answers from the retriever\'s passages with the schema as format, and keeps the context, citations and latency split', async () => {
    const client = new LlmClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, useCache: false });
    const generator = new RagGenerator(client, 'llama3.2:3b', loadPromptTemplate('rag-answer@1'), fixed, { k: 2, options: { temperature: 0 } });
    expect(generator.id).toBe('rag:llama3.2:3b');
    const generated = await generator.generate({ id: 'q1', text: 'Does aspirin prevent a second stroke?' });
    const req = prompts.at(-1);
    expect(req?.prompt).toContain('[a1]\nAspirin and stroke. A trial.');
    expect(req?.prompt).toContain('Question: Does aspirin prevent a second stroke?');
    expect(req?.format).toMatchObject({ type: 'object', required: ['answer', 'citations'] });
    expect(generated).toMatchObject({ queries: [], answerRead: 'strict', error: undefined });
    const rag = ragItemOf(generated);
    expect(rag).toMatchObject({ retriever: 'fixed', k: 2, context: [{ docId: 'a1', score: 9.5 }, { docId: 'b2', score: 7.25 }], cacheHit: false });
    expect(rag?.read).toMatchObject({ cited: ['b2'], hallucinated: ['x-404'] });
    // The fake reports a cold load of 250 ms + size / 4 GB/s and 0.25 ms per prompt token, 1 ms per token generated.
    expect(rag?.loadMs).toBeGreaterThan(250);
    expect(rag?.promptEvalMs).toBeGreaterThan(0);
    expect(rag?.evalMs).toBeGreaterThan(0);
    expect(rag?.retrievalMs).toBeGreaterThanOrEqual(0);
    expect(generated.latencyMs).toBeGreaterThanOrEqual((rag?.retrievalMs ?? 0) + (rag?.llmMs ?? 0) - 1);
  });

  it('makes no call when the retriever finds nothing, and says so', async () => {
    const client = new LlmClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], useCache: false });
    const empty: RagRetriever = { id: 'empty', retrieve: async () => [] };
    const before = prompts.length;
    const generated = await new RagGenerator(client, 'llama3.2:3b', loadPromptTemplate('rag-answer@1'), empty, { k: 5, options: {} }).generate({ id: 'q', text: 'x' });
    expect(prompts.length).toBe(before);
    expect(generated).toMatchObject({ calls: [], error: 'the retriever found no passage for the question', errorKind: 'other' });
    expect(ragItemOf(generated)?.context).toEqual([]);
  });

  it('cuts long passages but keeps their id', () => {
    const text = renderPassages([{ docId: 'long', text: 'w '.repeat(5_000), score: 1 }]);
    expect(text.startsWith('[long]\n')).toBe(true);
    expect(text.length).toBeLessThan(2_100);
  });
});
