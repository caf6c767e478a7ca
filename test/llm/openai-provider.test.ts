import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../lib/llm/llm-client';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai-server';

let server: FakeOpenAi;
beforeAll(async () => {
  server = await startFakeOpenAi(['qwen2.5-7b-instruct'], (prompt) => `echo ${prompt}`);
});
afterAll(async () => server.close());

function client(): LlmClient {
  return new LlmClient({
    hosts: [{ url: server.url, provider: 'openai', concurrency: 1 }],
    retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
    deadline: { totalMs: 5_000, idleMs: 1_000 },
  });
}

describe('OpenAI-compatible provider', () => {
  it('streams a chat completion and reads token counts and llama.cpp timings', async () => {
    const call = await client().generate({ model: 'qwen2.5-7b-instruct', prompt: 'one two three', system: 'be brief', options: { temperature: 0, seed: 5, num_predict: 64 } });
    expect(call.error).toBeUndefined();
    expect(call.provider).toBe('openai');
    expect(call.text).toBe('echo one two three');
    expect(call.timings.promptTokens).toBe(12);
    expect(call.timings.evalTokens).toBe(4);
    expect(call.timings.evalNs).toBe(40e6);
    const sent = server.requests.find((r) => r.path === '/v1/chat/completions')?.body as Record<string, unknown>;
    expect(sent['max_tokens']).toBe(64);
    expect(sent['seed']).toBe(5);
    expect(sent['messages']).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'one two three' },
    ]);
  });

  it('rejects an option the OpenAI API has no field for instead of dropping it', async () => {
    const call = await client().generate({ model: 'qwen2.5-7b-instruct', prompt: 'x', options: { num_ctx: 4096 } });
    expect(call.error?.kind).toBe('bad-request');
    expect(call.error?.message).toMatch(/option 'num_ctx' is not supported/);
  });

  it('retries a 503 and validates model names against /v1/models', async () => {
    server.failNext(503, 'busy');
    const call = await client().generate({ model: 'qwen2.5-7b-instruct', prompt: 'again' });
    expect(call.error).toBeUndefined();
    expect(call.attempts).toBe(2);
    const unknown = await client().generate({ model: 'qwen2.5-7b', prompt: 'x' });
    expect(unknown.error?.kind).toBe('model-not-found');
    expect(unknown.error?.message).toMatch(/Did you mean 'qwen2\.5-7b-instruct'/);
  });
});
