/**
 * The fake Ollama server, exercised through the real `ollama` client over real HTTP.
 */
import { Ollama, type GenerateResponse, type Options } from 'ollama';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ERRORS, startFakeOllama, type FakeOllama, type FakeOllamaConfig, type RespondRequest } from './fake-ollama/server';

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
    expect(models.map((m) => m.name)).toEqual(['llama3.2:3b', 'qwen2.5:7b', 'mistral:7b', 'qwen3:4b', 'nomic-embed-text:latest', 'all-minilm:22m']);
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
    expect(err.message).toBe("model 'llama9:70b' not found");
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
    expect(err.message).toBe("model 'ghost' not found");
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

  it('http-500, http-500-terminated and http-503 answer with Ollama error bodies', async () => {
    fake.inject({ kind: 'http-500' });
    fake.inject({ kind: 'http-500-terminated' });
    fake.inject({ kind: 'http-503' });
    const e500 = await rejection(ollama.generate({ model: MODEL, prompt: 'x' }));
    expect(e500).toMatchObject({
      status_code: 500,
      message:
        'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details',
    });
    const terminated = await rejection(ollama.generate({ model: MODEL, prompt: 'x' }));
    expect(terminated).toMatchObject({ status_code: 500, message: 'llama runner process has terminated: exit status 2' });
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
    expect(err).toMatchObject({ status_code: 404, message: `model '${MODEL}' not found` });
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
    expect((await ollama.list()).models).toHaveLength(6);
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

describe('thinking', () => {
  const THINKER = 'qwen3:4b';
  const THOUGHT = 'The user wants the fox sentence.';
  const respond = vi.fn((_req: RespondRequest) => ({ thinking: THOUGHT, content: ANSWER }));
  beforeEach(() => {
    respond.mockClear();
    return start({ respond });
  });

  it('generate streams the thinking first (response ""), then the content; eval_count counts both', async () => {
    const stream = await ollama.generate({ model: THINKER, prompt: 'fox', stream: true });
    const parts: GenerateResponse[] = [];
    for await (const p of stream) parts.push(p);
    const chunks = parts.slice(0, -1);
    const thinking = chunks.filter((c) => c.thinking !== undefined);
    expect(thinking.map((c) => c.thinking).join('')).toBe(THOUGHT);
    expect(thinking.every((c) => c.response === '')).toBe(true);
    expect(chunks.slice(0, thinking.length)).toEqual(thinking); // thinking comes first
    expect(chunks.slice(thinking.length).map((c) => c.response).join('')).toBe(ANSWER);
    const last = parts.at(-1) as GenerateResponse;
    expect(last).toMatchObject({ done: true, response: '' });
    expect(last.thinking).toBeUndefined();
    expect(last.eval_count).toBe(6 + 9);
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ endpoint: 'generate', api: 'ollama' }));
    expect(respond.mock.lastCall?.[0].think).toBeUndefined();
  });

  it('generate non-streamed carries `thinking` on the final object', async () => {
    const r = await ollama.generate({ model: THINKER, prompt: 'fox', think: true });
    expect(r).toMatchObject({ response: ANSWER, thinking: THOUGHT, done: true, eval_count: 15 });
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ think: true }));
  });

  it('chat streams message.thinking chunks with empty content, then content; non-streamed has message.thinking', async () => {
    const stream = await ollama.chat({ model: THINKER, messages: [{ role: 'user', content: 'fox' }], stream: true, think: 'high' });
    let thinking = '';
    let content = '';
    let sawContent = false;
    for await (const p of stream) {
      expect(p.message.role).toBe('assistant');
      if (p.message.thinking !== undefined) {
        expect(sawContent).toBe(false);
        expect(p.message.content).toBe('');
        thinking += p.message.thinking;
      }
      if (p.message.content !== '') sawContent = true;
      content += p.message.content;
    }
    expect({ thinking, content }).toEqual({ thinking: THOUGHT, content: ANSWER });
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ endpoint: 'chat', think: 'high' }));

    const single = await ollama.chat({ model: THINKER, messages: [{ role: 'user', content: 'fox' }] });
    expect(single.message).toEqual({ role: 'assistant', content: ANSWER, thinking: THOUGHT });
  });

  it('think: false drops the thinking (the model does not think)', async () => {
    const r = await ollama.generate({ model: THINKER, prompt: 'fox', think: false });
    expect(r.thinking).toBeUndefined();
    expect(r).toMatchObject({ response: ANSWER, eval_count: 9 });
    const stream = await ollama.chat({ model: THINKER, messages: [{ role: 'user', content: 'fox' }], think: false, stream: true });
    for await (const p of stream) expect(p.message.thinking).toBeUndefined();
    expect(respond).toHaveBeenLastCalledWith(expect.objectContaining({ think: false }));
  });

  it('num_predict counts thinking tokens first', async () => {
    const r = await ollama.generate({ model: THINKER, prompt: 'fox', options: { num_predict: 8 } });
    expect(r).toMatchObject({ thinking: THOUGHT, response: 'The quick', done_reason: 'length', eval_count: 8 });
  });

  it('answers 400 "does not support thinking" for think (true or a level) on a model without the capability', async () => {
    for (const think of [true, 'low'] as const) {
      const err = await rejection(ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }], think }));
      expect(err).toMatchObject({ status_code: 400, message: `"${MODEL}" does not support thinking` });
    }
    const gen = await rejection(ollama.generate({ model: 'mistral:7b', prompt: 'x', think: true }));
    expect(gen).toMatchObject({ status_code: 400, message: '"mistral:7b" does not support thinking' });
    // false is fine, and so is no `think` at all; respond() decides what a non-thinking model "thinks".
    expect((await ollama.generate({ model: MODEL, prompt: 'x', think: false })).response).toBe(ANSWER);
    expect(await ollama.show({ model: THINKER })).toMatchObject({ capabilities: ['completion', 'thinking'] });

    const res = await fetch(`${fake.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: THINKER, prompt: 'x', think: 'max' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid think value: "max" (must be "high", "medium", "low", true, or false)' });
  });
});

describe('mid-stream faults and fault lifetimes', () => {
  beforeEach(() => start({ respond: () => ANSWER }));

  it('reset-mid-stream sends the first chunk with 200, then drops the socket (no final line)', async () => {
    fake.inject({ kind: 'reset-mid-stream' });
    const got: GenerateResponse[] = [];
    const err = await rejection(
      (async () => {
        const stream = await ollama.generate({ model: MODEL, prompt: 'x', stream: true });
        for await (const p of stream) got.push(p);
      })(),
    );
    expect(got.map((p) => p.response)).toEqual(['The']);
    expect(err.message).toMatch(/terminated|other side closed|socket/i);
    expect(fake.requests.at(-1)?.fault).toBe('reset-mid-stream');
  });

  it('hang-mid-stream with afterChunks 1 hangs after the first chunk until the fake closes', async () => {
    fake.inject({ kind: 'hang-mid-stream', afterChunks: 1 });
    const res = await fetch(`${fake.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'x' }) });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(JSON.parse(new TextDecoder().decode(first.value).trim())).toMatchObject({ response: 'The', done: false });
    const next = reader.read();
    next.catch(() => undefined);
    const timeout = new Promise<'quiet'>((r) => setTimeout(() => r('quiet'), 300));
    expect(await Promise.race([next.then(() => 'data' as const), timeout])).toBe('quiet');
    await fake.close();
    await expect(next).rejects.toThrow(/terminated|other side closed/i);
  });

  it('times: Infinity makes a model that always fails; other models are unaffected', async () => {
    fake.inject({ kind: 'http-500', match: { model: 'qwen2.5:7b' }, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) {
      expect((await rejection(ollama.generate({ model: 'qwen2.5:7b', prompt: 'x' }))).status_code).toBe(500);
    }
    expect((await ollama.generate({ model: MODEL, prompt: 'x' })).response).toBe(ANSWER);
    fake.clearFaults();
    expect((await ollama.generate({ model: 'qwen2.5:7b', prompt: 'x' })).response).toBe(ANSWER);
    expect(() => fake.inject({ kind: 'http-500', times: 0 })).toThrow(/positive integer or Infinity/);
  });
});

