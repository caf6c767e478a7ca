import { describe, expect, it } from 'vitest';
import { hostsFromSettings, normalizeHostUrl, ollamaHostsFromEnv } from '../../lib/llm/hosts';

describe('LLM hosts', () => {
  it('reads OLLAMA_HOST the way Ollama does: bare host, host:port, full URL, several hosts', () => {
    expect(normalizeHostUrl('gpu-box')).toBe('http://gpu-box:11434');
    expect(normalizeHostUrl('0.0.0.0:11500')).toBe('http://127.0.0.1:11500');
    expect(normalizeHostUrl('https://llm.example.org/')).toBe('https://llm.example.org');
    expect(ollamaHostsFromEnv({}).map((h) => h.url)).toEqual(['http://127.0.0.1:11434']);
    expect(ollamaHostsFromEnv({ OLLAMA_HOST: 'a:1, b' }).map((h) => h.url)).toEqual(['http://a:1', 'http://b:11434']);
    expect(() => normalizeHostUrl('  ')).toThrow(/empty LLM host/);
  });

  it("takes a suite's llm block over OLLAMA_HOST, keeping its provider and concurrency", () => {
    expect(hostsFromSettings({ provider: 'openai', hosts: ['http://lm:1234'], concurrency: 4 })).toEqual([
      { url: 'http://lm:1234', provider: 'openai', concurrency: 4 },
    ]);
    expect(hostsFromSettings({ provider: 'openai' }, { OLLAMA_HOST: 'x:9' })).toEqual([{ url: 'http://x:9', provider: 'openai', concurrency: 1 }]);
    expect(hostsFromSettings(undefined, {})).toEqual([{ url: 'http://127.0.0.1:11434', provider: 'ollama', concurrency: 1 }]);
  });
});
