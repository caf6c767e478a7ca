/**
 * Streaming import (issue 15) writes exactly the tables the in-memory importer wrote, row for
 * row and in the same order: the built-in sample, MED and ADI, shuffled and in small batches so
 * first occurrences cross batches, and ids that sort differently in UTF-16 and byte order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore, type Store } from '../../lib/store/store';
import { DATASET_TABLES, importCollection, importDocumentStream, type ImportOptions } from '../../lib/datasets/import';
import { collectionStream } from '../../lib/datasets/document-stream';
import { parseBeir, streamBeir } from '../../lib/datasets/beir';
import { parseSmart } from '../../lib/datasets/smart';
import { DatasetParseError } from '../../lib/datasets/parse-error';
import type { ParsedCollection } from '../../lib/datasets/types';
import { referenceImportCollection } from '../support/reference-import';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { removeDir, tempDir } from '../support/temp-store';

const SAMPLE_DIR = path.resolve(__dirname, '../../data/sample');

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = tempDir();
  dbPath = path.join(dir, 'db.duckdb');
});
afterEach(() => removeDir(dir));

/**
 * The rows of one dataset in each table without the dataset's name: in stored order, except
 * documents, which the streaming import stores in reading order (not sorted by doc_no: see
 * lib/datasets/import.ts) and are compared by doc_no.
 */
async function tables(store: Store, dataset: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of DATASET_TABLES) {
    if (table === 'datasets') {
      out[table] = await store.all(
        `SELECT * EXCLUDE (name, imported_at, source_paths) FROM datasets WHERE name = $dataset`,
        { dataset },
      );
    } else {
      const order = table === 'documents' ? ' ORDER BY doc_no' : '';
      out[table] = await store.all(`SELECT * EXCLUDE (dataset) FROM ${table} WHERE dataset = $dataset${order}`, { dataset });
    }
  }
  return out;
}

