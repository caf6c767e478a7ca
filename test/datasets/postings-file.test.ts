/**
 * The postings file beside the database (lib/datasets/postings-file.ts): the import writes it,
 * the engine loads from it exactly the index the packs and the scan of index_postings give, and
 * it is only trusted while it belongs to the dataset's import: a file of an earlier import, a
 * truncated or foreign file, or none at all falls back to the packs. A removal deletes it; a
 * folder where it cannot be written costs a warning, not the import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/store';
import { importCollection, removeDataset } from '../../lib/datasets/import';
import { parseSmart } from '../../lib/datasets/smart';
import { getDataset } from '../../lib/datasets/catalog';
import { postingsFilePath, removePostingsFile } from '../../lib/datasets/postings-file';
import { deletePostingsPacks } from '../../lib/datasets/postings-packs';
import { clearPostingsCache, postingsIndex, type PostingsIndex } from '../../lib/retrieval/postings-cache';
import { retrieveAll } from '../../lib/retrieval/retrieve';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { tinyCollection } from '../support/tiny-collection';
import { removeDir, tempDir } from '../support/temp-store';

let store: Store;
let dir: string;
let db: string;
beforeAll(async () => {
  dir = tempDir();
  db = path.join(dir, 't.duckdb');
  store = await openStore({ dbPath: db });
});
afterAll(() => {
  store.close();
  removeDir(dir);
});

async function load(dataset: string): Promise<PostingsIndex> {
  clearPostingsCache();
  return postingsIndex(store, await getDataset(store, dataset));
}

/** What the engine scores with: the arrays, compared as plain numbers. */
function arrays(index: PostingsIndex): { offsets: number[]; docs: number[]; tfs: number[]; lengths: number[]; idf: number[] } {
  return {
    offsets: [...index.offsets],
    docs: [...index.docs],
    tfs: [...index.tfs],
    lengths: [...index.docLengths],
    idf: [...index.idf],
  };
}

function file(dataset: string): string {
  return postingsFilePath(db, dataset) as string;
}

describe('postings file', () => {
  it('is written by the import beside the database and loads the same index as the packs and the scan', async () => {
    await importCollection(store, 'tiny', tinyCollection());
    expect(file('tiny')).toBe(path.join(`${db}.postings`, 'tiny.bin'));
    expect(fs.existsSync(file('tiny'))).toBe(true);
    // No temp file left behind.
    expect(fs.readdirSync(`${db}.postings`)).toEqual(['tiny.bin']);
    const fromFile = await load('tiny');
    expect(fromFile.loadedFrom).toBe('file');
    // Shared memory, so worker threads can score over it without a copy.
    expect(fromFile.docs.buffer).toBeInstanceOf(SharedArrayBuffer);
    removePostingsFile(db, 'tiny');
    const fromPacks = await load('tiny');
    expect(fromPacks.loadedFrom).toBe('packs');
    expect(arrays(fromFile)).toEqual(arrays(fromPacks));
  });

  it.skipIf(!sharedPresent)(`gives the same rankings as the packs (MED, 30 queries, top 1000)${SKIP_SHARED_REASON}`, async () => {
    await importCollection(store, 'med', await parseSmart(sharedPath('datasets', 'med')), { fields: ['w'] });
    clearPostingsCache();
    expect((await load('med')).loadedFrom).toBe('file');
    const withFile = await retrieveAll(store, 'med', { top: 1000 });
    removePostingsFile(db, 'med');
    clearPostingsCache();
    expect((await load('med')).loadedFrom).toBe('packs');
    clearPostingsCache();
    const withPacks = await retrieveAll(store, 'med', { top: 1000 });
    expect([...withFile]).toEqual([...withPacks]);
    expect(withFile.size).toBe(30);
    await deletePostingsPacks(store, 'med');
    clearPostingsCache();
    expect([...(await retrieveAll(store, 'med', { top: 1000 }))]).toEqual([...withPacks]);
  });

  it('of an earlier import is ignored, and a re-import replaces it', async () => {
    await importCollection(store, 'again', tinyCollection());
    const earlier = fs.readFileSync(file('again'));
    const collection = tinyCollection();
    collection.documents.push({ id: 'd6', fields: { title: 'Heart', text: 'A heart attack in the young.' } });
    await importCollection(store, 'again', collection);
    expect(fs.readFileSync(file('again')).equals(earlier)).toBe(false);
    const current = await load('again');
    expect(current.loadedFrom).toBe('file');
    expect(current.docCount).toBe(6);
    // The earlier import's file put back (a copy restored, a write that died after the commit): not trusted.
    fs.writeFileSync(file('again'), earlier);
    const fallback = await load('again');
    expect(fallback.loadedFrom).toBe('packs');
    expect(arrays(fallback)).toEqual(arrays(current));
  });

  it('that is truncated, foreign or empty is ignored', async () => {
    await importCollection(store, 'bad', tinyCollection());
    const good = fs.readFileSync(file('bad'));
    const reference = arrays(await load('bad'));
    const broken: [string, Buffer][] = [
      ['truncated', good.subarray(0, good.length - 4)],
      ['one byte longer', Buffer.concat([good, Buffer.from([0])])],
      ['foreign', Buffer.from('not a postings file at all')],
      ['empty', Buffer.alloc(0)],
      ['header garbled', Buffer.concat([good.subarray(0, 30), Buffer.from('{{{'), good.subarray(33)])],
    ];
    for (const [what, bytes] of broken) {
      fs.writeFileSync(file('bad'), bytes);
      const loaded = await load('bad');
      expect({ what, from: loaded.loadedFrom }).toEqual({ what, from: 'packs' });
      expect(arrays(loaded)).toEqual(reference);
    }
  });

  it('goes with the dataset when it is removed', async () => {
    await importCollection(store, 'gone', tinyCollection());
    expect(fs.existsSync(file('gone'))).toBe(true);
    await removeDataset(store, 'gone');
    expect(fs.existsSync(file('gone'))).toBe(false);
  });

  it('that cannot be written costs a warning, not the import', async () => {
    const otherDir = tempDir();
    try {
      const otherDb = path.join(otherDir, 'o.duckdb');
      // A plain file where the folder should be: the folder cannot be made (as root too).
      fs.writeFileSync(`${otherDb}.postings`, 'in the way');
      const other = await openStore({ dbPath: otherDb });
      try {
        const summary = await importCollection(other, 'tiny', tinyCollection());
        expect(summary.documents).toBe(5);
        expect(summary.warnings.some((w) => w.startsWith('postings file not written (') && w.includes('loads this dataset from the database'))).toBe(true);
        clearPostingsCache();
        const loaded = await postingsIndex(other, await getDataset(other, 'tiny'));
        expect(loaded.loadedFrom).toBe('packs');
        expect(fs.readdirSync(otherDir).sort()).toEqual(['o.duckdb', 'o.duckdb.postings'].sort());
      } finally {
        other.close();
      }
    } finally {
      removeDir(otherDir);
    }
  });
});
