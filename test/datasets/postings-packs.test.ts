/**
 * Packed postings (lib/datasets/postings-packs.ts): the engine loaded from a dataset's packs
 * holds exactly the arrays the scan of index_postings gives (a dataset imported before packs
 * existed loads that way), cut into one part or many; a re-import replaces the packs and a
 * removal drops them; packs that do not add up are ignored, not trusted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/store';
import { importCollection, removeDataset } from '../../lib/datasets/import';
import { parseSmart } from '../../lib/datasets/smart';
import { getDataset } from '../../lib/datasets/catalog';
import { deletePostingsPacks, writePostingsPacks } from '../../lib/datasets/postings-packs';
import { removePostingsFile } from '../../lib/datasets/postings-file';
import { clearPostingsCache, postingsIndex, type PostingsIndex } from '../../lib/retrieval/postings-cache';
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

async function load(dataset: string): Promise<PostingsIndex> {
  clearPostingsCache();
  return postingsIndex(store, await getDataset(store, dataset));
}

async function parts(dataset: string): Promise<number> {
  const row = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM index_packs WHERE dataset = $dataset`, { dataset });
  return row?.n ?? 0;
}

/** The engine's view of a dataset, term by term, independent of how its term indexes are numbered. */
function byTerm(index: PostingsIndex): Map<string, { idf: number; docs: number[]; tfs: number[] }> {
  const out = new Map<string, { idf: number; docs: number[]; tfs: number[] }>();
  for (const [term, i] of index.termIndex) {
    const from = index.offsets[i] as number;
    const to = index.offsets[i + 1] as number;
    out.set(term, { idf: index.idf[i] as number, docs: [...index.docs.subarray(from, to)], tfs: [...index.tfs.subarray(from, to)] });
  }
  return out;
}

async function expectPackedEqualsScanned(dataset: string): Promise<void> {
  removePostingsFile(store.dbPath, dataset); // the import's postings file would be loaded first (postings-file.test.ts)
  const packed = await load(dataset);
  expect(packed.loadedFrom).toBe('packs');
  expect(await parts(dataset)).toBeGreaterThan(0);
  await deletePostingsPacks(store, dataset);
  const scanned = await load(dataset);
  expect(scanned.loadedFrom).toBe('index_postings');
  expect(byTerm(packed)).toEqual(byTerm(scanned));
  expect([...packed.docLengths]).toEqual([...scanned.docLengths]);
  expect(packed.docCount).toBe(scanned.docCount);
}

describe('packed postings', () => {
  it('load the same index as the scan of index_postings (tiny collection)', async () => {
    await importCollection(store, 'tiny', tinyCollection());
    await expectPackedEqualsScanned('tiny');
  });

  it.skipIf(!sharedPresent)(`load the same index as the scan, in one part or in many (MED)${SKIP_SHARED_REASON}`, async () => {
    await importCollection(store, 'med', await parseSmart(sharedPath('datasets', 'med')), { fields: ['w'] });
    expect(await parts('med')).toBe(1);
    await expectPackedEqualsScanned('med');
    // Parts of at most 5,000 postings: a term's postings never split, the parts add up in order.
    const docFreqs = (await store.columns(`SELECT doc_freq FROM index_terms WHERE dataset = 'med' ORDER BY term_no`))[0] as number[];
    await store.transaction(() => writePostingsPacks(store, 'med', docFreqs, { partPostings: 5000 }));
    expect(await parts('med')).toBeGreaterThan(10);
    await expectPackedEqualsScanned('med');
  });

  it('are replaced by a re-import, dropped with the dataset, and ignored when they do not add up', async () => {
    await importCollection(store, 'gone', tinyCollection());
    const first = await parts('gone');
    await importCollection(store, 'gone', tinyCollection());
    expect(await parts('gone')).toBe(first);
    // A part short of postings: the loader falls back to the scan instead of a wrong index.
    removePostingsFile(store.dbPath, 'gone');
    const scannedFirst = byTerm(await load('gone'));
    await store.run(`UPDATE index_packs SET postings = postings - 1, doc_nos = doc_nos[1:-5] WHERE dataset = 'gone'`);
    const fallback = await load('gone');
    expect(fallback.loadedFrom).toBe('index_postings');
    expect(byTerm(fallback)).toEqual(scannedFirst);
    await removeDataset(store, 'gone');
    expect(await parts('gone')).toBe(0);
  });
});
