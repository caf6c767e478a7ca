import { describe, expect, it } from 'vitest';
import {
  citationCount, citationMetrics, citationPrecision, citationRecall, hallucinatedCount, hallucinationRate, RAG_MEASURE_KINDS, RAG_MEASURES, type CitedAnswer,
} from '../../lib/rag/citation-measures';

// Context of k = 5: d1 (grade 2), d2 (grade 1), d3 (grade 0), d4 (unjudged), d5 (grade 1).
// d9 is relevant but was not retrieved: citation recall only counts the context.
const judgments = new Map([['d1', 2], ['d2', 1], ['d3', 0], ['d5', 1], ['d9', 2]]);
const answer = (cited: string[], hallucinated: string[] = [], j: ReadonlyMap<string, number> | 'unjudged' = judgments): CitedAnswer => ({
  contextIds: ['d1', 'd2', 'd3', 'd4', 'd5'], cited, hallucinated, judgments: j === 'unjudged' ? undefined : j,
});

describe('citation measures (hand-computed)', () => {
  it('precision: relevant cited over cited in the context', () => {
    expect(citationPrecision(answer(['d1', 'd3']))).toBe(1 / 2);
    expect(citationPrecision(answer(['d1', 'd2', 'd3', 'd4']))).toBe(2 / 4);
    expect(citationPrecision(answer(['d1', 'd2', 'd5']))).toBe(1);
    // hallucinated ids are not in the denominator: they are measured apart
    expect(citationPrecision(answer(['d3'], ['d77', 'd78']))).toBe(0);
    expect(citationPrecision(answer(['d1'], ['d77']))).toBe(1);
  });

  it('precision has no value when nothing in the context is cited or the question is unjudged', () => {
    expect(citationPrecision(answer([]))).toBeNull();
    expect(citationPrecision(answer([], ['d77']))).toBeNull();
    expect(citationPrecision(answer(['d1'], [], 'unjudged'))).toBeNull();
  });

  it('recall: relevant documents of the context that are cited (d9, never retrieved, does not count)', () => {
    // relevant in context: d1, d2, d5
    expect(citationRecall(answer(['d1']))).toBe(1 / 3);
    expect(citationRecall(answer(['d1', 'd2', 'd3']))).toBe(2 / 3);
    expect(citationRecall(answer(['d1', 'd2', 'd5']))).toBe(1);
    expect(citationRecall(answer([]))).toBe(0);
  });

  it('recall has no value when the context holds no relevant document', () => {
    const none = new Map([['d3', 0]]);
    expect(citationRecall(answer(['d3'], [], none))).toBeNull();
    expect(citationRecall(answer(['d1'], [], 'unjudged'))).toBeNull();
  });

  it('counts distinct citations and hallucinated ones; the run rate is a micro rate', () => {
    expect(citationCount(answer(['d1', 'd1', 'd2'], ['d77', 'd77']))).toBe(3);
    expect(hallucinatedCount(answer(['d1'], ['d77', 'd78']))).toBe(2);
    // items: 2 of 4 citations and 0 of 1 -> 2 / 5, not the mean of the item rates (0.25)
    expect(hallucinationRate(2 + 0, 4 + 1)).toBe(0.4);
    expect(hallucinationRate(0, 0)).toBeNull();
  });

  it('item metrics leave out measures without a value; every kind has a definition named as item_metrics stores it', () => {
    expect(citationMetrics(answer([], ['d77']))).toEqual({ citation_recall: 0, citations: 1, hallucinated_citations: 1 });
    expect(citationMetrics(answer(['d1', 'd3']))).toEqual({ citation_precision: 0.5, citation_recall: 1 / 3, citations: 2, hallucinated_citations: 0 });
    for (const kind of RAG_MEASURE_KINDS) expect(RAG_MEASURES[kind].name).toBe(kind);
  });
});
