import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmClient, type LlmEvent } from '../../lib/llm/llm-client';
import { ResponseCache } from '../../lib/llm/response-cache';
import { startFakeOllama } from '../support/fake-ollama/server';
import { closedPortUrl } from '../support/closed-port';
import type { FakeOllama } from '../support/fake-ollama/types';

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama({ respond: (req) => `answer to: ${req.prompt}` });
});
afterAll(async () => fake.close());
beforeEach(() => fake.clearFaults());

const FAST_RETRY = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
const SHORT_DEADLINE = { totalMs: 5_000, idleMs: 300 };

function client(extra: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}, events: LlmEvent[] = []): LlmClient {
  return new LlmClient({
    hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }],
    retry: FAST_RETRY,
    deadline: SHORT_DEADLINE,
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

describe('LlmClient against an Ollama-compatible server', () => {
  it("returns the text with Ollama's own nanosecond timings and the client's time to first token", async () => {
    const call = await client().generate({ model: 'llama3.2:3b', prompt: 'hello there', options: { temperature: 0, seed: 1 } });
    expect(call.error).toBeUndefined();
    expect(call.text).toBe('answer to: hello there');
    expect(call.cacheHit).toBe(false);
    expect(call.attempts).toBe(1);
    expect(call.timings.evalTokens).toBeGreaterThan(0);
    expect(call.timings.evalNs).toBeGreaterThan(0);
    expect(call.timings.totalNs).toBeGreaterThanOrEqual(call.timings.evalNs ?? 0);
    expect(call.timings.tokensPerSecond).toBeCloseTo(((call.timings.evalTokens ?? 0) * 1e9) / (call.timings.evalNs ?? 1), 6);
    expect(call.ttftMs).not.toBeNull();
    const sent = fake.requests.filter((r) => r.path === '/api/generate').at(-1);
    expect((sent?.body as { options?: unknown }).options).toEqual({ temperature: 0, seed: 1 });
  });

  it('fails fast on an unknown model, listing the available ones and the closest name', async () => {
    const call = await client().generate({ model: 'llama3.2:3', prompt: 'x' });
    expect(call.error?.kind).toBe('model-not-found');
    expect(call.error?.message).toMatch(/model 'llama3.2:3' is not available; available: .*llama3\.2:3b.*Did you mean 'llama3\.2:3b'\?/);
    expect(call.attempts).toBe(0);
  });

  it('treats an option the server rejects as an error, without retrying', async () => {
    const call = await client().generate({ model: 'llama3.2:3b', prompt: 'x', options: { num_ctx: 'big' as unknown as number } });
    expect(call.error?.kind).toBe('bad-request');
    expect(call.error?.message).toMatch(/num_ctx/);
    expect(call.attempts).toBe(1);
  });

  it.each(['http-500', 'http-503', 'connection-reset', 'error-in-stream', 'malformed-json'] as const)('retries a transient %s and succeeds', async (kind) => {
    const events: LlmEvent[] = [];
    fake.inject({ kind, match: { path: '/api/generate' } });
    const call = await client({}, events).generate({ model: 'llama3.2:3b', prompt: `retry ${kind}` });
    expect(call.error).toBeUndefined();
    expect(call.text).toBe(`answer to: retry ${kind}`);
    expect(call.attempts).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('records the error kind when a transient failure outlasts the retries', async () => {
    fake.inject({ kind: 'http-503', times: 5, match: { path: '/api/generate' } });
    const call = await client().generate({ model: 'llama3.2:3b', prompt: 'always busy' });
    expect(call.error?.kind).toBe('server');
    expect(call.error?.message).toMatch(/maximum pending requests/);
    expect(call.attempts).toBe(FAST_RETRY.attempts);
  });

  it('aborts a stream that hangs mid-answer within the idle deadline', async () => {
    fake.inject({ kind: 'hang-mid-stream', times: 5, match: { path: '/api/generate' } });
    const started = Date.now();
    const call = await client({ retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }).generate({ model: 'llama3.2:3b', prompt: 'hang' });
    expect(call.error?.kind).toBe('timeout');
    expect(call.error?.message).toMatch(/no data for 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('times out a slow first token and succeeds on retry', async () => {
    fake.inject({ kind: 'slow-first-token', delayMs: 2_000, match: { path: '/api/generate' } });
    const call = await client().generate({ model: 'llama3.2:3b', prompt: 'slow' });
    expect(call.error).toBeUndefined();
    expect(call.attempts).toBe(2);
  });

  // Ollama answers a runner crash with HTTP 500: a fault of that model, not of the server.
  it("opens the model's circuit after consecutive runner crashes, fails fast, then probes and closes; other models go on", async () => {
    const events: LlmEvent[] = [];
    const llm = client({ retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 2, cooldownMs: 200 } }, events);
    fake.inject({ kind: 'http-500', times: 2, match: { path: '/api/generate', model: 'llama3.2:3b' } });
    await llm.generate({ model: 'llama3.2:3b', prompt: 'a' });
    await llm.generate({ model: 'llama3.2:3b', prompt: 'b' });
    expect(llm.breakerStates()[`llama3.2:3b@${fake.url}`]).toBe('open');
    expect(llm.breakerStates()[fake.url]).toBe('closed');
    const before = fake.requests.length;
    const blocked = await llm.generate({ model: 'llama3.2:3b', prompt: 'c' });
    expect(blocked.error?.kind).toBe('circuit-open');
    expect(blocked.attempts).toBe(0);
    expect(fake.requests.length).toBe(before); // failed fast: nothing sent
    expect(llm.circuitWaitMs('llama3.2:3b')).toBeGreaterThan(0);
    const other = await llm.generate({ model: 'qwen2.5:7b', prompt: 'another model' });
    expect(other.error).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));
    expect(llm.circuitWaitMs('llama3.2:3b')).toBe(0);
    const probe = await llm.generate({ model: 'llama3.2:3b', prompt: 'd' });
    expect(probe.error).toBeUndefined();
    expect(llm.breakerStates()[`llama3.2:3b@${fake.url}`]).toBe('closed');
    const transitions = events.flatMap((e) => (e.type === 'breaker' ? [`${e.model ?? 'host'}:${e.to}`] : []));
    expect(transitions).toEqual(['llama3.2:3b:open', 'llama3.2:3b:half-open', 'llama3.2:3b:closed']);
  });

  it('a retry that runs into the open circuit reports the real failure, not the circuit', async () => {
    const llm = client({ retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 }, breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
    fake.inject({ kind: 'http-500', times: 5, match: { path: '/api/generate', model: 'llama3.2:3b' } });
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'crash' });
    expect(call.error?.kind).toBe('server');
    expect(call.attempts).toBe(2);
    expect(llm.failureCostMs('llama3.2:3b')).toBeGreaterThan(0);
    expect(llm.failureCostMs('qwen2.5:7b')).toBe(0);
  });

  it('answers a repeated request from the cache, flagged, without a server call', async () => {
    const cache = new ResponseCache();
    const llm = client({ cache });
    const first = await llm.generate({ model: 'llama3.2:3b', prompt: 'cache me', options: { seed: 3 } });
    const before = fake.requests.filter((r) => r.path === '/api/generate').length;
    const second = await llm.generate({ model: 'llama3.2:3b', prompt: 'cache me', options: { seed: 3 } });
    expect(second.cacheHit).toBe(true);
    expect(second.text).toBe(first.text);
    expect(fake.requests.filter((r) => r.path === '/api/generate').length).toBe(before);
    const other = await llm.generate({ model: 'llama3.2:3b', prompt: 'cache me', options: { seed: 4 } });
    expect(other.cacheHit).toBe(false);
    const bypass = await client({ cache, useCache: false }).generate({ model: 'llama3.2:3b', prompt: 'cache me', options: { seed: 3 } });
    expect(bypass.cacheHit).toBe(false);
  });

  it('validates against the cached model list without asking the server again', async () => {
    const llm = client();
    await llm.validateModel('llama3.2:3b');
    const tagsBefore = fake.requests.filter((r) => r.path === '/api/tags').length;
    for (let i = 0; i < 100; i++) await llm.validateModel('llama3.2:3b');
    await expect(llm.validateModel('mistral')).rejects.toThrow(/mistral:7b/);
    expect(fake.requests.filter((r) => r.path === '/api/tags').length).toBe(tagsBefore);
  });

  it('reports a host that is down as a connection error', async () => {
    const url = await closedPortUrl();
    const llm = new LlmClient({ hosts: [{ url, provider: 'ollama', concurrency: 1 }], retry: FAST_RETRY, deadline: SHORT_DEADLINE });
    const { errors } = await llm.listModels();
    expect(errors[0]?.kind).toBe('connection');
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'x' });
    expect(call.error?.kind).toBe('connection');
  });
});

