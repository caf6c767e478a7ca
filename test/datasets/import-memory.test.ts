/**
 * Streaming import's memory does not grow with the collection: synthetic BEIR corpora (fixed
 * seed, ~1 kB per document) of 20,000 and 60,000 documents are imported through the built CLI
 * in a child process under `/usr/bin/time -v`, each twice (a peak is one instant of a process
 * whose garbage collector and allocator run when they will: the lower of two is kept). Two
 * bounds: the larger import's peak stays under 1,000 MiB, and it grows by less
 * than 10 kB per added document. DuckDB's buffers fill up to the import's memory limit
 * (IMPORT_DUCKDB_MEMORY_LIMIT) over the first tens of thousands of documents and then stay
 * there, which is most of the measured difference (about 6 kB per document between 20k and 60k,
 * about 0.8 kB between 60k and 300k); the importer that held the collection grew by about 30 kB
 * per document.
 *
 * IMPORT_MEMORY_SIZES (e.g. `20000,60000,100000`) and IMPORT_MEMORY_CLI (another build's
 * dist/lib/cli/main.js, e.g. the in-memory importer's, for before/after figures) change the run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli';
import { writeSyntheticBeir } from '../support/synthetic-beir';
import { removeDir, tempDir } from '../support/temp-store';

const TIME = '/usr/bin/time';
const SIZES = (process.env['IMPORT_MEMORY_SIZES'] ?? '20000,60000').split(',').map(Number);
const cli = process.env['IMPORT_MEMORY_CLI'] ?? CLI;
const available = fs.existsSync(TIME) && fs.existsSync(cli);

interface Measure {
  documents: number;
  seconds: number;
  peakMb: number;
  bytes: number;
}

let dir: string;
beforeAll(() => {
  dir = tempDir('benchlab-import-memory-');
});
afterAll(() => removeDir(dir));

function importMeasured(documents: number): Measure {
  const corpus = writeSyntheticBeir(path.join(dir, `beir-${documents}`), documents);
  const db = path.join(dir, `db-${documents}.duckdb`);
  const started = process.hrtime.bigint();
  const child = spawnSync(TIME, ['-v', process.execPath, cli, '--db', db, 'import', '--format', 'beir', '--dataset', 'synthetic', '--json', corpus], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`import of ${documents} documents failed (${child.status}):\n${child.stderr}`);
  const summary = JSON.parse(child.stdout) as { documents: number };
  expect(summary.documents).toBe(documents);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1];
  if (kb === undefined) throw new Error(`no peak RSS in /usr/bin/time's report:\n${child.stderr}`);
  const bytes = fs.statSync(path.join(corpus, 'corpus.jsonl')).size;
  fs.rmSync(corpus, { recursive: true, force: true });
  fs.rmSync(db, { force: true });
  return { documents, seconds, peakMb: Number(kb) / 1024, bytes };
}

describe('streaming import memory', () => {
  it.skipIf(!available)('peak RSS does not grow with the collection (20k vs 60k synthetic documents)', { timeout: 900_000 }, () => {
    const measures = SIZES.map((documents) => {
      const [a, b] = [importMeasured(documents), importMeasured(documents)];
      return a.peakMb <= b.peakMb ? a : b;
    });
    for (const m of measures) {
      process.stdout.write(
        `import ${m.documents} documents (${(m.bytes / 1e6).toFixed(0)} MB): ${m.seconds.toFixed(1)} s, ` +
          `${Math.round(m.documents / m.seconds)} documents/s, peak RSS ${m.peakMb.toFixed(0)} MB\n`,
      );
    }
    const [small, ...larger] = measures;
    if (!small) return;
    for (const m of larger) {
      expect(m.peakMb).toBeLessThan(1000);
      expect((m.peakMb - small.peakMb) / (m.documents - small.documents)).toBeLessThan(10 / 1024);
    }
  });
});
