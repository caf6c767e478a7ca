/**
 * Streaming import (issue 15) writes exactly the tables the in-memory importer wrote, row for
 * row and in the same order: the built-in sample, MED and ADI, shuffled and in small batches so
 * first occurrences cross batches, and ids that sort differently in UTF-16 and byte order; TREC
 * collections read as a stream (`streamTrec`) give the tables their parsed collection gave.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore, type Store } from '../../lib/store/store';
import { DATASET_TABLES, importCollection, importDocumentStream, type ImportOptions } from '../../lib/datasets/import';
import { collectionStream } from '../../lib/datasets/document-stream';
import { parseBeir, streamBeir } from '../../lib/datasets/beir';
import { parseSmart } from '../../lib/datasets/smart';
import { parseTrec, streamTrec, type TrecPaths } from '../../lib/datasets/trec';
import { openCollectionStream } from '../../lib/datasets/index';
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
          postingsPerCommit: 1,
          progress: { start: () => undefined, update: (_, documents) => void batches.push(documents), stop: () => undefined },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatasetParseError);
        expect((error as Error).message).toMatch(message);
        expect(batches).toEqual([3, 6]); // two batches were written (and committed to staging) before the failure
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

// ---------------------------------------------------------------------------------------------
// TREC

const TREC_TOPICS = `<top>
<num> Number: 401
<title> heart attack
<desc> Description:
What causes a myocardial infarction?
</top>
<top>
<num> Number: 402
<title> café culture
</top>
`;

/**
 * A TREC collection in `root`: the document files given (JSONL lines), SGML topics, and qrels
 * with a repeated judgment and one for a document the corpus does not have (both warned about).
 */
function writeTrec(root: string, docFiles: string[][]): TrecPaths {
  fs.mkdirSync(root, { recursive: true });
  const documents = docFiles.map((lines, i) => {
    const file = path.join(root, `docs-${i + 1}.jsonl`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
  const topics = path.join(root, 'topics.txt');
  fs.writeFileSync(topics, TREC_TOPICS);
  const qrels = path.join(root, 'qrels.txt');
  fs.writeFileSync(qrels, '401 0 b 1\n401 0 a10 2\n401 0 b 1\n402 0 é 1\n402 0 missing 1\n');
  return { qrels, topics, documents };
}

const j = (o: object) => JSON.stringify(o);
// Every accepted key spelling, titles on some documents only, an empty document, and ids whose
// UTF-16 and byte orders differ, spread over two files.
const TREC_DOCS = [
  [
    j({ id: 'b', title: 'Heart attack', text: 'Myocardial infarction and chest pain, heart attack' }),
    j({ docno: 'a10', contents: 'running the race, a heart that races' }),
    '',
    j({ _id: 'é', title: 'Café', body: 'Café café CAFÉ culture' }),
    j({ docid: 7, title: null, text: 'seven' }),
  ],
  [
    j({ id: '\u{1F600}x', text: 'emoji heart' }),
    j({ id: 'a9', title: '', text: '' }),
    j({ id: '\uFF5Ey', title: 'Fullwidth tilde', contents: 'culture of the heart' }),
    j({ id: 'B', text: 'capital b, chest pain' }),
  ],
];

describe('streaming TREC import equals importing the parsed collection', () => {
  it('read as a stream in batches of 2, across two document files', async () => {
    const paths = writeTrec(path.join(dir, 'trec'), TREC_DOCS);
    await withStore({ dbPath }, async (store) => {
      const parsed = await parseTrec(paths);
      const reference = await referenceImportCollection(store, 'reference', parsed);
      const streamed = await importDocumentStream(store, 'streamed', streamTrec(paths), { batchSize: 2 });
      const viaCollection = await importCollection(store, 'collection', parsed);
      expect({ ...streamed, dataset: 'reference' }).toEqual(reference);
      expect({ ...viaCollection, dataset: 'reference' }).toEqual(reference);
      expect(streamed.documents).toBe(8);
      expect(streamed.indexedFields).toEqual(['title', 'text']);
      expect(streamed.warnings.join('\n')).toMatch(/repeated judgment/);
      expect(streamed.warnings.join('\n')).toMatch(/judgments for unknown documents: ids missing/);
      const expected = await tables(store, 'reference');
      expect(expected['index_postings']?.length).toBeGreaterThan(0);
      expect(await tables(store, 'streamed')).toEqual(expected);
      expect(await tables(store, 'collection')).toEqual(expected);
    });
  });

  it('documents without titles: text is the only default field, as the parsed collection has it', async () => {
    const untitled = TREC_DOCS.map((lines) =>
      lines.map((line) => (line === '' ? line : j({ ...(JSON.parse(line) as object), title: undefined }))),
    );
    const paths = writeTrec(path.join(dir, 'untitled'), untitled);
    await withStore({ dbPath }, async (store) => {
      const parsed = await parseTrec(paths);
      expect(parsed.defaultFields).toEqual(['text']);
      const reference = await referenceImportCollection(store, 'reference', parsed);
      const streamed = await importDocumentStream(store, 'streamed', streamTrec(paths), { batchSize: 3 });
      expect({ ...streamed, dataset: 'reference' }).toEqual(reference);
      expect(streamed.indexedFields).toEqual(['text']);
      expect(await tables(store, 'streamed')).toEqual(await tables(store, 'reference'));
      // Fields the user names are kept as named, read as a stream or not.
      await referenceImportCollection(store, 'named', parsed, { fields: ['title', 'text'], analyzer: { stem: false, stopwords: true } });
      await importDocumentStream(store, 'named-streamed', streamTrec(paths), { fields: ['title', 'text'], analyzer: { stem: false, stopwords: true }, batchSize: 2 });
      expect(await tables(store, 'named-streamed')).toEqual(await tables(store, 'named'));
    });
  });
});

describe('a streaming TREC import that fails part-way (benchlab import, a suite import)', () => {
  const bad: [string, (files: string[][]) => void, (paths: TrecPaths) => string][] = [
    ['a malformed line in batch 3', (files) => (files[1]![1] = '{"id":"x","text":'), (p) => `${p.documents[1]}:2: invalid JSON: Unexpected end of JSON input`],
    [
      'a duplicate id in the second file',
      (files) => (files[1]![1] = j({ docno: 'b', text: 'again' })),
      (p) => `${p.documents[1]}:2: duplicate document id 'b' (first at ${p.documents[0]}:1)`,
    ],
  ];
  for (const [what, spoil, message] of bad) {
    it(`on ${what} reports file:line and leaves the old dataset untouched`, async () => {
      const good = writeTrec(path.join(dir, 'good'), TREC_DOCS);
      const files = TREC_DOCS.map((lines) => [...lines]);
      spoil(files);
      const broken = writeTrec(path.join(dir, 'broken'), files);
      await withStore({ dbPath }, async (store) => {
        await importDocumentStream(store, 'coll', await openCollectionStream('trec', [path.join(dir, 'good')]));
        const before = await tables(store, 'coll');
        const batches: number[] = [];
        const error = await importDocumentStream(store, 'coll', await openCollectionStream('trec', [path.join(dir, 'broken')]), {
          batchSize: 2,
          postingsPerCommit: 1,
          progress: { start: () => undefined, update: (_, documents) => void batches.push(documents), stop: () => undefined },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatasetParseError);
        expect((error as Error).message).toBe(message(broken));
        expect(batches).toEqual([2, 4]); // two batches were written (and committed to staging) before the failure
        expect(await tables(store, 'coll')).toEqual(before);
        expect(before['documents']).toHaveLength(8);
        expect(good.documents).toHaveLength(2);
      });
    });
  }
});
