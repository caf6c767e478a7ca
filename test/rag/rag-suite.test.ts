import { describe, expect, it } from 'vitest';
import { loadSuite, parseSuite } from '../../lib/suites/suite';

const base = `name: s\ndataset: sample\ngenerators:\n`;

describe('RAG entries in suites', () => {
  it('reads {type: rag} with its defaults: a bm25 retriever, k = 5, the rag-answer@1 prompt', () => {
    const suite = parseSuite(`${base}  - type: rag\n    model: llama3.2:3b\n`, 's.yaml');
    expect(suite.generators[0]).toEqual({ type: 'rag', model: 'llama3.2:3b', retriever: { type: 'bm25' }, k: 5, prompt: 'rag-answer@1' });
  });

  it('names the file, line and field of a bad entry or expectation', () => {
    expect(() => parseSuite(`${base}  - type: rag\n    model: m\n    k: 0\n`, 's.yaml')).toThrow(/s\.yaml:6: generators\.0\.k: /);
    expect(() => parseSuite(`${base}  - type: rag\n    model: m\n    retriever: {type: tfidf}\n`, 's.yaml')).toThrow(/s\.yaml:6: generators\.0\.retriever\.type: /);
    expect(() => parseSuite(`${base}  - type: question-or\nexpectations:\n  max_hallucinated_citations: 3\n`, 's.yaml')).toThrow(/s\.yaml:6: expectations\.max_hallucinated_citations: /);
  });

  it('ships data/suites/sample-rag.yaml', () => {
    const { suite } = loadSuite('sample-rag');
    expect(suite.generators.map((g) => g.type)).toEqual(['question-or', 'rag']);
    expect(suite.expectations).toMatchObject({ min_citation_precision: 0.5, max_hallucinated_citations: 0.1, max_cache_hit_ms: 50 });
  });
});
