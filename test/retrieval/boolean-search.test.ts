import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/store';
import { importCollection } from '../../lib/datasets/import';
import { searchBoolean, type BooleanResult } from '../../lib/retrieval/boolean-search';
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

async function docs(text: string): Promise<string[]> {
  const [result] = await searchBoolean(store, 'tiny', [{ key: 'q', text }]);
  if (!result?.ok) throw new Error(`query failed: ${JSON.stringify(result)}`);
  return result.results.map((r) => r.docId).sort();
}

describe('boolean search', () => {
  // d1: heart attack smoking; d2: diabetic heart disease; d3: smoking lung cancer attack heart; d4: influenza vaccination elderly
  it.each([
    ['heart AND smoking', ['d1', 'd3']],
    ['heart & !smoking', ['d2']],
    ['heart AND NOT (smoking OR diabetes)', []],
    ['influenza | diabetes', ['d2', 'd4']],
    ['(lung OR vaccination) AND NOT elderly', ['d3']],
    ['"heart attack"', ['d1']],
    ['"attack heart"', []],
    ['"attack on the heart"', ['d3']],
    ['diabet*', ['d2']],
    ['vaccinat*', ['d4']],
    ['VACCINE*', ['d4']],
    ['vaccinations*', []],
    ['smok*', ['d1', 'd3']],
    ['Smokers', []],
    ['smoking', ['d1', 'd3']],
    ['NOT heart', ['d4', 'd5']],
    ['nothing AND heart', []],
  ])('%s matches %j', async (query, expected) => {
    expect(await docs(query)).toEqual(expected);
  });

  it('ranks the filtered documents by BM25 over the positive terms', async () => {
    const [result] = await searchBoolean(store, 'tiny', [{ key: 'q', text: 'heart AND (attack OR disease)' }]);
    expect(result?.ok).toBe(true);
    const ranked = (result as Extract<BooleanResult, { ok: true }>).results;
    // d2 has "disease", the rarest positive term (df 1, highest idf), in a short document.
    expect(ranked.map((r) => r.docId)).toEqual(['d2', 'd1', 'd3']);
    expect(ranked[0]?.score).toBeGreaterThan(ranked[1]?.score ?? Infinity);
    expect(ranked[1]?.score).toBeGreaterThan(ranked[2]?.score ?? Infinity);
  });

  it('returns a structured error for a malformed query and still answers the others', async () => {
    const results = await searchBoolean(store, 'tiny', [
      { key: 'bad', text: 'heart AND (smoking' },
      { key: 'good', text: 'influenza' },
      { key: 'empty', text: 'zebra' },
    ]);
    expect(results[0]).toMatchObject({ key: 'bad', ok: false, error: { position: 10 } });
    expect(results[1]).toMatchObject({ key: 'good', ok: true, matched: 1 });
    expect(results[2]).toMatchObject({ key: 'empty', ok: true, matched: 0, results: [] });
  });

  it('treats hostile text as data, never as SQL', async () => {
    const results = await searchBoolean(store, 'tiny', [
      { key: 'sql', text: `heart'); DROP TABLE documents; --` },
      { key: 'quote', text: `"it's" OR o'brien*` },
    ]);
    expect(results.every((r) => r.key.length > 0)).toBe(true);
    const count = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM documents WHERE dataset = 'tiny'`);
    expect(count?.n).toBe(5n);
  });
});