describe('old servers (version below 0.5.0)', () => {
  beforeEach(() => start({ version: '0.4.7', respond: (r) => (r.format === 'json' ? '{"ok":true}' : ANSWER) }));

  it('reject a JSON Schema object in `format` with Go\'s unmarshal error; "json" still works', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const gen = await rejection(ollama.generate({ model: MODEL, prompt: 'x', format: schema }));
    expect(gen).toMatchObject({
      status_code: 400,
      message: 'json: cannot unmarshal object into Go struct field GenerateRequest.format of type string',
    });
    const chat = await rejection(ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }], format: schema }));
    expect(chat).toMatchObject({
      status_code: 400,
      message: 'json: cannot unmarshal object into Go struct field ChatRequest.format of type string',
    });
    expect((await ollama.generate({ model: MODEL, prompt: 'x', format: 'json' })).response).toBe('{"ok":true}');
    expect(await ollama.version()).toEqual({ version: '0.4.7' });
  });

  it('accept a schema from 0.5.0 on', async () => {
    await fake.close();
    await start({ version: '0.5.0', respond: () => '{}' });
    expect((await ollama.generate({ model: MODEL, prompt: 'x', format: { type: 'object' } })).response).toBe('{}');
  });
});

// ---------------------------------------------------------------------------------------------
// The OpenAI-compatible API Ollama serves under /v1, through plain fetch.

