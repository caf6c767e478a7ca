/**
 * The fake Ollama server, exercised through the real `ollama` client over real HTTP.
 */
import { Ollama, type GenerateResponse, type Options } from 'ollama';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { startFakeOllama, type FakeOllama, type FakeOllamaConfig, type RespondRequest } from './fake-ollama/server';

let fake: FakeOllama;
let ollama: Ollama;

async function start(config?: FakeOllamaConfig): Promise<void> {
  fake = await startFakeOllama(config);
  ollama = new Ollama({ host: fake.url });
}

afterEach(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error & { status_code?: number; error?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { status_code?: number };
  }
  throw new Error('expected a rejection');
}

/** Options with deliberately wrong values, past the client's types. */
const badOptions = (o: Record<string, unknown>): Partial<Options> => o as Partial<Options>;

const MODEL = 'llama3.2:3b';
const ANSWER = 'The quick brown fox jumps over the lazy dog.';

function expectNanosecondTimings(r: Partial<GenerateResponse>): void {
  for (const key of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration', 'prompt_eval_count', 'eval_count'] as const) {
    const v = r[key];
    expect(Number.isInteger(v), key).toBe(true);
    expect(v as number, key).toBeGreaterThan(0);
  }
  expect(r.total_duration as number).toBeGreaterThanOrEqual(
    (r.load_duration as number) + (r.prompt_eval_duration as number) + (r.eval_duration as number),
  );
}

describe('model endpoints', () => {
  beforeEach(() => start());

  it('lists the default models with Ollama details', async () => {
    const { models } = await ollama.list();
    expect(models.map((m) => m.name)).toEqual(['llama3.2:3b', 'qwen2.5:7b', 'mistral:7b']);
    const llama = models[0];
    expect(llama).toMatchObject({
      name: 'llama3.2:3b',
      model: 'llama3.2:3b',
      details: { format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
    });
    expect(llama?.size).toBeGreaterThan(1e9);
    expect(llama?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(String(llama?.modified_at)))).toBe(false);
  });

  it('shows a model, and 404s an unknown one', async () => {
    const info = await ollama.show({ model: 'qwen2.5:7b' });
    expect(info.details).toMatchObject({ family: 'qwen2', parameter_size: '7.6B', quantization_level: 'Q4_K_M' });
    const modelInfo = info.model_info as unknown as Record<string, unknown>;
    expect(modelInfo['general.architecture']).toBe('qwen2');
    expect(modelInfo['qwen2.context_length']).toBe(32768);
    expect(info.capabilities).toEqual(['completion']);
    expect(info.modelfile).toContain('FROM ');
    expect(typeof info.template).toBe('string');

    const err = await rejection(ollama.show({ model: 'nope:1b' }));
    expect(err.status_code).toBe(404);
    expect(err.message).toBe("model 'nope:1b' not found");
  });

  it('answers version and the root', async () => {
    expect(await ollama.version()).toEqual({ version: '0.12.0' });
    const res = await fetch(`${fake.url}/`);
    expect(await res.text()).toBe('Ollama is running');
  });

  it('setModels replaces the store; a loaded model shows in ps from the start', async () => {
    fake.setModels([
      { name: 'tiny:1b', family: 'llama', parameterSize: '1.2B', quantization: 'Q8_0', sizeBytes: 1_300_000_000, contextLength: 8192, loaded: true, sizeVram: 1_000_000_000 },
    ]);
    expect((await ollama.list()).models.map((m) => m.name)).toEqual(['tiny:1b']);
    const { models } = await ollama.ps();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'tiny:1b', size_vram: 1_000_000_000 });
    expect(fake.loadedModels()).toEqual(['tiny:1b']);
  });
});

