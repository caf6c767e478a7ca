/**
 * Reading RAG answers as small local models give them. Each case is a shape real models produce:
 * with Ollama's schema `format` the grammar holds the shape (strict), but the *content* of the
 * citations drifts (passage numbers instead of ids, ids copied with their brackets, a `Document`
 * prefix, ids not in the context); with `format: "json"` only JSON is guaranteed, so keys and
 * types drift (a comma-separated string, numbers, objects, renamed keys); without a format,
 * chat-tuned models wrap JSON in prose or a Markdown fence, or write prose with `[1]` markers;
 * reasoning models may leave `<think>` text in the content.
 */
import { describe, expect, it } from 'vitest';
import { loadPromptTemplate } from '../../lib/querygen/prompt-template';
import { readRagAnswer, resolveCitation, type RagAnswerSpec } from '../../lib/rag/rag-answer-reading';

const template = loadPromptTemplate('rag-answer@1');
const spec: RagAnswerSpec = { list: template.answer.list, itemFields: template.answer.item_fields, isStrict: template.isStrict };
const context = ['d001', 'd002', 'd003', 'd004', 'd005'];
const read = (text: string) => readRagAnswer(text, context, spec);

describe('readRagAnswer', () => {
  it('reads the declared shape strictly (schema-constrained output)', () => {
    const r = read('{"answer": "Metformin did not reduce gestational diabetes.", "citations": ["d001", "d002"]}');
    expect(r).toMatchObject({ answer: 'Metformin did not reduce gestational diabetes.', cited: ['d001', 'd002'], hallucinated: [], readAs: 'strict', citationSource: 'list' });
    expect(r.citationReads.map((c) => c.how)).toEqual(['exact', 'exact']);
  });

  it('counts an id not in the context as hallucinated (a model inventing or remembering a source)', () => {
    const r = read('{"answer": "Yes.", "citations": ["d001", "d999", "PMID 12345"]}');
    expect(r.cited).toEqual(['d001']);
    expect(r.hallucinated).toEqual(['d999', 'PMID 12345']);
  });

  it('maps passage numbers to ids, in a list or as [1]-style markers in the answer text (models that number the passages)', () => {
    expect(read('{"answer": "It does not [1]; growth slows [3].", "citations": []}')).toMatchObject({ cited: ['d001', 'd003'], citationSource: 'markers', readAs: 'strict' });
    const numbers = read('{"answer": "x", "citations": [1, 3]}');
    expect(numbers.cited).toEqual(['d001', 'd003']);
    expect(numbers.citationReads.map((c) => c.how)).toEqual(['index', 'index']);
    // a number beyond the context is no passage: hallucinated
    expect(read('{"answer": "x", "citations": ["7"]}').hallucinated).toEqual(['7']);
  });

  it('normalizes ids copied with brackets, quotes, whitespace, another case or a Document prefix', () => {
    const r = read('{"answer": "x", "citations": ["[d001]", " d002 ", "Document d003", "D004", "doc id: d005"]}');
    expect(r.cited).toEqual(['d001', 'd002', 'd003', 'd004', 'd005']);
    // the list reader trims whitespace, as it does for queries
    expect(r.citationReads.map((c) => c.how)).toEqual(['normalized', 'exact', 'normalized', 'normalized', 'normalized']);
  });

  it('reads wrong shapes under format "json": a comma-separated string, objects, renamed keys, a bare array', () => {
    expect(read('{"answer": "x", "citations": "d001, d002"}')).toMatchObject({ cited: ['d001', 'd002'], readAs: 'variant:list-as-string' });
    expect(read('{"answer": "x", "citations": [{"id": "d001"}, {"doc_id": "d002"}]}')).toMatchObject({ cited: ['d001', 'd002'], readAs: 'variant:object-array' });
    expect(read('{"Answer": "x", "Citations": ["d001"]}')).toMatchObject({ answer: 'x', cited: ['d001'], readAs: 'variant:key-case' });
    expect(read('{"response": "x", "sources": ["d002"]}')).toMatchObject({ answer: 'x', cited: ['d002'], readAs: 'variant:other-key' });
    expect(read('["d001", "d004"]')).toMatchObject({ answer: '', cited: ['d001', 'd004'], readAs: 'variant:bare-array' });
  });

  it('finds the JSON in prose or a Markdown fence (chat-tuned models without a format)', () => {
    const prose = read('Sure! Here is my answer:\n{"answer": "Statins rarely cause myopathy.", "citations": ["d002"]}\nLet me know if you need more.');
    expect(prose).toMatchObject({ answer: 'Statins rarely cause myopathy.', cited: ['d002'], readAs: 'fenced' });
    const fenced = read('```json\n{"answer": "No.", "citations": ["d003"]}\n```');
    expect(fenced).toMatchObject({ answer: 'No.', cited: ['d003'], readAs: 'fenced' });
  });

  it('reads prose with [n] / [id] markers when there is no JSON; a bracket with no id in it is not a citation', () => {
    const r = read('Inhaled corticosteroids reduce growth velocity slightly [2][d004], see also [citation needed] and [the guideline](http://x).');
    expect(r).toMatchObject({ readAs: 'prose', citationSource: 'markers', cited: ['d002', 'd004'], hallucinated: [] });
    expect(r.answer).toContain('Inhaled corticosteroids');
  });

  it('never reads thinking text as the answer (reasoning models whose template leaves <think> in the content)', () => {
    const r = read('<think>Maybe {"answer": "decoy", "citations": ["d777"]}</think>{"answer": "real", "citations": ["d005"]}');
    expect(r).toMatchObject({ answer: 'real', cited: ['d005'], hallucinated: [] });
    expect(read('<think>only thinking</think>')).toMatchObject({ readAs: 'none', problem: expect.stringContaining('only thinking') });
  });

  it('keeps an answer that cites nothing, and reports an empty one', () => {
    expect(read('{"answer": "The documents do not say.", "citations": []}')).toMatchObject({ readAs: 'strict', cited: [], citationSource: 'none', problem: undefined });
    expect(read('   ')).toMatchObject({ readAs: 'none', problem: 'the answer is empty' });
  });

  it('keeps hostile answer text as data, verbatim', () => {
    const r = read('{"answer": "<script>alert(1)</script>", "citations": ["d001"]}');
    expect(r.answer).toBe('<script>alert(1)</script>');
  });
});

describe('resolveCitation', () => {
  it('prefers an exact id, then a normalized one, then a passage number', () => {
    expect(resolveCitation('1', ['1', 'd2'])).toEqual({ raw: '1', id: '1', how: 'exact' });
    expect(resolveCitation('2', ['1', 'd2'])).toEqual({ raw: '2', id: 'd2', how: 'index' });
    expect(resolveCitation('[D2]', ['1', 'd2'])).toEqual({ raw: '[D2]', id: 'd2', how: 'normalized' });
    expect(resolveCitation('nope', ['1'])).toEqual({ raw: 'nope', id: 'nope', how: 'not-in-context' });
  });
});
