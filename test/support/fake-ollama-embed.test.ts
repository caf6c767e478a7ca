/**
 * The fake's /api/embed and /v1/embeddings, through the real `ollama` client (and fetch for
 * /v1) over real HTTP. Each case names the Ollama behaviour it reproduces: server/routes.go
 * EmbedHandler (v0.12.0 and main), api/types.go EmbedRequest/EmbedResponse, middleware/openai.go
 * EmbeddingsMiddleware, openai/openai.go ToEmbeddingList, llm/llama_server.go (0.30+).
 */
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';

import { ERRORS, startFakeOllama, type FakeOllama, type FakeOllamaConfig } from './fake-ollama/server';

let fake: FakeOllama;
let ollama: Ollama;

async function start(config?: FakeOllamaConfig): Promise<void> {
  fake = await startFakeOllama(config);
  ollama = new Ollama({ host: fake.url });
}

afterEach(async () => {
  await fake.close();
});

async function rejection(p: Promise<unknown>): Promise<Error & { status_code?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { status_code?: number };
  }
  throw new Error('expected a rejection');
}

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('POST /api/embed', () => {
  it('embeds a list of inputs into unit vectors of the model length, with Ollama timings (EmbedResponse)', async () => {
    await start();
    const r = await ollama.embed({ model: 'nomic-embed-text', input: ['heart attack risk', 'myocardial infarction in the heart', 'tax law'] });
    expect(r.model).toBe('nomic-embed-text');
    expect(r.embeddings).toHaveLength(3);
    for (const v of r.embeddings) {
      expect(v).toHaveLength(768);
      expect(norm(v)).toBeCloseTo(1, 5); // normalize() in routes.go
    }
    expect(r.prompt_eval_count).toBe(3 + 5 + 2);
    expect(r.total_duration).toBeGreaterThan(r.load_duration);
    // Vectors carry meaning: texts sharing (stemmed) words are closer than unrelated ones.
    const [a, b, c] = r.embeddings as [number[], number[], number[]];
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it('is deterministic, and a string input is one embedding', async () => {
    await start();
    const one = await ollama.embed({ model: 'all-minilm:22m', input: 'Blood pressure' });
    const two = await ollama.embed({ model: 'all-minilm:22m', input: ['blood pressures'] });
    expect(one.embeddings).toHaveLength(1);
    expect(one.embeddings[0]).toHaveLength(384);
    expect(one.embeddings[0]).toEqual(two.embeddings[0]); // stemmed, lowercased
  });

  it('cuts to `dimensions` and normalizes again (routes.go: normalize(embedding[:req.Dimensions]))', async () => {
    await start();
    const full = await ollama.embed({ model: 'nomic-embed-text', input: 'renal failure in children' });
    const cut = await ollama.embed({ model: 'nomic-embed-text', input: 'renal failure in children', dimensions: 256 });
    const v = cut.embeddings[0] as number[];
    expect(v).toHaveLength(256);
    expect(norm(v)).toBeCloseTo(1, 5);
    const head = (full.embeddings[0] as number[]).slice(0, 256);
    const n = norm(head);
    if (n > 0) expect(v[0]).toBeCloseTo((head[0] as number) / n, 5);
  });

  it('an empty string or empty list embeds nothing: 200 with "embeddings": []', async () => {
    await start();
    expect((await post('/api/embed', { model: 'nomic-embed-text', input: '' })).json['embeddings']).toEqual([]);
    expect((await post('/api/embed', { model: 'nomic-embed-text', input: [] })).json['embeddings']).toEqual([]);
  });

  it('input that is not a string or list of strings: 400 invalid input type', async () => {
    await start();
    expect(await post('/api/embed', { model: 'nomic-embed-text', input: [1, 2] })).toEqual({ status: 400, json: { error: 'invalid input type' } });
    expect(await post('/api/embed', { model: 'nomic-embed-text', input: 5 })).toEqual({ status: 400, json: { error: 'invalid input type' } });
  });

  it('Go type errors on the EmbedRequest fields (400)', async () => {
    await start();
    expect(await post('/api/embed', { model: 'nomic-embed-text', input: 'x', truncate: 'no' })).toEqual({
      status: 400,
      json: { error: 'json: cannot unmarshal string into Go struct field EmbedRequest.truncate of type bool' },
    });
  });

  it('unknown model: 404 model not found', async () => {
    await start();
    const e = await rejection(ollama.embed({ model: 'nope-embed', input: 'x' }));
    expect(e.status_code).toBe(404);
    expect(e.message).toBe(ERRORS.modelNotFound('nope-embed'));
  });

  it('truncate defaults to true: a too long input is cut to the context (prompt_eval_count = context length)', async () => {
    await start();
    const long = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const r = await ollama.embed({ model: 'all-minilm:22m', input: long });
    expect(r.prompt_eval_count).toBe(512);
    const cut = await ollama.embed({ model: 'all-minilm:22m', input: Array.from({ length: 512 }, (_, i) => `word${i}`).join(' ') });
    expect(r.embeddings[0]).toEqual(cut.embeddings[0]);
  });

  it('truncate: false and a too long input: 400 (text of the server version)', async () => {
    const long = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    await start();
    let e = await rejection(ollama.embed({ model: 'all-minilm:22m', input: long, truncate: false }));
    expect([e.status_code, e.message]).toEqual([400, 'input exceeds maximum context length']); // v0.12.0
    await fake.close();
    await start({ version: '0.30.1' });
    e = await rejection(ollama.embed({ model: 'all-minilm:22m', input: long, truncate: false }));
    expect([e.status_code, e.message]).toEqual([400, 'the input length exceeds the context length']); // main: api.StatusError 400
    // num_ctx lowers the context (min(opts.NumCtx, ContextLength)).
    e = await rejection(ollama.embed({ model: 'all-minilm:22m', input: 'one two three four', truncate: false, options: { num_ctx: 3 } }));
    expect(e.status_code).toBe(400);
  });

  it('a completion-only model: 501 llama-server text on 0.30+, 500 runner text before', async () => {
    await start({ version: '0.30.1' });
    let e = await rejection(ollama.embed({ model: 'llama3.2:3b', input: 'x' }));
    expect([e.status_code, e.message]).toEqual([501, 'This server does not support embeddings. Start it with `--embeddings`']);
    await fake.close();
    await start();
    e = await rejection(ollama.embed({ model: 'llama3.2:3b', input: 'x' }));
    expect([e.status_code, e.message]).toEqual([500, 'this model does not support embeddings']);
  });

  it('an embedding model cannot generate or chat: 400 "does not support generate/chat"', async () => {
    await start();
    const e = await rejection(ollama.generate({ model: 'nomic-embed-text', prompt: 'hi', stream: false }));
    expect([e.status_code, e.message]).toEqual([400, '"nomic-embed-text" does not support generate']);
  });

  it('faults apply (a 503 busy server), matched by an input text', async () => {
    await start();
    fake.inject({ kind: 'http-503', match: { path: '/api/embed', promptIncludes: 'poison' } });
    const e = await rejection(ollama.embed({ model: 'nomic-embed-text', input: ['fine', 'poison pill'] }));
    expect(e.status_code).toBe(503);
    expect((await ollama.embed({ model: 'nomic-embed-text', input: ['fine', 'poison pill'] })).embeddings).toHaveLength(2);
  });

  it('loads the model with keep_alive, as /api/ps shows', async () => {
    await start();
    await ollama.embed({ model: 'nomic-embed-text', input: 'x', keep_alive: '10m' });
    expect(fake.loadedModels()).toContain('nomic-embed-text:latest');
    await ollama.embed({ model: 'nomic-embed-text', input: 'x', keep_alive: 0 });
    expect(fake.loadedModels()).not.toContain('nomic-embed-text:latest');
  });

  it('/api/show reports the embedding capability and length', async () => {
    await start();
    const s = await ollama.show({ model: 'nomic-embed-text' });
    expect(s.capabilities).toEqual(['embedding']);
    expect((s.model_info as unknown as Record<string, unknown>)['nomic-bert.embedding_length']).toBe(768);
  });
});

describe('POST /v1/embeddings', () => {
  it('answers an EmbeddingList with usage (ToEmbeddingList)', async () => {
    await start();
    const { status, json } = await post('/v1/embeddings', { model: 'nomic-embed-text', input: ['a cat', 'a dog'] });
    expect(status).toBe(200);
    expect(json['object']).toBe('list');
    expect(json['model']).toBe('nomic-embed-text');
    const data = json['data'] as Array<{ object: string; embedding: number[]; index: number }>;
    expect(data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, 768],
      ['embedding', 1, 768],
    ]);
    expect(json['usage']).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it('encoding_format base64 is the float32 values little-endian; other formats are 400', async () => {
    await start();
    const f = await post('/v1/embeddings', { model: 'all-minilm:22m', input: 'liver', dimensions: 8 });
    const b = await post('/v1/embeddings', { model: 'all-minilm:22m', input: 'liver', dimensions: 8, encoding_format: 'base64' });
    const floats = (f.json['data'] as Array<{ embedding: number[] }>)[0]?.embedding as number[];
    const buf = Buffer.from((b.json['data'] as Array<{ embedding: string }>)[0]?.embedding as string, 'base64');
    expect(Array.from({ length: 8 }, (_, i) => buf.readFloatLE(i * 4))).toEqual(floats);
    const bad = await post('/v1/embeddings', { model: 'all-minilm:22m', input: 'liver', encoding_format: 'int8' });
    expect(bad.status).toBe(400);
    expect((bad.json['error'] as { message: string }).message).toBe("Invalid value for 'encoding_format' = int8. Supported values: ['float', 'base64'].");
  });

  it('a missing input or an empty list is 400 invalid input (OpenAI error shape)', async () => {
    await start();
    expect(await post('/v1/embeddings', { model: 'nomic-embed-text' })).toEqual({
      status: 400,
      json: { error: { message: 'invalid input', type: 'invalid_request_error', param: null, code: null } },
    });
    expect((await post('/v1/embeddings', { model: 'nomic-embed-text', input: [] })).status).toBe(400);
  });

  it('a llama.cpp server without --embeddings answers 501 not_supported_error', async () => {
    await start({ embeddingsDisabled: true });
    expect(await post('/v1/embeddings', { model: 'nomic-embed-text', input: 'x' })).toEqual({
      status: 501,
      json: { error: { code: 501, message: 'This server does not support embeddings. Start it with `--embeddings`', type: 'not_supported_error' } },
    });
  });
});