/** Seeded Fisher-Yates (a small LCG): the same shuffle on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function expectSameAsReference(collection: ParsedCollection, options: ImportOptions = {}): Promise<void> {
  await withStore({ dbPath }, async (store) => {
    const reference = await referenceImportCollection(store, 'reference', collection, options);
    const input = { ...collection, documents: shuffled(collection.documents, 15) };
    const streamed = await importDocumentStream(store, 'streamed', collectionStream(input), { ...options, batchSize: 97 });
    expect({ ...streamed, dataset: 'reference' }).toEqual(reference);
    const expected = await tables(store, 'reference');
    expect(expected['index_postings']?.length).toBeGreaterThan(0);
    expect(await tables(store, 'streamed')).toEqual(expected);
  });
}

describe('streaming import equals the in-memory importer', () => {
  it('on the built-in sample, read as a stream in batches of 3', async () => {
    await withStore({ dbPath }, async (store) => {
      const reference = await referenceImportCollection(store, 'reference', await parseBeir(SAMPLE_DIR));
      const streamed = await importDocumentStream(store, 'streamed', streamBeir(SAMPLE_DIR), { batchSize: 3 });
      const viaCollection = await importCollection(store, 'collection', await parseBeir(SAMPLE_DIR));
      expect({ ...streamed, dataset: 'reference' }).toEqual(reference);
      expect({ ...viaCollection, dataset: 'reference' }).toEqual(reference);
      const expected = await tables(store, 'reference');
      expect(await tables(store, 'streamed')).toEqual(expected);
      expect(await tables(store, 'collection')).toEqual(expected);
    });
  });

  it('on the sample shuffled, with stopwords and without stemming', async () => {
    await expectSameAsReference(await parseBeir(SAMPLE_DIR), { analyzer: { stem: false, stopwords: true } });
  });

  it('on ids whose UTF-16 and byte orders differ, repeated words and empty documents', async () => {
    const ids = ['b', 'B', 'a10', 'a9', 'é', 'z', '\u{1F600}x', '\uFF5Ey', 'Ä', 'a', 'ab', 'émile', '10', '9', ''];
    const texts = ['Café café CAFÉ run running', 'running the race', '', 'Ünïcode café race', 'a b c a b c', 'x'];
    const collection: ParsedCollection = {
      format: 'beir',
      documents: ids.map((id, i) => ({ id: id || 'empty-id', fields: { title: texts[i % texts.length] ?? '', text: texts[(i * 5) % texts.length] ?? '' } })),
      queries: [{ id: 'q1', text: 'cafe' }],
      qrels: [{ queryId: 'q1', docId: 'a', grade: 1 }, { queryId: 'q1', docId: 'missing', grade: 1 }],
      defaultFields: ['title', 'text'],
      warnings: [],
    };
    await expectSameAsReference(collection);
    await withStore({ dbPath }, async (store) => {
      await referenceImportCollection(store, 'title-only', collection, { fields: ['title'] });
      await importDocumentStream(store, 'title-only-streamed', collectionStream({ ...collection, documents: shuffled(collection.documents, 3) }), { fields: ['title'], batchSize: 2 });
      expect(await tables(store, 'title-only-streamed')).toEqual(await tables(store, 'title-only'));
    });
  });

  for (const name of ['med', 'adi']) {
    it.skipIf(!sharedPresent)(`on ${name.toUpperCase()}${SKIP_SHARED_REASON}`, async () => {
      await expectSameAsReference(await parseSmart(sharedPath('datasets', name)));
    });
  }
});

function writeBeir(root: string, lines: string[]): string {
  fs.mkdirSync(path.join(root, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(root, 'corpus.jsonl'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'queries.jsonl'), '{"_id":"q1","text":"heart"}\n');
  fs.writeFileSync(path.join(root, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
  return root;
}

const docLine = (i: number) => JSON.stringify({ _id: `d${i}`, title: `title ${i}`, text: `heart attack number ${i}` });

describe('a streaming import that fails part-way', () => {
  const bad: [string, (lines: string[]) => void, RegExp][] = [
    ['a malformed line in batch 3', (lines) => (lines[7] = '{"_id":"d8","title":"x"'), /corpus\.jsonl:8: invalid JSON/],
    ['a duplicate id in batch 3', (lines) => (lines[6] = docLine(2)), /corpus\.jsonl:7: duplicate _id 'd2' \(first at line 2\)/],
  ];
  for (const [what, spoil, message] of bad) {
    it(`on ${what} reports file:line and leaves the old dataset untouched`, async () => {
      const good = writeBeir(path.join(dir, 'good'), Array.from({ length: 5 }, (_, i) => docLine(i + 1)));
      const lines = Array.from({ length: 12 }, (_, i) => docLine(i + 1));
      spoil(lines);
      const broken = writeBeir(path.join(dir, 'broken'), lines);
      await withStore({ dbPath }, async (store) => {
        await importDocumentStream(store, 'coll', streamBeir(good));
        const before = await tables(store, 'coll');
        const batches: number[] = [];
        const error = await importDocumentStream(store, 'coll', streamBeir(broken), {
          batchSize: 3,
          progress: { start: () => undefined, update: (_, documents) => void batches.push(documents), stop: () => undefined },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatasetParseError);
        expect((error as Error).message).toMatch(message);
        expect(batches).toEqual([3, 6]); // two batches were written before the failure
        expect(await tables(store, 'coll')).toEqual(before);
        expect(before['documents']).toHaveLength(5);
        const staging = await store.one<{ n: bigint }>(
          `SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'import_stage%'`,
        );
        expect(staging?.n).toBe(0n);
      });
    });
  }

  it('fails on a field no document has after reading them, leaving the old dataset', async () => {
    const good = writeBeir(path.join(dir, 'good'), Array.from({ length: 5 }, (_, i) => docLine(i + 1)));
    await withStore({ dbPath }, async (store) => {
      await importDocumentStream(store, 'coll', streamBeir(good));
      const before = await tables(store, 'coll');
      await expect(importDocumentStream(store, 'coll', streamBeir(good), { fields: ['abstract'] })).rejects.toThrow(
        /none of the requested fields \(abstract\) occurs in any document; available fields: text, title/,
      );
      expect(await tables(store, 'coll')).toEqual(before);
    });
  });
});