interface SseResult {
  status: number;
  contentType: string | null;
  raw: string;
  /** The parsed `data:` payloads, [DONE] excluded. */
  events: Array<Record<string, unknown>>;
  done: boolean;
}

async function v1Chat(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SseResult> {
  const res = await fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const frames = raw.split('\n\n').filter((f) => f !== '');
  const payloads = frames.map((f) => {
    expect(f.startsWith('data: ')).toBe(true);
    return f.slice('data: '.length);
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    raw,
    events: payloads.filter((p) => p !== '[DONE]').map((p) => JSON.parse(p) as Record<string, unknown>),
    done: payloads.at(-1) === '[DONE]',
  };
}

async function v1Json(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const openAiError = (message: string, type: string): unknown => ({ error: { message, type, param: null, code: null } });

type Choice = { index: number; delta: Record<string, unknown>; finish_reason: string | null };
const choiceOf = (e: Record<string, unknown>): Choice => (e['choices'] as Choice[])[0] as Choice;

describe('/v1 (OpenAI-compatible API)', () => {
  const respond = vi.fn((req: RespondRequest): string | { thinking?: string; content: string } =>
    req.model === 'qwen3:4b' ? { thinking: 'Hmm, a fox.', content: ANSWER } : req.format !== undefined ? '{"answer":1}' : ANSWER,
  );
  beforeEach(() => {
    respond.mockClear();
    return start({ respond });
  });

  it('GET /v1/models lists the pulled models', async () => {
    const res = await fetch(`${fake.url}/v1/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string; created: number; owned_by: string }> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['llama3.2:3b', 'qwen2.5:7b', 'mistral:7b', 'qwen3:4b', 'nomic-embed-text:latest', 'all-minilm:22m']);
    expect(body.data[0]).toEqual({ id: 'llama3.2:3b', object: 'model', created: Date.UTC(2025, 5, 1, 12) / 1000, owned_by: 'library' });
  });

  it('streams chat.completion.chunk events, a finish chunk and data: [DONE]', async () => {
    const r = await v1Chat({ model: MODEL, messages: [{ role: 'user', content: 'hello' }], stream: true }, { Authorization: 'Bearer ollama' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/event-stream');
    expect(r.raw.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(r.done).toBe(true);
    const content = r.events.slice(0, -1);
    const finish = r.events.at(-1) as Record<string, unknown>;
    for (const e of r.events) {
      expect(e).toMatchObject({ object: 'chat.completion.chunk', model: MODEL, system_fingerprint: 'fp_ollama' });
      expect(e['id']).toMatch(/^chatcmpl-\d+$/);
      expect(e['id']).toBe(r.events[0]?.['id']);
      expect(Number.isInteger(e['created'])).toBe(true);
      expect(e['usage']).toBeUndefined();
    }
    expect(content.map((e) => choiceOf(e))).toEqual(
      ANSWER.match(/\s*\S+/g)?.map((w) => ({ index: 0, delta: { role: 'assistant', content: w }, finish_reason: null })),
    );
    expect(choiceOf(finish)).toEqual({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' });
    expect(fake.requests.at(-1)?.headers['authorization']).toBe('Bearer ollama');
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ endpoint: 'chat', api: 'openai', prompt: 'hello' }));
  });

  it('puts thinking in delta.reasoning; reasoning_effort maps to think ("none" → false)', async () => {
    const r = await v1Chat({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'fox' }], stream: true, reasoning_effort: 'low' });
    const reasoning = r.events.map((e) => choiceOf(e).delta).filter((d) => d['reasoning'] !== undefined);
    expect(reasoning.map((d) => d['reasoning']).join('')).toBe('Hmm, a fox.');
    expect(reasoning.every((d) => d['content'] === '' && d['role'] === 'assistant')).toBe(true);
    expect(r.events.map((e) => choiceOf(e).delta['content']).join('')).toBe(ANSWER);
    expect(respond).toHaveBeenLastCalledWith(expect.objectContaining({ think: 'low' }));

    const off = await v1Chat({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'fox' }], stream: true, reasoning_effort: 'none' });
    expect(off.events.some((e) => choiceOf(e).delta['reasoning'] !== undefined)).toBe(false);
    expect(respond).toHaveBeenLastCalledWith(expect.objectContaining({ think: false }));

    const single = await v1Json({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'fox' }] });
    expect((single.json['choices'] as Array<{ message: unknown }>)[0]?.message).toEqual({ role: 'assistant', content: ANSWER, reasoning: 'Hmm, a fox.' });

    const bad = await v1Json({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'fox' }], reasoning_effort: 'extreme' });
    expect(bad).toEqual({
      status: 400,
      json: openAiError(`invalid reasoning value: 'extreme' (must be "high", "medium", "low", or "none")`, 'invalid_request_error'),
    });
  });

  it('sends a usage chunk (choices []) before [DONE] when stream_options.include_usage is set', async () => {
    const r = await v1Chat({
      model: MODEL,
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 4,
    });
    expect(r.done).toBe(true);
    const [finish, usage] = r.events.slice(-2) as [Record<string, unknown>, Record<string, unknown>];
    expect(choiceOf(finish).finish_reason).toBe('length');
    expect(usage['choices']).toEqual([]);
    expect(usage['usage']).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(usage['id']).toBe(finish['id']);
    expect(respond).toHaveBeenLastCalledWith(expect.objectContaining({ options: { num_predict: 4, temperature: 1, top_p: 1 } }));
  });

  it('answers a non-streamed chat.completion and maps the sampling fields to options', async () => {
    const { status, json } = await v1Json({
      model: MODEL,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      ],
      temperature: 0,
      seed: 7,
      top_p: 0.5,
      stop: 'lazy',
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      system_fingerprint: 'fp_ollama',
      choices: [{ index: 0, message: { role: 'assistant', content: 'The quick brown fox jumps over the ' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 }, // the trailing space is a token
    });
    expect(json['id']).toMatch(/^chatcmpl-\d+$/);
    expect(respond).toHaveBeenLastCalledWith(
      expect.objectContaining({
        system: 'be brief',
        prompt: 'hello',
        options: { stop: ['lazy'], temperature: 0, seed: 7, top_p: 0.5, frequency_penalty: 0.1, presence_penalty: 0.2 },
      }),
    );
  });

  it('passes a json_schema response_format to respond() as the schema object (json_object as "json")', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] };
    const r = await v1Json({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    expect((r.json['choices'] as Array<{ message: { content: string } }>)[0]?.message.content).toBe('{"answer":1}');
    expect(respond.mock.lastCall?.[0].format).toEqual(schema);
    await v1Json({ model: MODEL, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } });
    expect(respond.mock.lastCall?.[0].format).toBe('json');
  });

  it('answers errors in OpenAI shape with the native status', async () => {
    const user = [{ role: 'user', content: 'x' }];
    expect(await v1Json({ messages: user })).toEqual({ status: 400, json: openAiError('model is required', 'invalid_request_error') });
    expect(await v1Json({ model: 'ghost:1b', messages: user })).toEqual({
      status: 404,
      json: openAiError("model 'ghost:1b' not found", 'not_found_error'),
    });
    expect(await v1Json({ model: MODEL, messages: [] })).toEqual({
      status: 400,
      json: openAiError("[] is too short - 'messages'", 'invalid_request_error'),
    });
    expect(await v1Json({ model: MODEL, messages: user, reasoning_effort: 'high' })).toEqual({
      status: 400,
      json: openAiError(`"${MODEL}" does not support thinking`, 'invalid_request_error'),
    });
    expect(await v1Json({ model: MODEL, messages: user, stream: 'yes' })).toEqual({
      status: 400,
      json: openAiError('json: cannot unmarshal string into Go struct field ChatCompletionRequest.stream of type bool', 'invalid_request_error'),
    });
    expect(await v1Json('')).toEqual({ status: 400, json: openAiError('EOF', 'invalid_request_error') });

    fake.inject({ kind: 'http-500', match: { path: '/v1/chat/completions' } });
    fake.inject({ kind: 'http-503', match: { model: MODEL } });
    const e500 = await v1Json({ model: MODEL, messages: user, stream: true });
    expect(e500.status).toBe(500);
    expect(e500.json).toEqual(openAiError(ERRORS.runnerStopped, 'api_error'));
    expect(await v1Json({ model: MODEL, messages: user })).toEqual({ status: 503, json: openAiError(ERRORS.serverBusy, 'api_error') });
    expect(fake.requests.filter((q) => q.fault).map((q) => q.fault)).toEqual(['http-500', 'http-503']);
  });

  it('error-in-stream becomes an SSE error event after the chunks, with no [DONE]', async () => {
    fake.inject({ kind: 'error-in-stream', afterChunks: 1, match: { path: '/v1/chat/completions' } });
    const r = await v1Chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(r.status).toBe(200);
    expect(r.done).toBe(false);
    expect(r.events).toHaveLength(2);
    expect(choiceOf(r.events[0] as Record<string, unknown>).delta).toEqual({ role: 'assistant', content: 'The' });
    expect(r.events[1]).toEqual(openAiError('an error was encountered while running the model: unexpected EOF', 'api_error'));
  });

  it('reset-mid-stream and connection-reset apply to /v1 as to the native API', async () => {
    fake.inject({ kind: 'reset-mid-stream', match: { path: '/v1/chat/completions' } });
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/terminated/i);

    fake.inject({ kind: 'connection-reset', match: { model: MODEL } });
    await expect(v1Json({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow('fetch failed');
  });
});
