/**
 * The in-process top-k engine (bm25-top-k.ts over postings-cache.ts) against the SQL engine it
 * replaces (bm25.ts `scoreBm25`, kept as the reference): the same documents, order and scores,
 * bit for bit, for every query of MED and ADI (top 1000) and the tiny sample; the boolean search
 * against the reference boolean search; a re-import invalidates the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/store';
import { importCollection } from '../../lib/datasets/import';
import { parseSmart } from '../../lib/datasets/smart';
import { getDataset, loadQueries } from '../../lib/datasets/catalog';
import { Analyzer } from '../../lib/text/analyzer';
import { scoreBm25 } from '../../lib/retrieval/bm25';
import { analyzeQueries, retrieveAll, retrieveTexts } from '../../lib/retrieval/retrieve';
import { searchBoolean, type BooleanResult } from '../../lib/retrieval/boolean-search';
import { searchBooleanSql } from '../../lib/retrieval/boolean-search-sql';
import type { Run } from '../../lib/evaluation/types';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { tinyCollection } from '../support/tiny-collection';
import { removeDir, tempDir } from '../support/temp-store';

let store: Store;
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  store = await openStore({ dbPath: `${dir}/t.duckdb` });
  await importCollection(store, 'tiny', tinyCollection());
});
afterAll(() => {
  store.close();
  removeDir(dir);
});

async function sqlRun(dataset: string, params?: { k1: number; b: number }, top?: number): Promise<Run> {
  const info = await getDataset(store, dataset);
  const queries = await loadQueries(store, dataset);
  const terms = analyzeQueries(new Analyzer(info.analyzer), queries.map((q) => ({ key: q.id, text: q.text })));
  const run = await scoreBm25(store, dataset, terms, { ...(params ? { params } : {}), ...(top ? { top } : {}) });
  for (const q of queries) if (!run.has(q.id)) run.set(q.id, []);
  return run;
}

function flat(run: Run): string[] {
  return [...run].flatMap(([key, docs]) => docs.map((d, rank) => `${key} ${rank} ${d.docId} ${d.score}`));
}

/** Boolean queries of every shape built from a query text's words: AND, OR, NOT, nested, phrases, prefixes. */
function booleanQueries(key: string, text: string): { key: string; text: string }[] {
  const words = text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  if (words.length < 4) return [];
  const [a, b, c, d] = words as [string, string, string, string];
  const forms = [
    `${a} AND ${b}`,
    `${a} OR ${b} OR ${c}`,
    `${a} AND NOT ${b}`,
    `NOT ${c}`,
    `(${a} OR ${b}) AND (${c} OR NOT ${d})`,
    `"${a} ${b}"`,
    `"${b} ${c}" OR ${d}`,
    `${a.slice(0, 4)}* AND ${c}`,
    `(${b.slice(0, 3)}* OR "${c} ${d}") AND NOT ${a}`,
    `${a} ${b} ${c}`,
  ];
  return forms.map((form, i) => ({ key: `${key}.${i}`, text: form }));
}

function flatBoolean(results: BooleanResult[]): string[] {
  return results.map((r) =>
    r.ok
      ? `${r.key} ${r.matched} [${[...(r.matchedDocNos ?? [])].sort((x, y) => x - y).join(',')}] ` +
        r.results.map((d) => `${d.docId}:${d.score}`).join(' ')
      : `${r.key} error ${r.error.message}`,
  );
}

async function sameBoolean(dataset: string, queries: { key: string; text: string }[], top?: number): Promise<BooleanResult[]> {
  const options = { withMatches: true, ...(top ? { top } : {}) };
  const expected = await searchBooleanSql(store, dataset, queries, options);
  const actual = await searchBoolean(store, dataset, queries, options);
  expect(flatBoolean(actual)).toEqual(flatBoolean(expected));
  return actual;
}

/** How many of the queries whose key ends with `.form` matched at least one document. */
function matching(results: BooleanResult[], form: number): number {
  return results.filter((r) => r.ok && r.key.endsWith(`.${form}`) && r.matched > 0).length;
}

describe('top-k engine equals the SQL engine', () => {
  it('on the tiny sample', async () => {
    expect(flat(await retrieveAll(store, 'tiny'))).toEqual(flat(await sqlRun('tiny')));
    expect(flat(await retrieveAll(store, 'tiny', { top: 2 }))).toEqual(flat(await sqlRun('tiny', undefined, 2)));
  });

  const collections = { med: ['w'], adi: ['t', 'w'] } as const;
  for (const [name, fields] of Object.entries(collections)) {
    it.skipIf(!sharedPresent)(`on ${name}: every query's top 1000 and top 10, two parameter settings${SKIP_SHARED_REASON}`, async () => {
      await importCollection(store, name, await parseSmart(sharedPath('datasets', name)), { fields: [...fields] });
      for (const params of [undefined, { k1: 0.9, b: 0.4 }]) {
        for (const top of [1000, 10]) {
          const expected = flat(await sqlRun(name, params, top));
          const actual = flat(await retrieveAll(store, name, { ...(params ? { params } : {}), top }));
          expect(actual.length).toBeGreaterThan(0);
          expect(actual).toEqual(expected);
        }
      }
      const queries = (await loadQueries(store, name)).flatMap((q) => booleanQueries(q.id, q.text));
      expect(queries.length).toBeGreaterThan(100);
      const results = await sameBoolean(name, queries);
      // The comparison is meaningful: phrases, prefixes and nested NOTs do match documents.
      for (const form of [0, 3, 4, 5, 7, 8]) expect(matching(results, form)).toBeGreaterThan(0);
      await sameBoolean(name, queries, 5);
    }, 120_000);
  }

  it('boolean search on the tiny sample: matches, ranking and scores', async () => {
    await sameBoolean('tiny', [
      'heart AND smoking', 'heart & !smoking', 'heart AND NOT (smoking OR diabetes)', 'influenza | diabetes',
      '(lung OR vaccination) AND NOT elderly', '"heart attack"', '"attack on the heart"', 'diabet*', 'VACCINE*',
      'smok*', 'NOT heart', 'nothing AND heart', '"heart attack" OR NOT (lung AND smok*)', 'heart AND (', 'heart heart attack',
    ].map((text, i) => ({ key: `b${i}`, text })));
  });

  it('a re-import invalidates the cached postings', async () => {
    await importCollection(store, 'swap', tinyCollection());
    const before = await retrieveTexts(store, 'swap', [{ key: 'q', text: 'heart' }]);
    const collection = tinyCollection();
    collection.documents = collection.documents.map((d) =>
      d.id === 'd1' ? { id: 'd1', fields: { title: 'Attack', text: 'Risk rises with smoking.' } } : d,
    );
    await importCollection(store, 'swap', collection);
    const after = await retrieveTexts(store, 'swap', [{ key: 'q', text: 'heart' }]);
    expect(before.get('q')?.map((d) => d.docId)).toContain('d1');
    expect(after.get('q')?.map((d) => d.docId)).not.toContain('d1');
    expect(flat(after)).toEqual(flat(await scoreBm25(store, 'swap', [{ queryKey: 'q', term: 'heart', weight: 1 }])));
  });
});
