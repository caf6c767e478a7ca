import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../lib/text/analyzer';
import { hallucinatedKeywords } from '../../lib/keywords/hallucination';
import { FrequencyKeywordExtractor, termStatisticsOf } from '../../lib/keywords/frequency-extractor';
import { LlmKeywordExtractor, parseKeywordsAnswer } from '../../lib/keywords/llm-extractor';
import { KeywordCache, documentHash } from '../../lib/keywords/keyword-cache';
import { loadPromptTemplate } from '../../lib/querygen/prompt-template';
import { LlmClient } from '../../lib/llm/llm-client';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';

const analyzer = new Analyzer();
const DOC = {
  id: 'd1',
  text: 'Metformin during pregnancy and gestational diabetes in women with polycystic ovary syndrome: a randomised placebo-controlled trial of metformin.',
};

describe('hallucinated keywords', () => {
  it('are those with a stem absent from the document; inflections of document words are grounded', () => {
    expect(hallucinatedKeywords(['metformin', 'randomised trials', 'Gestational Diabetes', 'insulin', 'ovary cancer', '!!'], DOC.text, analyzer))
      .toEqual(['insulin', 'ovary cancer', '!!']);
  });
});

describe('the LLM answer', () => {
  const template = loadPromptTemplate('keywords@1');

  it('is read as {"keywords": [...]}, trimmed and de-duplicated ignoring case, fences tolerated and recorded', () => {
    expect(parseKeywordsAnswer('```json\n{"keywords": [" Metformin ", "metformin", "PCOS", ""]}\n```', template)).toEqual({ keywords: ['Metformin', 'PCOS'], readAs: 'fenced', error: undefined });
    expect(parseKeywordsAnswer('{"keywords": ["metformin", "PCOS"]}', template).readAs).toBe('strict');
    expect(parseKeywordsAnswer('["metformin", "PCOS"]', template)).toMatchObject({ keywords: ['metformin', 'PCOS'], readAs: 'variant:bare-array' });
  });

  it.each([
    ['{"keywords": []}'],
    ['{"keywords": [1, 2]}'],
    ['{"keywords": ["  "]}'],
    [''],
    ['I am sorry, but I cannot extract keywords from this document because it is too short.'],
  ])('an unusable answer %j is an error, not a crash', (text) => {
    const parsed = parseKeywordsAnswer(text, template);
    expect(parsed.keywords).toEqual([]);
    expect(parsed.readAs).toBe('none');
    expect(parsed.error).toMatch(/no keywords in the answer/);
  });
});

describe('frequency extraction', () => {
  it('returns the target count of the document\'s own words, rarest in the collection first', async () => {
    const others = Array.from({ length: 20 }, (_, i) => ({ id: `o${i}`, text: `women with diabetes and pregnancy trial ${i}` }));
    const stats = termStatisticsOf([DOC, ...others], analyzer);
    const extraction = await new FrequencyKeywordExtractor(stats, analyzer, { min: 3, max: 5 }).extract(DOC);
    expect(extraction.count).toBe(4);
    expect(extraction.keywords).toHaveLength(4);
    expect(extraction.keywords).not.toContain('women');
    expect(extraction.keywords[0]).toBe('metformin');
    expect(extraction).toMatchObject({ method: 'frequency', hallucinated: [], error: undefined, cacheHit: false, calls: [] });
  });
});

describe('LLM extraction against the fake Ollama server', () => {
  let fake: FakeOllama;
  let answer = '';
  beforeAll(async () => {
    fake = await startFakeOllama({ respond: () => answer });
  });
  afterAll(async () => fake.close());

  const client = () => new LlmClient({ hosts: [{ url: fake.url, provider: 'ollama', concurrency: 1 }], retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, useCache: false });
  const settings = { model: 'qwen2.5:7b', template: loadPromptTemplate('keywords@1'), target: { min: 10, max: 15 }, options: { temperature: 0 } };

  it('asks with the versioned prompt, records hallucinations, and caches the answer by document hash and prompt version', async () => {
    answer = JSON.stringify({ keywords: ['metformin', 'gestational diabetes', 'insulin resistance'] });
    const cache = new KeywordCache();
    const extractor = new LlmKeywordExtractor(client(), settings, analyzer, cache);
    const first = await extractor.extract(DOC);
    expect(first).toMatchObject({ method: 'llm', model: 'qwen2.5:7b', prompt: 'keywords@1', count: 3, hallucinated: ['insulin resistance'], cacheHit: false, error: undefined });
    expect(first.calls).toHaveLength(1);
    const request = fake.requests.find((r) => r.path === '/api/generate')?.body as { prompt: string; format: unknown };
    // The prompt's declared answer schema goes as Ollama's structured-output `format`.
    expect(request.format).toEqual(settings.template.answer.schema);
    expect(request.prompt).toContain('between 10 and 15 keywords');
    expect(request.prompt).toContain(DOC.text);
    expect(cache.get(documentHash(DOC.text), 'keywords@1', 'qwen2.5:7b')).toEqual(first.keywords);

    answer = '{"keywords": ["changed"]}';
    const second = await extractor.extract({ ...DOC, id: 'same-text-other-id' });
    expect(second).toMatchObject({ cacheHit: true, keywords: first.keywords, calls: [] });
    const changed = await extractor.extract({ id: 'd2', text: `${DOC.text} Revised.` });
    expect(changed).toMatchObject({ cacheHit: false, keywords: ['changed'] });
  });

  it('records a malformed answer as the extraction\'s error and does not cache it', async () => {
    answer = 'I am sorry, but I cannot find any keywords in this document, it seems to be empty.';
    const cache = new KeywordCache();
    const extraction = await new LlmKeywordExtractor(client(), settings, analyzer, cache).extract(DOC);
    expect(extraction.error).toMatch(/no keywords in the answer/);
    expect(extraction.keywords).toEqual([]);
    expect(cache.get(documentHash(DOC.text), 'keywords@1', 'qwen2.5:7b')).toBeUndefined();
  });

  it('records a failed call (unknown model) as an error', async () => {
    const extraction = await new LlmKeywordExtractor(client(), { ...settings, model: 'no-such-model:1b' }, analyzer, new KeywordCache()).extract(DOC);
    expect(extraction.error).toMatch(/^model-not-found/);
    expect(extraction.processingMs).toBeGreaterThanOrEqual(0);
  });
});
