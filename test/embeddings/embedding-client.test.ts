/**
 * The embedding client against the Ollama-compatible test server over real HTTP: batched
 * /api/embed through the official client, /v1/embeddings, retries, a failing batch split in
 * halves down to the input that fails, and errors that stop at once (a server without
 * embeddings answers 501, as llama.cpp's server does without --embeddings).
 */
import { afterEach, describe, expect, it } from 'vitest';

import { EmbeddingClient, EmbeddingUnavailableError } from '../../lib/embeddings/embedding-client';
import { startFakeOllama, type FakeOllama, type FakeOllamaConfig } from '../support/fake-ollama/server';

let fake: FakeOllama;
const FAST = { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 };

async function client(config: FakeOllamaConfig = {}, provider: 'ollama' | 'openai' = 'ollama'): Promise<EmbeddingClient> {
  fake = await startFakeOllama(config);
  return new EmbeddingClient({ hosts: [{ url: fake.url, provider, concurrency: 1 }], retry: FAST });
}

afterEach(async () => {
  await fake.close();
});

const embedRequests = () => fake.requests.filter((r) => r.path === '/api/embed' || r.path === '/v1/embeddings');

describe('EmbeddingClient', () => {
  it('sends one /api/embed request per batch with input, truncate and dimensions', async () => {
    const c = await client();
    const r = await c.embedAll(['a heart', 'a liver', 'a kidney'], { model: 'nomic-embed-text', dimensions: 64 });
    expect(r.failures).toEqual([]);
    expect(r.vectors.map((v) => v?.length)).toEqual([64, 64, 64]);
    expect(embedRequests().map((q) => q.body)).toEqual([{ model: 'nomic-embed-text', input: ['a heart', 'a liver', 'a kidney'], truncate: true, dimensions: 64 }]);
    expect(fake.requests.some((q) => q.path === '/api/embeddings')).toBe(false); // never the legacy endpoint
  });

  it('embeds through /v1/embeddings for OpenAI-compatible servers', async () => {
    const c = await client({}, 'openai');
    const r = await c.embedAll(['x ray', 'y'], { model: 'all-minilm:22m' });
    expect(r.vectors.map((v) => v?.length)).toEqual([384, 384]);
    expect(embedRequests().map((q) => q.path)).toEqual(['/v1/embeddings']);
  });

  it('retries a transient failure (503 busy)', async () => {
    const c = await client();
    fake.inject({ kind: 'http-503', match: { path: '/api/embed' } });
    const r = await c.embedAll(['one', 'two'], { model: 'nomic-embed-text' });
    expect(r.failures).toEqual([]);
    expect(embedRequests()).toHaveLength(2);
  });

  it('splits a batch that keeps failing down to the input that fails, and reports it', async () => {
    const c = await client();
    fake.inject({ kind: 'http-500', times: Number.POSITIVE_INFINITY, match: { path: '/api/embed', promptIncludes: 'poison' } });
    const texts = ['a', 'b', 'c poison', 'd', 'e'];
    const r = await c.embedAll(texts, { model: 'nomic-embed-text' });
    expect(r.failures.map((f) => [f.index, f.error.kind])).toEqual([[2, 'server']]);
    expect(r.vectors.map((v) => v !== null)).toEqual([true, true, false, true, true]);
    // Every request that succeeded held only healthy inputs; no input was embedded twice.
    const ok = embedRequests().filter((q) => q.fault === undefined).flatMap((q) => (q.body as { input: string[] }).input);
    expect(ok.sort()).toEqual(['a', 'b', 'd', 'e']);
  });

  it('a too long input with truncate: false fails alone (400 is not retried)', async () => {
    const c = await client();
    const long = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
    const r = await c.embedAll(['short', long], { model: 'all-minilm:22m', truncate: false });
    expect(r.failures.map((f) => [f.index, f.error.kind])).toEqual([[1, 'bad-request']]);
    expect(r.vectors[0]).not.toBeNull();
  });

  it('a model without embeddings stops at once: 501 from Ollama 0.30+, nothing split', async () => {
    const c = await client({ version: '0.30.1' });
    const error = await c.embedAll(['a', 'b', 'c'], { model: 'llama3.2:3b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingUnavailableError);
    expect((error as Error).message).toContain('This server does not support embeddings');
    expect(embedRequests()).toHaveLength(1);
  });

  it('a llama.cpp server without --embeddings (501 on /v1/embeddings) stops at once', async () => {
    const c = await client({ embeddingsDisabled: true }, 'openai');
    const error = await c.embedAll(['a', 'b'], { model: 'nomic-embed-text' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingUnavailableError);
    expect((error as EmbeddingUnavailableError).failure.status).toBe(501);
    expect(embedRequests()).toHaveLength(1);
  });

  it('reads the provenance: server version and model digest', async () => {
    const c = await client({ version: '0.12.3' });
    const p = await c.provenance('nomic-embed-text');
    expect(p).toMatchObject({ provider: 'ollama', host: fake.url, serverVersion: '0.12.3' });
    expect(p.modelDigest).toMatch(/^[0-9a-f]{64}$/);
  });
});
