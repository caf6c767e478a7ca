import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../lib/llm/llm-client';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai-server';
import { startFakeOllama } from '../support/fake-ollama/server';
import type { FakeOllama } from '../support/fake-ollama/types';
import { hostsFromSettings } from '../../lib/llm/hosts';

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

/**
 * Ollama's own OpenAI-compatible API (/v1), served by the fake Ollama: SSE chunks ending in
 * `data: [DONE]`, reasoning in `delta.reasoning`, errors as `{"error": {"message", "type"}}`.
 */
describe('OpenAI-compatible provider against Ollama\'s /v1', () => {
  let ollama: FakeOllama;
  beforeAll(async () => {
    ollama = await startFakeOllama({
      respond: (req) => (req.model === 'qwen3:4b' ? { thinking: 'pondering {"queries": ["decoy"]}', content: '{"queries": ["real"]}' } : '{"queries": ["a AND b"]}'),
    });
  });
  afterAll(async () => ollama.close());

  const schema = { name: 'boolean_queries', schema: { type: 'object', properties: { queries: { type: 'array', items: { type: 'string' } } }, required: ['queries'] } };
  const openai = (base: string, apiKey?: string) =>
    new LlmClient({ hosts: [{ url: base, provider: 'openai', concurrency: 1, ...(apiKey ? { apiKey } : {}) }], retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, deadline: { totalMs: 5_000, idleMs: 1_000 } });

  it.each([['without', ''], ['with', '/v1'], ['with a trailing slash after', '/v1/']])('takes a base URL %s /v1', async (_label, suffix) => {
    const before = ollama.requests.length;
    const call = await openai(`${ollama.url}${suffix}`).generate({ model: 'llama3.2:3b', prompt: 'x', format: schema });
    expect(call.error).toBeUndefined();
    expect(call.text).toBe('{"queries": ["a AND b"]}');
    const paths = ollama.requests.slice(before).map((r) => r.path);
    expect(paths).toEqual(['/v1/models', '/v1/chat/completions']);
  });

  it('sends the schema as response_format json_schema and records it', async () => {
    const call = await openai(`${ollama.url}/v1`).generate({ model: 'llama3.2:3b', prompt: 'schema', format: schema });
    expect(call.formatUsed).toBe('schema');
    const body = ollama.requests.at(-1)?.body as { response_format?: unknown };
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: schema });
  });

  it('keeps reasoning apart from the answer; think false goes as reasoning_effort "none"', async () => {
    const call = await openai(`${ollama.url}/v1`).generate({ model: 'qwen3:4b', prompt: 'think' });
    expect(call.text).toBe('{"queries": ["real"]}');
    expect(call.thinking).toContain('decoy');
    const off = await openai(`${ollama.url}/v1`).generate({ model: 'qwen3:4b', prompt: 'no', think: false });
    expect((ollama.requests.at(-1)?.body as { reasoning_effort?: unknown }).reasoning_effort).toBe('none');
    expect(off.thinking).toBe('');
  });

  it('reads an error event inside the SSE stream as a stream error', async () => {
    ollama.inject({ kind: 'error-in-stream', match: { path: '/v1/chat/completions' } });
    const call = await openai(`${ollama.url}/v1`).generate({ model: 'llama3.2:3b', prompt: 'eof' });
    expect(call.error?.kind).toBe('stream-error');
    expect(call.error?.message).toMatch(/unexpected EOF/);
  });

  it('sends the API key only as a Bearer token, and no Authorization header without one', async () => {
    const secret = 'sk-test-abc123-never-store-me';
    const call = await openai(`${ollama.url}/v1`, secret).generate({ model: 'llama3.2:3b', prompt: 'auth' });
    expect(call.error).toBeUndefined();
    expect(ollama.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${secret}`);
    expect(JSON.stringify(call)).not.toContain(secret);
    ollama.inject({ kind: 'http-500', match: { path: '/v1/chat/completions' } });
    const failed = await openai(`${ollama.url}/v1`, secret).generate({ model: 'llama3.2:3b', prompt: 'auth fail' });
    expect(failed.error?.kind).toBe('server');
    expect(JSON.stringify({ ...failed, error: failed.error?.message })).not.toContain(secret);
    await openai(`${ollama.url}/v1`).generate({ model: 'llama3.2:3b', prompt: 'no key' });
    expect(ollama.requests.at(-1)?.headers['authorization']).toBeUndefined();
  });
});

describe('the API key of an llm: block', () => {
  it('comes from the environment variable the block names (default OPENAI_API_KEY)', () => {
    const env = { OPENAI_API_KEY: 'default-key', TEAM_KEY: 'team-key' };
    expect(hostsFromSettings({ provider: 'openai', hosts: ['http://gpu-box:8000/v1'] }, env)[0]).toMatchObject({ url: 'http://gpu-box:8000/v1', apiKey: 'default-key' });
    expect(hostsFromSettings({ provider: 'openai', hosts: ['http://gpu-box:8000'], api_key_env: 'TEAM_KEY' }, env)[0]?.apiKey).toBe('team-key');
    expect(hostsFromSettings({ provider: 'openai', hosts: ['http://gpu-box:8000'], api_key_env: 'MISSING' }, env)[0]?.apiKey).toBeUndefined();
    expect(hostsFromSettings({ provider: 'ollama', hosts: ['http://gpu-box'] }, env)[0]).toEqual({ url: 'http://gpu-box:11434', provider: 'ollama', concurrency: 1 });
  });
});
