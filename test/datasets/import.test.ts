import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { importCollection } from '../../lib/datasets/import';
import { getDataset, listDatasets, loadQrels, loadQueries } from '../../lib/datasets/catalog';
import { parseCollection } from '../../lib/datasets/index';
import { DatasetParseError } from '../../lib/datasets/parse-error';
import { InputError } from '../../lib/input-error';
import { tinyCollection } from '../support/tiny-collection';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = tempDir();
  dbPath = path.join(dir, 'db.duckdb');
});
afterEach(() => removeDir(dir));

function writeBeir(root: string, docs: string[], qrels: string[]): string {
  fs.mkdirSync(path.join(root, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(root, 'corpus.jsonl'), docs.join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'queries.jsonl'), '{"_id":"q1","text":"heart"}\n');
  fs.writeFileSync(path.join(root, 'qrels', 'test.tsv'), ['query-id\tcorpus-id\tscore', ...qrels].join('\n') + '\n');
  return root;
}

describe('importCollection', () => {
  it('stores documents, queries and graded qrels under the dataset name and reports empty documents', async () => {
    const summary = await withStore({ dbPath }, (store) => importCollection(store, 'tiny', tinyCollection()));
    expect(summary).toMatchObject({ documents: 5, queries: 2, judgments: 3, judgedQueries: 2, emptyDocIds: ['d5'] });
    expect(summary.warnings.join('\n')).toMatch(/1 document\(s\) with no text in the indexed fields \(title, text\): d5/);
    await withStore({ dbPath }, async (store) => {
      const qrels = await loadQrels(store, 'tiny');
      expect(qrels.get('q1')).toEqual(new Map([['d1', 2], ['d3', 1]]));
      expect((await loadQueries(store, 'tiny')).map((q) => q.id)).toEqual(['q1', 'q2']);
      expect((await getDataset(store, 'tiny')).indexedFields).toEqual(['title', 'text']);
    });
  });

  it('indexes only the fields the user chooses', async () => {
    await withStore({ dbPath }, async (store) => {
      const summary = await importCollection(store, 'titles', tinyCollection(), { fields: ['title'] });
      expect(summary.totalTokens).toBe(5); // "Heart attack", "Diabetes", "Smoking", "Vaccines", ""
      await expect(importCollection(store, 'x', tinyCollection(), { fields: ['abstract'] })).rejects.toThrow(
        /none of the requested fields \(abstract\) occurs in any document; available fields: text, title/,
      );
    });
  });

  it('replaces a dataset on re-import, leaving other datasets alone', async () => {
    await withStore({ dbPath }, async (store) => {
      await importCollection(store, 'a', tinyCollection());
      await importCollection(store, 'b', tinyCollection());
      const smaller = tinyCollection();
      smaller.documents = smaller.documents.slice(0, 2);
      await importCollection(store, 'a', smaller);
      const counts = await store.all<{ dataset: string; n: bigint }>(
        `SELECT dataset, count(*) AS n FROM documents GROUP BY dataset ORDER BY dataset`,
      );
      expect(counts).toEqual([{ dataset: 'a', n: 2n }, { dataset: 'b', n: 5n }]);
      expect((await listDatasets(store)).map((d) => [d.name, d.docCount])).toEqual([['a', 2], ['b', 5]]);
    });
  });

  it('rejects unsafe dataset names before writing anything', async () => {
    await withStore({ dbPath }, async (store) => {
      await expect(importCollection(store, "x'; DROP TABLE documents;--", tinyCollection())).rejects.toBeInstanceOf(InputError);
      expect(await listDatasets(store)).toEqual([]);
    });
  });

  it('fails on a malformed file with file:line and leaves the existing dataset untouched', async () => {
    const good = writeBeir(path.join(dir, 'good'), ['{"_id":"d1","title":"Heart","text":"heart attack"}'], ['q1\td1\t1']);
    const bad = writeBeir(
      path.join(dir, 'bad'),
      ['{"_id":"d1","title":"Heart","text":"heart attack"}', '{"_id":"d2","title":"x"', '{"_id":"d3","text":"ok"}'],
      ['q1\td1\t1'],
    );
    await withStore({ dbPath }, async (store) => importCollection(store, 'coll', await parseCollection('beir', [good])));
    const error = await parseCollection('beir', [bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetParseError);
    expect((error as Error).message).toMatch(/corpus\.jsonl:2: /);
    await withStore({ dbPath }, async (store) => {
      const info = await getDataset(store, 'coll');
      expect(info.docCount).toBe(1);
      expect((await loadQrels(store, 'coll')).get('q1')).toEqual(new Map([['d1', 1]]));
    });
  });

  it('rolls back a re-import that fails while writing, keeping the old dataset whole', async () => {
    await withStore({ dbPath }, async (store) => {
      await importCollection(store, 'tiny', tinyCollection());
      const broken = tinyCollection();
      // A grade that is not a whole number cannot be stored in the INTEGER grade column.
      broken.qrels.push({ queryId: 'q2', docId: 'd1', grade: Number.NaN });
      await expect(importCollection(store, 'tiny', broken)).rejects.toThrow();
      const docs = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM documents WHERE dataset = 'tiny'`);
      const postings = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM index_postings WHERE dataset = 'tiny'`);
      expect(docs?.n).toBe(5n);
      expect(Number(postings?.n)).toBeGreaterThan(0);
      expect((await loadQrels(store, 'tiny')).get('q2')).toEqual(new Map([['d4', 1]]));
    });
  });
});
