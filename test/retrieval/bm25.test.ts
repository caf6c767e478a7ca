import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/store';
import { importCollection } from '../../lib/datasets/import';
import { scoreBm25 } from '../../lib/retrieval/bm25';
import { retrieveTexts } from '../../lib/retrieval/retrieve';
import type { ParsedCollection } from '../../lib/datasets/types';
import { tinyCollection } from '../support/tiny-collection';
import { removeDir, tempDir } from '../support/temp-store';

let store: Store;
let dir: string;
beforeEach(async () => {
  dir = tempDir();
  store = await openStore({ dbPath: `${dir}/t.duckdb` });
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

/** Lucene BM25 by hand: idf = ln(1 + (N - df + 0.5)/(df + 0.5)); tf part = tf(k1+1)/(tf + k1(1 - b + b dl/avgdl)). */
function bm25(tf: number, df: number, n: number, dl: number, avgdl: number, k1 = 1.2, b = 0.75): number {
  const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
  return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * dl) / avgdl));
}

describe('BM25 in SQL', () => {
  it('matches the formula computed by hand', async () => {
    const collection: ParsedCollection = {
      format: 'beir',
      documents: [
        { id: 'a', fields: { text: 'cat cat dog' } },
        { id: 'b', fields: { text: 'cat bird bird bird fish' } },
        { id: 'c', fields: { text: 'fish' } },
      ],
      queries: [],
      qrels: [],
      defaultFields: ['text'],
      warnings: [],
    };
    await importCollection(store, 'pets', collection);
    const run = await scoreBm25(store, 'pets', [
      { queryKey: 'q', term: 'cat', weight: 1 },
      { queryKey: 'q', term: 'fish', weight: 2 },
    ]);
    // N = 3 documents, lengths 3, 5, 1: avgdl = 3. df(cat) = 2, df(fish) = 2.
    const expected = new Map([
      ['a', bm25(2, 2, 3, 3, 3)],
      ['b', bm25(1, 2, 3, 5, 3) + 2 * bm25(1, 2, 3, 5, 3)],
      ['c', 2 * bm25(1, 2, 3, 1, 3)],
    ]);
    const results = run.get('q') ?? [];
    expect(results.map((r) => r.docId)).toEqual([...expected].sort((x, y) => y[1] - x[1]).map(([id]) => id));
    for (const r of results) expect(r.score).toBeCloseTo(expected.get(r.docId) ?? NaN, 8);
  });

  it('scores every query in one call, honours k1/b and top', async () => {
    await importCollection(store, 'tiny', tinyCollection());
    const run = await retrieveTexts(store, 'tiny', [
      { key: 'q1', text: 'heart attack' },
      { key: 'q2', text: 'influenza vaccines' },
      { key: 'q3', text: 'no such words' },
    ], { top: 2 });
    expect(run.get('q1')?.map((r) => r.docId)).toEqual(['d1', 'd3']);
    expect(run.get('q2')?.map((r) => r.docId)).toEqual(['d4']);
    expect(run.get('q3')).toEqual([]);
    const flat = await retrieveTexts(store, 'tiny', [{ key: 'q1', text: 'heart' }], { params: { k1: 1.2, b: 0 } });
    // With b = 0 length does not matter: d1 (tf 2) beats d2 and d3 (tf 1), and d3 > d2 only by doc id order.
    expect(flat.get('q1')?.map((r) => r.docId)).toEqual(['d1', 'd3', 'd2']);
  });

  it('breaks score ties by doc id in descending string order, as trec_eval does', async () => {
    const collection: ParsedCollection = {
      format: 'beir',
      documents: ['d10', 'd9', 'd2', 'd100'].map((id) => ({ id, fields: { text: 'same words here' } })),
      queries: [],
      qrels: [],
      defaultFields: ['text'],
      warnings: [],
    };
    await importCollection(store, 'ties', collection);
    const run = await retrieveTexts(store, 'ties', [{ key: 'q', text: 'words' }]);
    expect(run.get('q')?.map((r) => r.docId)).toEqual(['d9', 'd2', 'd100', 'd10']);
  });

  it('rejects invalid parameters with a message naming them', async () => {
    await importCollection(store, 'tiny', tinyCollection());
    await expect(retrieveTexts(store, 'tiny', [{ key: 'q', text: 'heart' }], { params: { k1: -1, b: 0.75 } })).rejects.toThrow(/k1/);
    await expect(retrieveTexts(store, 'tiny', [{ key: 'q', text: 'heart' }], { params: { k1: 1, b: 2 } })).rejects.toThrow(/b must be between 0 and 1/);
    await expect(retrieveTexts(store, 'nope', [{ key: 'q', text: 'heart' }])).rejects.toThrow(/unknown dataset 'nope'; imported datasets: tiny/);
  });
});
