/** The configuration fingerprint of a run's generator, and the labels of what differs. */
import { describe, expect, it } from 'vitest';
import {
  benchConfiguration, canonicalJson, configurationLabels, describeConfiguration, fingerprintOf, retrievalConfiguration,
} from '../../lib/runs/run-fingerprint';

const suite = (extra: Record<string, unknown> = {}) => ({
  name: 'nightly', dataset: 'sample', description: 'whatever',
  generators: [{ type: 'question-or' }, { type: 'tfidf-keywords', keywords: 5 }, { type: 'llm', model: 'qwen2.5:7b' }, { type: 'llm', model: 'llama3.2:3b' }],
  prompt: 'boolean-query@2', queries_per_model: 3, repair_queries: false, options: {}, repeats: 1, top_k: 100, multi_model: true,
  expectations: {}, ...extra,
});
const config = (extra: Record<string, unknown> = {}, outer: Record<string, unknown> = {}) => JSON.stringify({ suite: suite(extra), suiteFile: '/x.yaml', useCache: true, ...outer });
const tfidf = (keywords: number) => suite({ generators: [{ type: 'question-or' }, { type: 'tfidf-keywords', keywords }] });

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('the fingerprint of a bench generator', () => {
  it('is stable across key order and unaffected by settings that do not shape results', () => {
    const a = benchConfiguration('sample', 'baseline:tfidf-keywords', config());
    const reordered = JSON.stringify({ useCache: false, suiteFile: '/elsewhere.yaml', suite: { ...suite(), repeats: 5, description: 'other', name: 'renamed' } });
    expect(benchConfiguration('sample', 'baseline:tfidf-keywords', reordered).fingerprint).toBe(a.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with the tfidf keywords, but only for that baseline', () => {
    const k5 = JSON.stringify({ suite: tfidf(5) });
    const k3 = JSON.stringify({ suite: tfidf(3) });
    expect(benchConfiguration('sample', 'baseline:tfidf-keywords', k5).fingerprint).not.toBe(benchConfiguration('sample', 'baseline:tfidf-keywords', k3).fingerprint);
    expect(benchConfiguration('sample', 'baseline:question-or', k5).fingerprint).toBe(benchConfiguration('sample', 'baseline:question-or', k3).fingerprint);
  });

  it('covers dataset, model, prompt version, generation options, top_k and BM25 k1 and b', () => {
    const base = benchConfiguration('sample', 'llm:qwen2.5:7b', config()).fingerprint;
    const changed = [
      benchConfiguration('other', 'llm:qwen2.5:7b', config()),
      benchConfiguration('sample', 'llm:llama3.2:3b', config()),
      benchConfiguration('sample', 'llm:qwen2.5:7b', config({ prompt: 'boolean-query@3' })),
      benchConfiguration('sample', 'llm:qwen2.5:7b', config({ options: { temperature: 0.7 } })),
      benchConfiguration('sample', 'llm:qwen2.5:7b', config({ queries_per_model: 5 })),
      benchConfiguration('sample', 'llm:qwen2.5:7b', config({ top_k: 50 })),
      benchConfiguration('sample', 'llm:qwen2.5:7b', config({}, { bm25: { k1: 0.9, b: 0.75 } })),
    ];
    for (const c of changed) expect(c.fingerprint).not.toBe(base);
    // A model's options do not change the baselines; the stored default BM25 equals the assumed one.
    expect(benchConfiguration('sample', 'baseline:question-or', config({ options: { temperature: 0.7 } })).fingerprint)
      .toBe(benchConfiguration('sample', 'baseline:question-or', config()).fingerprint);
    expect(benchConfiguration('sample', 'baseline:question-or', config({}, { bm25: { k1: 1.2, b: 0.75 } })).fingerprint)
      .toBe(benchConfiguration('sample', 'baseline:question-or', config()).fingerprint);
    expect(describeConfiguration(benchConfiguration('sample', 'llm:qwen2.5:7b', config({ options: { temperature: 0.7 } }))))
      .toBe('top_k=100, k1=1.2, b=0.75, model qwen2.5:7b, prompt boolean-query@2, queries_per_model=3, repair_queries=false, temperature 0.7');
  });

  it('gives the multi-model generator its models, in any order', () => {
    const swapped = config({ generators: [{ type: 'llm', model: 'llama3.2:3b' }, { type: 'llm', model: 'qwen2.5:7b' }] });
    const multi = benchConfiguration('sample', 'multi-model', config());
    expect(benchConfiguration('sample', 'multi-model', swapped).fingerprint).toBe(multi.fingerprint);
    expect(multi.settings).toContainEqual({ name: 'models', value: 'llama3.2:3b + qwen2.5:7b' });
  });

  it('reads configs that stored little or nothing', () => {
    for (const stored of ['{}', 'not json', JSON.stringify({ suite: { top_k: 10 } }), null]) {
      expect(benchConfiguration('d', 'llm:m', stored).fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(fingerprintOf('d', 'g', [{ name: 'x', value: null }])).toBe(fingerprintOf('d', 'g', []));
  });
});

describe('configuration labels', () => {
  it('name only what differs: keywords=3 against keywords=5', () => {
    const k5 = benchConfiguration('sample', 'baseline:tfidf-keywords', JSON.stringify({ suite: tfidf(5) }));
    const k3 = benchConfiguration('sample', 'baseline:tfidf-keywords', JSON.stringify({ suite: tfidf(3) }));
    const labels = configurationLabels([k5, k3, k5]);
    expect(labels.get(k5.fingerprint)).toBe('keywords=5');
    expect(labels.get(k3.fingerprint)).toBe('keywords=3');
    expect(configurationLabels([k5, k5]).get(k5.fingerprint)).toBe('');
  });

  it('say the prompt version and generation options in words', () => {
    const a = benchConfiguration('sample', 'llm:qwen2.5:7b', config({ prompt: 'boolean-query@2', options: { temperature: 0.7 } }));
    const b = benchConfiguration('sample', 'llm:qwen2.5:7b', config({ prompt: 'boolean-query@3' }));
    const labels = configurationLabels([a, b]);
    expect(labels.get(a.fingerprint)).toBe('prompt boolean-query@2, temperature 0.7');
    expect(labels.get(b.fingerprint)).toBe('prompt boolean-query@3, temperature unset');
  });

  it('always name a retrieval run\'s k1 and b, and its top only when it differs', () => {
    const a = retrievalConfiguration('sample', 'retrieve:bm25', JSON.stringify({ system: 'bm25', k1: 1.2, b: 0.75, top: 100, measures: ['map'] }));
    const b = retrievalConfiguration('sample', 'retrieve:bm25', JSON.stringify({ system: 'bm25', k1: 0.9, b: 0.75, top: 100, measures: ['map', 'P_10'] }));
    expect(configurationLabels([a]).get(a.fingerprint)).toBe('k1=1.2, b=0.75');
    const labels = configurationLabels([a, b]);
    expect(labels.get(b.fingerprint)).toBe('k1=0.9, b=0.75');
    const deeper = retrievalConfiguration('sample', 'retrieve:bm25', JSON.stringify({ k1: 1.2, b: 0.75, top: 1000 }));
    expect(configurationLabels([a, deeper]).get(deeper.fingerprint)).toBe('k1=1.2, b=0.75, top=1000');
  });

  it('stay distinct when different values print alike', () => {
    const a = retrievalConfiguration('d', 'retrieve:bm25', { k1: 1, b: 0.5, top: 10 });
    const b = retrievalConfiguration('d', 'retrieve:bm25', { k1: '1', b: 0.5, top: 10 });
    const labels = configurationLabels([a, b]);
    expect(new Set(labels.values()).size).toBe(2);
  });
});
