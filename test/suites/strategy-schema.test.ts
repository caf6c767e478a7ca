/**
 * The suite schema's retrieval strategies: defaults users rely on, and errors that name the file,
 * line and field.
 */
import { describe, expect, it } from 'vitest';

import { loadSuite, parseSuite } from '../../lib/suites/suite';

const base = 'name: s\ndataset: d\ngenerators:\n';

describe('bm25, dense and hybrid in a suite', () => {
  it('fills the defaults: max over chunks, batches of 64, RRF k = 60 with bm25', () => {
    const suite = parseSuite(`${base}  - type: bm25\n  - type: dense\n    model: m\n  - type: hybrid\n    model: m\n`, 's.yaml');
    expect(suite.generators).toEqual([
      { type: 'bm25' },
      { type: 'dense', model: 'm', aggregate: 'max', batch_size: 64 },
      { type: 'hybrid', model: 'm', aggregate: 'max', batch_size: 64, fusion: 'rrf', normalize: 'minmax', rrf_k: 60, with: 'bm25' },
    ]);
  });

  it('names the file, line and field of a bad value', () => {
    expect(() => parseSuite(`${base}  - type: dense\n    model: m\n    chunking: {max_tokens: 64, overlap_tokens: 64}\n`, 's.yaml')).toThrow(
      /s\.yaml:\d+: generators\.0\.chunking\.overlap_tokens: overlap_tokens must be below max_tokens/,
    );
    expect(() => parseSuite(`${base}  - type: hybrid\n    model: m\n    with: vectors\n`, 's.yaml')).toThrow(/generators\.0\.with: must be bm25 or llm:<model>/);
  });

  it('data/suites/med-dense.yaml is valid', () => {
    const { suite } = loadSuite('med-dense');
    expect(suite.generators.map((g) => g.type)).toEqual(['bm25', 'dense', 'hybrid']);
  });
});