describe('generate', () => {
  const respond = vi.fn((req: RespondRequest) => (req.prompt.includes('fox') ? ANSWER : 'other'));
  beforeEach(() => {
    respond.mockClear();
    return start({ respond });
  });

  it('streams NDJSON chunks that concatenate to the respond output, then a final chunk with ns timings', async () => {
    const stream = await ollama.generate({ model: MODEL, prompt: 'tell me about the fox', system: 'be brief', stream: true });
    const parts: GenerateResponse[] = [];
    for await (const part of stream) parts.push(part);

    const last = parts.at(-1) as GenerateResponse;
    const chunks = parts.slice(0, -1);
    expect(chunks.every((c) => c.done === false && c.model === MODEL)).toBe(true);
    expect(chunks.map((c) => c.response).join('')).toBe(ANSWER);
    expect(last).toMatchObject({ model: MODEL, response: '', done: true, done_reason: 'stop' });
    expectNanosecondTimings(last);
    expect(last.eval_count).toBe(chunks.length);
    expect(last.prompt_eval_count).toBe(7); // "be brief" + "tell me about the fox"
    expect(last.context.length).toBe(last.prompt_eval_count + last.eval_count);
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ model: MODEL, prompt: 'tell me about the fox', system: 'be brief' }));
  });

  it('sends application/x-ndjson by default and a single JSON object when stream is false', async () => {
    const res = await fetch(`${fake.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'fox' }) });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { done: boolean });
    expect(lines.at(-1)?.done).toBe(true);

    const single = await ollama.generate({ model: MODEL, prompt: 'fox', stream: false });
    expect(single).toMatchObject({ response: ANSWER, done: true, done_reason: 'stop' });
    expectNanosecondTimings(single);
  });

  it('loads the model: cold load_duration on the first request, warm after; ps lists it', async () => {
    expect((await ollama.ps()).models).toEqual([]);
    const first = await ollama.generate({ model: MODEL, prompt: 'fox' });
    const second = await ollama.generate({ model: MODEL, prompt: 'fox' });
    expect(first.load_duration).toBeGreaterThan(10 * second.load_duration);
    expect(first.eval_duration).toBe(second.eval_duration); // deterministic

    const { models } = await ollama.ps();
    expect(models.map((m) => m.name)).toEqual([MODEL]);
    expect(models[0]?.size_vram).toBeGreaterThan(0);
    expect(Date.parse(String(models[0]?.expires_at))).toBeGreaterThan(Date.now());
    expect(fake.loadedModels()).toEqual([MODEL]);
  });

  it('keep_alive 0 unloads after the request; an empty prompt only loads', async () => {
    await ollama.generate({ model: MODEL, prompt: 'fox', keep_alive: 0 });
    expect(fake.loadedModels()).toEqual([]);
    const load = await ollama.generate({ model: MODEL, prompt: '' });
    expect(load).toMatchObject({ done: true, done_reason: 'load', response: '' });
    expect(fake.loadedModels()).toEqual([MODEL]);
    expect(respond).not.toHaveBeenCalledWith(expect.objectContaining({ prompt: '' }));
  });

  it('applies num_predict (done_reason length) and stop sequences', async () => {
    const short = await ollama.generate({ model: MODEL, prompt: 'fox', options: { num_predict: 3 } });
    expect(short).toMatchObject({ response: 'The quick brown', done_reason: 'length', eval_count: 3 });
    const stopped = await ollama.generate({ model: MODEL, prompt: 'fox', options: { stop: [' jumps'] } });
    expect(stopped).toMatchObject({ response: 'The quick brown fox', done_reason: 'stop' });
  });

  it('rejects an unknown model with real Ollama text', async () => {
    const err = await rejection(ollama.generate({ model: 'llama9:70b', prompt: 'hi' }));
    expect(err.status_code).toBe(404);
    expect(err.message).toBe('model "llama9:70b" not found, try pulling it first');
  });

  it('rejects a wrongly typed or unknown option with an error naming it', async () => {
    const wrongType = await rejection(ollama.generate({ model: MODEL, prompt: 'fox', options: badOptions({ num_ctx: 'abc' }) }));
    expect(wrongType.status_code).toBe(400);
    expect(wrongType.message).toBe('option "num_ctx" must be of type integer');

    const hot = await rejection(ollama.generate({ model: MODEL, prompt: 'fox', options: badOptions({ temperature: 'hot' }) }));
    expect(hot.message).toContain('"temperature"');

    const unknown = await rejection(ollama.generate({ model: MODEL, prompt: 'fox', options: badOptions({ num_ctxx: 4096 }) }));
    expect(unknown.status_code).toBe(400);
    expect(unknown.message).toContain('"num_ctxx"');

    // Known options of the right type pass.
    await ollama.generate({ model: MODEL, prompt: 'fox', options: { num_ctx: 8192, temperature: 0, seed: 42, top_p: 0.9, stop: ['\n'] } });
  });

  it('reports timings from tokenDelayMs and streams chunkSize words per line', async () => {
    await fake.close();
    await start({ respond: () => ANSWER, tokenDelayMs: 2, chunkSize: 3 });
    const stream = await ollama.generate({ model: MODEL, prompt: 'x', stream: true });
    const parts: GenerateResponse[] = [];
    for await (const p of stream) parts.push(p);
    const last = parts.at(-1) as GenerateResponse;
    expect(parts.length - 1).toBe(3); // 9 words in chunks of 3
    expect(last.eval_count).toBe(9);
    expect(last.eval_duration).toBe(9 * 2_000_000);
  });
});

describe('chat', () => {
  beforeEach(() => start({ respond: (req) => `reply to ${req.prompt} (${req.messages?.length} messages, system: ${req.system ?? '-'})` }));

  it('streams message chunks and a final done chunk', async () => {
    const stream = await ollama.chat({
      model: 'mistral:7b',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello' },
      ],
      stream: true,
    });
    let text = '';
    let last: { done: boolean; done_reason: string; eval_count: number; message: { role: string } } | undefined;
    for await (const part of stream) {
      expect(part.message.role).toBe('assistant');
      text += part.message.content;
      last = part;
    }
    expect(text).toBe('reply to hello (2 messages, system: You are terse.)');
    expect(last).toMatchObject({ done: true, done_reason: 'stop' });
    expectNanosecondTimings(last as unknown as GenerateResponse);
  });

  it('answers non-streamed, and rejects an unknown model', async () => {
    const res = await ollama.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.message).toEqual({ role: 'assistant', content: 'reply to hi (1 messages, system: -)' });
    expect(res.done).toBe(true);

    const err = await rejection(ollama.chat({ model: 'ghost', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err.status_code).toBe(404);
    expect(err.message).toBe('model "ghost" not found, try pulling it first');
  });
});

describe('faults', () => {
  beforeEach(() => start({ respond: () => ANSWER }));

  async function collect(prompt = 'x'): Promise<string[]> {
    const stream = await ollama.generate({ model: MODEL, prompt, stream: true });
    const out: string[] = [];
    for await (const p of stream) if (!p.done) out.push(p.response ?? '');
    return out;
  }

  it('slow-first-token delays the first chunk, then streams normally', async () => {
    fake.inject({ kind: 'slow-first-token', delayMs: 300 });
    const t0 = Date.now();
    const stream = await ollama.generate({ model: MODEL, prompt: 'x', stream: true });
    const parts: GenerateResponse[] = [];
    let firstAt = 0;
    for await (const p of stream) {
      if (parts.length === 0) firstAt = Date.now();
      parts.push(p);
    }
    expect(firstAt - t0).toBeGreaterThanOrEqual(280);
    expect(parts.slice(0, -1).map((p) => p.response).join('')).toBe(ANSWER);
    expect(parts.at(-1)?.prompt_eval_duration).toBeGreaterThanOrEqual(300_000_000);
    expect(await collect()).toHaveLength(9); // used up
  });

  it('hang-mid-stream sends some chunks then stalls until the client aborts', async () => {
    fake.inject({ kind: 'hang-mid-stream', afterChunks: 2 });
    const stream = await ollama.generate({ model: MODEL, prompt: 'x', stream: true });
    const got: string[] = [];
    const timer = setTimeout(() => stream.abort(), 300);
    const err = await rejection(
      (async () => {
        for await (const p of stream) got.push(p.response ?? '');
      })(),
    );
    clearTimeout(timer);
    expect(err.name).toBe('AbortError');
    expect(got).toEqual(['The', ' quick']);
  });

  it('close() ends a hanging response instead of waiting for it', async () => {
    fake.inject({ kind: 'hang-mid-stream', afterChunks: 0 });
    const pending = ollama.generate({ model: MODEL, prompt: 'x', stream: false });
    pending.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await fake.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    const err = await rejection(pending);
    expect(err.message).toMatch(/fetch failed|other side closed|terminated/i);
  });

  it('http-500 and http-503 answer with Ollama error bodies', async () => {
    fake.inject({ kind: 'http-500' });
    fake.inject({ kind: 'http-503' });
    const e500 = await rejection(ollama.generate({ model: MODEL, prompt: 'x' }));
    expect(e500).toMatchObject({ status_code: 500, message: 'llama runner process has terminated: exit status 2' });
    const e503 = await rejection(ollama.generate({ model: MODEL, prompt: 'x' }));
    expect(e503).toMatchObject({ status_code: 503, message: 'server busy, please try again.  maximum pending requests exceeded' });
    expect((await ollama.generate({ model: MODEL, prompt: 'x' })).response).toBe(ANSWER);
  });

  it('connection-reset drops the socket without a response', async () => {
    fake.inject({ kind: 'connection-reset' });
    const err = await rejection(ollama.generate({ model: MODEL, prompt: 'x' }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
  });

  it('malformed-json corrupts the second line (the client skips it with a warning)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fake.inject({ kind: 'malformed-json' });
    const got = await collect();
    expect(got[0]).toBe('The');
    expect(got.join('')).toBe(ANSWER.replace(' quick', '')); // the corrupted chunk is lost
    expect(warn).toHaveBeenCalledWith('invalid json: ', expect.any(String));

    fake.inject({ kind: 'malformed-json' });
    const err = await rejection(ollama.generate({ model: MODEL, prompt: 'x', stream: false }));
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it('error-in-stream sends a couple of chunks then an error line', async () => {
    fake.inject({ kind: 'error-in-stream' });
    const got: string[] = [];
    const err = await rejection(
      (async () => {
        const stream = await ollama.generate({ model: MODEL, prompt: 'x', stream: true });
        for await (const p of stream) got.push(p.response ?? '');
      })(),
    );
    expect(err.message).toBe('an error was encountered while running the model: unexpected EOF');
    expect(got).toEqual(['The', ' quick']);

    fake.inject({ kind: 'error-in-stream' });
    const nonStream = await rejection(ollama.generate({ model: MODEL, prompt: 'x', stream: false }));
    expect(nonStream).toMatchObject({ status_code: 500, message: 'an error was encountered while running the model: unexpected EOF' });
  });

  it('unknown-model 404s a model that exists', async () => {
    fake.inject({ kind: 'unknown-model' });
    const err = await rejection(ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toMatchObject({ status_code: 404, message: `model "${MODEL}" not found, try pulling it first` });
  });

  it('matches faults by path, model and prompt, `times` times; clearFaults drops them', async () => {
    fake.inject({ kind: 'http-503', times: 2, match: { path: '/api/generate', model: 'qwen2.5:7b', promptIncludes: 'boom' } });
    await ollama.list(); // other path
    await ollama.generate({ model: MODEL, prompt: 'boom' }); // other model
    await ollama.generate({ model: 'qwen2.5:7b', prompt: 'calm' }); // other prompt
    for (let i = 0; i < 2; i++) {
      expect((await rejection(ollama.generate({ model: 'qwen2.5:7b', prompt: 'go boom' }))).status_code).toBe(503);
    }
    await ollama.generate({ model: 'qwen2.5:7b', prompt: 'go boom' }); // used up

    fake.inject({ kind: 'http-500', match: { path: '/api/tags' } });
    fake.clearFaults();
    await ollama.list();
    expect(fake.requests.filter((r) => r.fault).map((r) => r.fault)).toEqual(['http-503', 'http-503']);
  });

  it('applies to non-inference endpoints too', async () => {
    fake.inject({ kind: 'http-500', match: { path: '/api/tags' } });
    expect((await rejection(ollama.list())).status_code).toBe(500);
    expect((await ollama.list()).models).toHaveLength(3);
  });
});

describe('wire details', () => {
  beforeEach(() => start());

  it('records every request with its parsed body', async () => {
    await ollama.list();
    await ollama.generate({ model: MODEL, prompt: 'hi', options: { temperature: 0 } });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/tags', 'POST /api/generate']);
    expect(fake.requests[1]?.body).toMatchObject({ model: MODEL, prompt: 'hi', stream: false, options: { temperature: 0 } });
    expect(typeof fake.requests[1]?.at).toBe('number');
  });

  it('answers malformed JSON, unknown paths and wrong methods like Ollama', async () => {
    const post = (path: string, body: string): Promise<Response> => fetch(`${fake.url}${path}`, { method: 'POST', body });
    const bad = await post('/api/generate', '{"model": llama}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "invalid character 'l' looking for beginning of value" });
    expect(await (await post('/api/chat', '{"model": "x"')).json()).toEqual({ error: 'unexpected EOF' });
    expect(await (await post('/api/chat', '')).json()).toEqual({ error: 'missing request body' });
    expect(await (await post('/api/generate', '{"model":"llama3.2:3b","stream":"yes"}')).json()).toEqual({
      error: 'json: cannot unmarshal string into Go struct field GenerateRequest.stream of type bool',
    });

    const missing = await fetch(`${fake.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('404 page not found');
    const wrongMethod = await fetch(`${fake.url}/api/generate`);
    expect(wrongMethod.status).toBe(405);
    expect(fake.requests).toHaveLength(6);
  });
});
