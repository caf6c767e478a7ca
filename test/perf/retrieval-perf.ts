/**
 * Retrieval benchmark for `npm run perf`: MED (from ../shared) parsed, imported and indexed,
 * every query retrieved, scored and recorded, in one process, with the time of each phase.
 * The retrieve-all phase is compared with Xapian run over the same text in the same command
 * (Debian python3-xapian; when it is missing, with the reference figure of 590 queries/s from
 * ../shared/reference/ir-bm25.md, and the output says which).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseSmart } from '../../lib/datasets/smart';
import { importCollection } from '../../lib/datasets/import';
import { loadQrels } from '../../lib/datasets/catalog';
import { evaluateRun } from '../../lib/evaluation/evaluate';
import { retrieveAll } from '../../lib/retrieval/retrieve';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { withStore, type Store } from '../../lib/store/store';
import { projectRoot } from '../../lib/store/db-path';
import type { ParsedCollection } from '../../lib/datasets/types';
import { median } from '../../lib/stats/descriptive';

/** Xapian's MED figure from ../shared/reference/ir-bm25.md, used only when Xapian is not installed. */
export const REFERENCE_XAPIAN_QPS = 590;
export const RETRIEVE_REPEATS = 20;
export const INDEX_SIZE_LIMIT_RATIO = 3;

const INDEX_TABLES = ['index_terms', 'index_words', 'index_postings'];

export interface RetrievalPerf {
  collection: string;
  documents: number;
  queries: number;
  phasesMs: { parse: number; importAndIndex: number; retrieveFirst: number; retrieveMedian: number; evaluate: number; record: number };
  queriesPerSecond: number;
  baseline: { source: 'xapian-same-command' | 'reference-figure'; queriesPerSecond: number; indexMs?: number };
  ratioToBaseline: number;
  indexBytes: number;
  rawTextBytes: number;
  indexToRawRatio: number;
  map: number;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/** Bytes of DuckDB storage blocks holding the index tables (an upper bound: whole blocks). */
async function indexBytes(store: Store): Promise<number> {
  await store.run('CHECKPOINT');
  const blockSize = await store.one<{ block_size: bigint }>(`SELECT block_size FROM pragma_database_size()`);
  let blocks = 0;
  for (const table of INDEX_TABLES) {
    const row = await store.one<{ blocks: bigint }>(
      `SELECT count(DISTINCT block_id) AS blocks FROM pragma_storage_info($table) WHERE block_id >= 0`,
      { table },
    );
    blocks += Number(row?.blocks ?? 0);
  }
  return blocks * Number(blockSize?.block_size ?? 0);
}

function runXapian(collection: ParsedCollection, fields: string[]): RetrievalPerf['baseline'] | undefined {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python) || spawnSync(python, ['-c', 'import xapian']).status !== 0) return undefined;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-xapian-'));
  try {
    const docs = collection.documents.map((d) => JSON.stringify({ id: d.id, text: fields.map((f) => d.fields[f] ?? '').join('\n') }));
    fs.writeFileSync(path.join(folder, 'docs.jsonl'), docs.join('\n') + '\n');
    fs.writeFileSync(path.join(folder, 'queries.jsonl'), collection.queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
    const script = path.join(projectRoot(), 'test', 'perf', 'xapian-baseline.py');
    const result = spawnSync(python, [script, folder, String(RETRIEVE_REPEATS)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`xapian baseline failed: ${result.stderr}`);
    const out = JSON.parse(result.stdout) as { index_s: number; query_s: number; queries: number };
    return { source: 'xapian-same-command', queriesPerSecond: out.queries / out.query_s, indexMs: out.index_s * 1000 };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export async function measureRetrieval(collectionDir: string, fields: string[]): Promise<RetrievalPerf> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-perf-'));
  const dbPath = path.join(dir, 'perf.duckdb');
  const name = path.basename(collectionDir);
  try {
    const [collection, parseMs] = await timed(() => parseSmart(collectionDir));
    const rawTextBytes = collection.documents.reduce(
      (sum, d) => sum + fields.reduce((s, f) => s + Buffer.byteLength(d.fields[f] ?? ''), 0),
      0,
    );
    return await withStore({ dbPath }, async (store) => {
      const [, importMs] = await timed(() => importCollection(store, name, collection, { fields }));
      const [, retrieveFirst] = await timed(() => retrieveAll(store, name));
      const repeats: number[] = [];
      let run = await retrieveAll(store, name);
      for (let i = 0; i < RETRIEVE_REPEATS; i++) {
        const [r, ms] = await timed(() => retrieveAll(store, name));
        run = r;
        repeats.push(ms);
      }
      const retrieveMedian = median(repeats);
      const qrels = await loadQrels(store, name);
      const [evaluation, evaluateMs] = await timed(async () => evaluateRun(run, qrels));
      const [, recordMs] = await timed(async () => (await runRetrieval(store, name)).timingsMs.record);
      const queriesPerSecond = collection.queries.length / (retrieveMedian / 1000);
      const baseline = runXapian(collection, fields) ?? { source: 'reference-figure' as const, queriesPerSecond: REFERENCE_XAPIAN_QPS };
      const bytes = await indexBytes(store);
      return {
        collection: name,
        documents: collection.documents.length,
        queries: collection.queries.length,
        phasesMs: { parse: parseMs, importAndIndex: importMs, retrieveFirst, retrieveMedian, evaluate: evaluateMs, record: recordMs },
        queriesPerSecond,
        baseline,
        ratioToBaseline: queriesPerSecond / baseline.queriesPerSecond,
        indexBytes: bytes,
        rawTextBytes,
        indexToRawRatio: bytes / rawTextBytes,
        map: evaluation.mean['map'] ?? NaN,
      };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
