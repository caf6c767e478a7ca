/**
 * `datasets pull` streams the corpus into the store: the archive's BEIR files are unpacked into a
 * temp folder beside the cache and read by `streamBeir` in import batches (500 documents), with
 * the import progress, and the folder is removed afterwards, whether the import succeeded or
 * failed; a failure leaves the stored dataset as it was. Archives are local `--from` files of a
 * name the registry does not know (read unverified); download, checksum and cache are
 * pull.test.ts's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDataset } from '../../lib/datasets/catalog';
import type { BeirRegistry } from '../../lib/datasets/beir-registry';
import type { ImportProgress } from '../../lib/datasets/import-progress';
import { DatasetParseError } from '../../lib/datasets/parse-error';
import { prepareBeirPull, pullBeirDataset, type PullOptions } from '../../lib/datasets/pull';
import type { PullProgress } from '../../lib/datasets/pull-progress';
import { withStore } from '../../lib/store/store';
import { tmpDir } from './helpers';
import { zipEntries } from './zip-writer';

const DOCUMENTS = 1200;
const docLine = (i: number) => JSON.stringify({ _id: `d${i}`, title: `title ${i}`, text: `heart attack number ${i}` });
const CORPUS = Array.from({ length: DOCUMENTS }, (_, i) => docLine(i + 1)).join('\n') + '\n';
const EMPTY_REGISTRY: BeirRegistry = { file: '(test)', datasets: new Map() };

let dir: string;
let cacheDir: string;
let dbPath: string;
beforeEach(() => {
  dir = tmpDir();
  cacheDir = path.join(dir, 'cache');
  dbPath = path.join(dir, 'db.duckdb');
});

function writeArchive(name: string, corpus: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    zipEntries([
      { name: 'big/corpus.jsonl', data: corpus },
      { name: 'big/queries.jsonl', data: '{"_id":"q1","text":"heart attack"}\n' },
      { name: 'big/qrels/test.tsv', data: 'query-id\tcorpus-id\tscore\nq1\td1\t1\n' },
    ]),
  );
  return file;
}

/** An import progress that records what it is told. */
function recordingProgress(): { progress: ImportProgress; total: number[]; updates: [number, number][] } {
  const total: number[] = [];
  const updates: [number, number][] = [];
  return {
    total,
    updates,
    progress: { start: (n) => void total.push(n), update: (position, documents) => void updates.push([position, documents]), stop: () => undefined },
  };
}

function pull(from: string, options: Partial<PullOptions> = {}) {
  return withStore({ dbPath }, (store) => pullBeirDataset(store, { name: 'big', from, cacheDir, registry: EMPTY_REGISTRY, ...options }));
}

/** What is left in the cache folder: no unpack folder may remain. */
const leftovers = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((n) => n !== '.gitignore') : []);

describe('datasets pull streams the corpus', () => {
  it('imports in batches with the import progress (corpus bytes), then removes the unpacked files', async () => {
    const { progress, total, updates } = recordingProgress();
    const steps: string[] = [];
    const pullProgress: PullProgress = { bytes: () => ({ add: () => undefined, done: () => undefined }), step: (s) => void steps.push(s) };
    const result = await pull(writeArchive('big.zip', CORPUS), { importProgress: progress, progress: pullProgress });
    expect(result).toMatchObject({ dataset: 'big', documents: DOCUMENTS, judgments: 1, verified: false });
    expect(steps).toContain(`index ${DOCUMENTS} documents into dataset big`);
    expect(total).toEqual([Buffer.byteLength(CORPUS)]);
    expect(updates.map(([, documents]) => documents)).toEqual([500, 1000, 1200]);
    expect(updates.at(-1)?.[0]).toBe(Buffer.byteLength(CORPUS));
    expect(leftovers()).toEqual([]);
  });

  it('a malformed line after two batches: named in the archive, the old dataset kept, no unpacked files left', async () => {
    await pull(writeArchive('good.zip', CORPUS));
    const lines = CORPUS.split('\n');
    lines[1099] = '{"_id":"d1100","text":';
    const broken = writeArchive('broken.zip', lines.join('\n'));
    const { progress, updates } = recordingProgress();
    const error = await pull(broken, { importProgress: progress }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetParseError);
    expect((error as Error).message).toMatch(new RegExp(`^${broken.replace(/[.\\]/g, '\\$&')}!big/corpus\\.jsonl:1100: invalid JSON`));
    expect(updates.map(([, documents]) => documents)).toEqual([500, 1000]);
    await withStore({ dbPath }, async (store) => {
      expect(await getDataset(store, 'big')).toMatchObject({ docCount: DOCUMENTS, sourcePaths: [path.join(dir, 'good.zip')] });
    });
    expect(leftovers()).toEqual([]);
  });

  it('a prepared pull keeps its unpacked files for the import until disposed', async () => {
    const prepared = await prepareBeirPull({ name: 'big', from: writeArchive('big.zip', CORPUS), cacheDir, registry: EMPTY_REGISTRY });
    expect(prepared.documents).toBe(DOCUMENTS);
    expect(leftovers()).toEqual([expect.stringMatching(new RegExp(`^\\.unpack-big-${process.pid}-`))]);
    prepared.dispose();
    prepared.dispose();
    expect(leftovers()).toEqual([]);
  });
});
