/**
 * `streamTrec` (lib/datasets/trec.ts) hands TREC JSONL documents to the importer in batches,
 * reading the files line by line: a DocumentStream spy between the stream and the real importer
 * (DuckDB in a temp folder) counts the batches and their progress positions (bytes of the
 * document files); errors name file:line as `parseTrec` always did; and the parser's heap does
 * not grow with the collection beyond its id map (a synthetic corpus of 40,000 documents, 50 MiB,
 * measured after full garbage collections).
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchHandler, DocumentStream } from '../../lib/datasets/document-stream';
import { importDocumentStream } from '../../lib/datasets/import';
import { DatasetParseError } from '../../lib/datasets/parse-error';
import { streamTrec, type TrecPaths } from '../../lib/datasets/trec';
import type { Document } from '../../lib/datasets/types';
import { withStore } from '../../lib/store/store';
import { runCli } from '../support/run-cli';
import { writeSyntheticTrec } from '../support/synthetic-beir';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

/** What a spy saw: each batch's document ids and the position reported with it. */
interface Seen {
  batches: { ids: string[]; position: number }[];
}

/** Passes `stream` through unchanged, recording every batch the importer receives. */
function spy(stream: DocumentStream): { stream: DocumentStream; seen: Seen } {
  const seen: Seen = { batches: [] };
  return {
    seen,
    stream: {
      ...stream,
      forEachBatch: (batchSize: number, onBatch: BatchHandler) =>
        stream.forEachBatch(batchSize, async (documents, position) => {
          seen.batches.push({ ids: documents.map((d) => d.id), position });
          await onBatch(documents, position);
        }),
      finish: () => stream.finish(),
    },
  };
}

function writeFiles(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    out[name] = path.join(dir, name);
    fs.writeFileSync(out[name], content);
  }
  return out;
}

const doc = (id: string, text: string) => JSON.stringify({ id, text });

describe('streamTrec', () => {
  it('hands the documents to the importer in batches, in file order, with byte positions up to its size', async () => {
    const first = Array.from({ length: 6 }, (_, i) => doc(`a${i}`, `café number ${i}, naïve résumé`)).join('\n') + '\n';
    const second = '\uFEFF' + Array.from({ length: 4 }, (_, i) => doc(`b${i}`, `heart ${i}`)).join('\r\n') + '\r\n';
    const f = writeFiles({
      'one.jsonl': first,
      'two.jsonl': second,
      'topics.tsv': '1\tcafe\n',
      'qrels.txt': '1 0 a1 1\n',
    });
    const paths: TrecPaths = { qrels: f['qrels.txt']!, topics: f['topics.tsv']!, documents: [f['one.jsonl']!, f['two.jsonl']!] };
    const { stream, seen } = spy(streamTrec(paths));
    const bytes = Buffer.byteLength(first) + Buffer.byteLength(second);
    expect(stream.size).toBe(bytes);
    const summary = await withStore({ dbPath: path.join(dir, 'db.duckdb') }, (store) =>
      importDocumentStream(store, 'trec', stream, { batchSize: 4 }),
    );
    expect(seen.batches.map((b) => b.ids)).toEqual([
      ['a0', 'a1', 'a2', 'a3'],
      ['a4', 'a5', 'b0', 'b1'],
      ['b2', 'b3'],
    ]);
    const positions = seen.batches.map((b) => b.position);
    expect(positions[0]).toBe(Buffer.byteLength(first.split('\n').slice(0, 4).join('\n')) + 1);
    expect(positions[1]).toBeGreaterThan(Buffer.byteLength(first));
    expect(positions.at(-1)).toBe(bytes);
    expect(summary).toMatchObject({ documents: 10, queries: 1, judgments: 1, indexedFields: ['text'] });
  });

  it('a duplicate id in another file names both places; a missing file is reported when it is reached', async () => {
    const f = writeFiles({ 'one.jsonl': `${doc('x', 'a')}\n${doc('y', 'b')}\n`, 'two.jsonl': `\n${doc('y', 'c')}\n`, 't.tsv': '1\tq\n', 'q.txt': '1 0 x 1\n' });
    const collect = async (documents: string[]) => {
      const received: Document[] = [];
      const stream = streamTrec({ qrels: f['q.txt']!, topics: f['t.tsv']!, documents });
      await stream.forEachBatch(1, async (batch) => void received.push(...batch));
      return received;
    };
    const duplicate = await collect([f['one.jsonl']!, f['two.jsonl']!]).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DatasetParseError);
    expect((duplicate as Error).message).toBe(`${f['two.jsonl']}:2: duplicate document id 'y' (first at ${f['one.jsonl']}:2)`);
    const missing = path.join(dir, 'gone.jsonl');
    const error = await collect([f['one.jsonl']!, missing]).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${missing}: file not found`);
  });
});

describe('benchlab import --format trec (built CLI)', () => {
  it('imports a folder of TREC files through the stream', async () => {
    const paths = writeSyntheticTrec(path.join(dir, 'synthetic'), 1200);
    const result = await runCli(['--db', path.join(dir, 'db.duckdb'), 'import', '--format', 'trec', '--dataset', 'syn', '--json', path.join(dir, 'synthetic')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dataset: 'syn', format: 'trec', documents: 1200, queries: 20, indexedFields: ['title', 'text'] });
    expect(fs.statSync(paths.documents).size).toBeGreaterThan(1e6);
  });
});

// In-process full collections: V8's gc, exposed at run time (as `node --expose-gc` would).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Live heap bytes added per document from the 10,000th document to the last multiple of 10,000,
 * reading `paths` in batches of 500; both samples are taken in the batch handler, with the file
 * reader's buffers live alike. `hold` keeps every batch (what the importer did before streaming).
 */
async function heapPerDocument(paths: TrecPaths, hold: boolean): Promise<number> {
  const held: Document[] = [];
  const samples: { documents: number; heap: number }[] = [];
  let documents = 0;
  await streamTrec(paths).forEachBatch(500, async (batch) => {
    documents += batch.length;
    if (hold) held.push(...batch);
    if (documents % 10_000 === 0) {
      gc();
      samples.push({ documents, heap: process.memoryUsage().heapUsed });
    }
  });
  expect(held.length).toBe(hold ? documents : 0);
  const [first, last] = [samples[0], samples.at(-1)];
  if (first === undefined || last === undefined || last === first) throw new Error('fewer than 20,000 documents');
  return (last.heap - first.heap) / (last.documents - first.documents);
}

describe('streamTrec memory', () => {
  it('holds about one id per document, not the documents (40,000 synthetic documents)', async () => {
    const paths = writeSyntheticTrec(path.join(dir, 'synthetic'), 40_000);
    const megabytes = fs.statSync(paths.documents).size / 2 ** 20;
    const streamed = await heapPerDocument(paths, false);
    const holding = await heapPerDocument(paths, true);
    process.stdout.write(
      `streamTrec over ${megabytes.toFixed(0)} MiB: heap +${streamed.toFixed(0)} B per document streamed, ` +
        `+${holding.toFixed(0)} B per document held\n`,
    );
    expect(streamed).toBeLessThan(250);
    expect(holding).toBeGreaterThan(800); // the measure sees a held collection
  });
});