/**
 * One test per fault of the real server, each reproducing Ollama's own behaviour (texts and
 * status codes as in its server/routes.go, llm/server.go and server/sched.go; see
 * test/support/fake-ollama/README.md), and the breaker each one counts against.
 */
describe('faults of a real Ollama server, each classified and counted against the right breaker', () => {
  const once = { retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } };

  it('HTTP 500 "model runner has unexpectedly stopped" is a server error of that model', async () => {
    const llm = client(once);
    fake.inject({ kind: 'http-500', match: { path: '/api/generate' } });
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'crash' });
    expect(call.error?.kind).toBe('server');
    expect(call.error?.message).toMatch(/model runner has unexpectedly stopped/);
    expect(call.error?.breakerScope).toBe('model');
  });

  it('HTTP 503 "server busy, please try again.  maximum pending requests exceeded" counts against the host', async () => {
    const llm = client(once);
    fake.inject({ kind: 'http-503', match: { path: '/api/generate' } });
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'busy' });
    expect(call.error?.message).toContain('server busy, please try again.  maximum pending requests exceeded');
    expect(call.error?.breakerScope).toBe('host');
  });

  it("404 \"model 'x' not found\" from generate is not retried", async () => {
    const llm = client();
    fake.inject({ kind: 'unknown-model', match: { path: '/api/generate' } });
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'gone' });
    expect(call.error?.kind).toBe('model-not-found');
    expect(call.error?.message).toBe("model 'llama3.2:3b' not found");
    expect(call.attempts).toBe(1);
  });

  it('an {"error": ...} record inside a 200 stream is a stream error of that model', async () => {
    const llm = client(once);
    fake.inject({ kind: 'error-in-stream', match: { path: '/api/generate' } });
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'eof' });
    expect(call.error?.kind).toBe('stream-error');
    expect(call.error?.message).toMatch(/unexpected EOF/);
    expect(call.error?.breakerScope).toBe('model');
  });

  it('a connection reset after the first chunk is a reset of that model, retried', async () => {
    fake.inject({ kind: 'reset-mid-stream', afterChunks: 1, match: { path: '/api/generate' } });
    const retried = await client().generate({ model: 'llama3.2:3b', prompt: 'reset once' });
    expect(retried.error).toBeUndefined();
    expect(retried.attempts).toBe(2);
    fake.inject({ kind: 'reset-mid-stream', afterChunks: 1, match: { path: '/api/generate' } });
    const failed = await client(once).generate({ model: 'llama3.2:3b', prompt: 'reset' });
    expect(failed.error?.kind).toBe('reset');
    expect(failed.error?.breakerScope).toBe('model');
  });

  it('headers and one chunk, then a stall, is cut by the idle deadline', async () => {
    fake.inject({ kind: 'hang-mid-stream', afterChunks: 1, match: { path: '/api/generate' } });
    const started = Date.now();
    const call = await client({ ...once, deadline: { totalMs: 10_000, idleMs: 200, firstTokenMs: 5_000 } }).generate({ model: 'llama3.2:3b', prompt: 'stall' });
    expect(call.error?.kind).toBe('timeout');
    expect(call.error?.message).toMatch(/no data for 200 ms mid-answer/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('no first chunk in time (a model load that never ends) is cut by the first-token deadline', async () => {
    fake.inject({ kind: 'slow-first-token', delayMs: 3_000, match: { path: '/api/generate' } });
    const call = await client({ ...once, deadline: { totalMs: 10_000, idleMs: 5_000, firstTokenMs: 200 } }).generate({ model: 'llama3.2:3b', prompt: 'load' });
    expect(call.error?.kind).toBe('timeout');
    expect(call.error?.message).toMatch(/no first token within 200 ms/);
  });

  it('a refused connection opens the host circuit, not a model one', async () => {
    const gone = await startFakeOllama();
    const llm = new LlmClient({ hosts: [{ url: gone.url, provider: 'ollama', concurrency: 1 }], retry: FAST_RETRY, breaker: { failureThreshold: 2, cooldownMs: 60_000 } });
    await llm.validateModel('llama3.2:3b'); // the model list is cached while the host was up
    await gone.close();
    const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'x' });
    expect(call.error?.kind).toBe('connection');
    expect(call.error?.breakerScope).toBe('host');
    expect(llm.breakerStates()[gone.url]).toBe('open');
    expect(llm.breakerStates()[`llama3.2:3b@${gone.url}`]).toBe('closed');
  });
});

