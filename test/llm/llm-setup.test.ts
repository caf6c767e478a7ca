import { describe, expect, it } from 'vitest';
import { setUpLlm } from '../../lib/llm/llm-setup';
import { llmSchema } from '../../lib/suites/suite';
import { startFakeOllama } from '../support/fake-ollama/server';

describe('setUpLlm: one LLM setup for suites and experiments', () => {
  it("turns an llm: block into the client's hosts, API key, deadlines, attempts and breakers, and its parallelism", () => {
    const settings = llmSchema.parse({
      provider: 'openai', hosts: ['http://a:8000', 'http://b:8000'], concurrency: 2, api_key_env: 'BENCHLAB_TEST_KEY',
      timeout_s: 9, first_token_timeout_s: 4, idle_timeout_s: 0.3, attempts: 1, breaker_threshold: 2, breaker_cooldown_s: 7,
    });
    process.env['BENCHLAB_TEST_KEY'] = 'sk-test';
    try {
      const { client, hosts, parallelism } = setUpLlm(settings, { useCache: false, log: () => undefined });
      expect(hosts.map((h) => [h.url, h.provider, h.concurrency, h.apiKey])).toEqual([
        ['http://a:8000', 'openai', 2, 'sk-test'],
        ['http://b:8000', 'openai', 2, 'sk-test'],
      ]);
      expect(client.limits).toEqual({ deadline: { totalMs: 9000, firstTokenMs: 4000, idleMs: 300 }, breaker: { failureThreshold: 2, cooldownMs: 7000 }, attempts: 1 });
      expect(parallelism).toBe(4);
    } finally {
      delete process.env['BENCHLAB_TEST_KEY'];
    }
  });

  it('lets a caller override hosts and client options, and logs and keeps every retry event', async () => {
    const fake = await startFakeOllama({ respond: () => 'ok' });
    try {
      fake.inject({ kind: 'http-503', match: { path: '/api/generate' } });
      const lines: string[] = [];
      const seen: string[] = [];
      const setup = setUpLlm(llmSchema.parse({ attempts: 1 }), {
        hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }],
        llm: { retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 }, onEvent: (event) => seen.push(event.type) },
        useCache: false,
        log: (line) => lines.push(line),
      });
      const call = await setup.client.generate({ model: 'qwen2.5:7b', prompt: 'hello' });
      expect(call.error).toBeUndefined();
      expect(call.attempts).toBe(2);
      expect(setup.events).toEqual(lines);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^retry qwen2\\.5:7b@${fake.url.replace(/\./g, '\\.')} after attempt 1: `));
      expect(seen).toEqual(['retry']);
    } finally {
      await fake.close();
    }
  });
});
