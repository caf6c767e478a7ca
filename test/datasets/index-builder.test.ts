/**
 * The import's indexing steps (lib/datasets/batch-tokenizer.ts, index-builder.ts) as the importer
 * relies on them: a batch tokenized by a BatchTokenizer in the worker thread or inline indexes to
 * the same rows, also when the import switches tokenizers part-way (a worker that died: its
 * batches and the inline tokenizer's number words differently); a batch lost or taken out of
 * order is refused rather than indexed with the wrong words. The tables these rows make are
 * compared with the reference importer in streaming-import.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BatchTokenizer, fieldTexts, NO_TEXT } from '../../lib/datasets/batch-tokenizer';
import { IndexBuilder, type BatchRows } from '../../lib/datasets/index-builder';
import { Analyzer, DEFAULT_ANALYZER } from '../../lib/text/analyzer';
import type { Document } from '../../lib/datasets/types';

const FIELDS = ['title', 'text'];

/** Ids out of byte order, repeated words across documents and batches, an empty field, a field with no word, a stopword. */
const DOCUMENTS: Document[] = [
  { id: 'd3', fields: { title: 'Heart attack', text: 'The heart, the attack; hearts attacked.' } },
  { id: 'd10', fields: { title: '', text: 'Crohn’s disease and the heart' } },
  { id: 'd1', fields: { title: '!!!', text: 'attack of the clones' } },
  { id: 'D2', fields: { text: 'disease, disease, DISEASE' } },
  { id: 'd0', fields: { title: 'clones', text: 'heart disease' } },
  { id: 'é1', fields: { title: 'Über heart', text: 'über attack' } },
];

const batches = (size: number) => Array.from({ length: Math.ceil(DOCUMENTS.length / size) }, (_, i) => DOCUMENTS.slice(i * size, i * size + size));

describe('BatchTokenizer', () => {
  it('lays texts out document by document, field by field, with null for an absent or empty field', () => {
    expect(fieldTexts(DOCUMENTS.slice(1, 4), FIELDS)).toEqual([null, 'Crohn’s disease and the heart', '!!!', 'attack of the clones', null, 'disease, disease, DISEASE']);
  });

  it("numbers surface words by first sight across batches, and gives Analyzer.words' words", () => {
    const tokenizer = new BatchTokenizer(DEFAULT_ANALYZER);
    const analyzer = new Analyzer(DEFAULT_ANALYZER);
    const surfaces: string[] = [];
    for (const batch of batches(4)) {
      const texts = fieldTexts(batch, FIELDS);
      const tokenized = tokenizer.tokenize(texts);
      expect(tokenized.firstNewId).toBe(surfaces.length);
      surfaces.push(...tokenized.newSurfaces);
      expect(Array.from(tokenized.wordCounts)).toEqual(texts.map((t) => (t === null ? NO_TEXT : analyzer.words(t).length)));
      expect(Array.from(tokenized.surfaceIds, (id) => surfaces[id])).toEqual(texts.flatMap((t) => (t === null ? [] : analyzer.words(t))));
    }
    expect(new Set(surfaces).size).toBe(surfaces.length);
    expect(surfaces.slice(0, 4)).toEqual(['heart', 'attack', 'the', 'hearts']);
  });
});

describe('IndexBuilder', () => {
  const settings = { stem: true, stopwords: true };
  const builder = () => new IndexBuilder(FIELDS, new Analyzer(settings));
  /** Typed arrays as plain arrays, so rows compare by value. */
  const plain = (rows: BatchRows) => ({
    documents: rows.documents,
    postings: Object.fromEntries(Object.entries(rows.postings).map(([k, v]) => [k, v instanceof Int32Array ? Array.from(v) : v])),
  });

  it('indexes batches tokenized by two tokenizers (a worker that died, then inline) as it indexes them inline', () => {
    const inline = builder();
    const expected = batches(2).map((batch) => plain(inline.add(batch)));

    const switched = builder();
    const worker = new BatchTokenizer(settings, 'worker-1');
    const fallback = new BatchTokenizer(settings);
    const rows = batches(2).map((batch, i) =>
      plain(switched.addTokenized(batch, (i === 0 ? worker : fallback).tokenize(fieldTexts(batch, FIELDS)))),
    );
    expect(rows).toEqual(expected);
    expect(switched.finish()).toEqual(inline.finish());
    expect(switched.totalTokens).toBe(inline.totalTokens);
    expect(switched.postings).toBe(inline.postings);
  });

  it('writes each posting with its positions grouped by term, stopwords counted, fields a gap apart', () => {
    const rows = builder().add([DOCUMENTS[0] as Document]);
    // "heart attack" then, 100 positions on, "the heart, the attack; hearts attacked." ("the" is a stopword).
    expect(plain(rows).postings).toEqual({
      count: 2,
      termIds: [0, 1],
      seqs: [0, 0],
      tfs: [3, 3],
      docLengths: [6, 6],
      positions: [0, 103, 106, 1, 105, 107],
    });
  });

  it('refuses a batch out of order or laid out for other fields instead of indexing the wrong words', () => {
    const tokenizer = new BatchTokenizer(settings);
    const [first, second] = batches(3) as [Document[], Document[]];
    const tokenizedFirst = tokenizer.tokenize(fieldTexts(first, FIELDS));
    const tokenizedSecond = tokenizer.tokenize(fieldTexts(second, FIELDS));
    const skipped = builder();
    expect(() => skipped.addTokenized(second, tokenizedSecond)).toThrow(/tokenized batch out of order: numbering inline-\d+ starts at \d+, expected 0/);
    expect(() => builder().addTokenized(first, tokenizer.tokenize(fieldTexts(first, ['text'])))).toThrow(
      'tokenized batch has 3 field texts for 3 documents of 2 fields',
    );
    expect(skipped.documentCount).toBe(0);
    const inOrder = builder();
    inOrder.addTokenized(first, tokenizedFirst);
    inOrder.addTokenized(second, tokenizedSecond);
    expect(inOrder.documentCount).toBe(DOCUMENTS.length);
  });
});