describe('answer formats and thinking', () => {
  const schema = { name: 'boolean_queries', schema: { type: 'object', properties: { queries: { type: 'array', items: { type: 'string' } } }, required: ['queries'] } };

  it('sends the JSON Schema as Ollama\'s format and records it', async () => {
    const call = await client().generate({ model: 'llama3.2:3b', prompt: 'schema please', format: schema });
    expect(call.formatUsed).toBe('schema');
    const sent = fake.requests.filter((r) => r.path === '/api/generate').at(-1)?.body as { format?: unknown };
    expect(sent.format).toEqual(schema.schema);
  });

  it('falls back to "json" on a server older than 0.5.0 (which rejects a schema object with 400)', async () => {
    const old = await startFakeOllama({ version: '0.4.7', respond: () => '{"queries": ["a"]}' });
    try {
      const llm = new LlmClient({ hosts: [{ url: old.url, provider: 'ollama', concurrency: 1 }], retry: FAST_RETRY, deadline: SHORT_DEADLINE });
      const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'old server', format: schema });
      expect(call.error).toBeUndefined();
      expect(call.formatUsed).toBe('json');
      expect((old.requests.filter((r) => r.path === '/api/generate').at(-1)?.body as { format?: unknown }).format).toBe('json');
      expect(old.requests.filter((r) => r.path === '/api/version')).toHaveLength(1);
      await llm.generate({ model: 'llama3.2:3b', prompt: 'second call', format: schema });
      expect(old.requests.filter((r) => r.path === '/api/version')).toHaveLength(1); // asked once per host
    } finally {
      await old.close();
    }
  });

  it('keeps a thinking model\'s thinking apart from its answer, with the time it took', async () => {
    const thinker = await startFakeOllama({ respond: () => ({ thinking: 'Let me think: {"queries": ["decoy"]} is too narrow.', content: '{"queries": ["real"]}' }) });
    try {
      const llm = new LlmClient({ hosts: [{ url: thinker.url, provider: 'ollama', concurrency: 1 }], retry: FAST_RETRY, deadline: SHORT_DEADLINE });
      const call = await llm.generate({ model: 'qwen3:4b', prompt: 'think', think: true });
      expect(call.error).toBeUndefined();
      expect(call.text).toBe('{"queries": ["real"]}');
      expect(call.thinking).toContain('decoy');
      expect(call.thinkingMs).not.toBeNull();
      expect((thinker.requests.at(-1)?.body as { think?: unknown }).think).toBe(true);
      const off = await llm.generate({ model: 'qwen3:4b', prompt: 'no thinking', think: false });
      expect(off.thinking).toBe('');
      // Ollama: 400 "\"llama3.2:3b\" does not support thinking" — the request's fault, not retried.
      const unsupported = await llm.generate({ model: 'llama3.2:3b', prompt: 'think', think: 'high' });
      expect(unsupported.error?.kind).toBe('bad-request');
      expect(unsupported.error?.message).toMatch(/does not support thinking/);
      expect(unsupported.attempts).toBe(1);
    } finally {
      await thinker.close();
    }
  });

  it('moves <think> blocks a model writes into its content out of the answer', async () => {
    const inline = await startFakeOllama({ respond: () => '<think>maybe {"queries": ["decoy"]}</think>\n{"queries": ["real"]}' });
    try {
      const llm = new LlmClient({ hosts: [{ url: inline.url, provider: 'ollama', concurrency: 1 }], retry: FAST_RETRY, deadline: SHORT_DEADLINE });
      const call = await llm.generate({ model: 'llama3.2:3b', prompt: 'inline' });
      expect(call.text).toBe('{"queries": ["real"]}');
      expect(call.thinking).toBe('maybe {"queries": ["decoy"]}');
    } finally {
      await inline.close();
    }
  });
});
