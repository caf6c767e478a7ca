/**
 * `npm run perf`: runs every benchmark and prints its figures with the baseline it is compared
 * against (a ratio measured in the same command). Not part of `npm test`: timings are reported,
 * never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../lib/store/db-path';
import { measureRetrieval, INDEX_SIZE_LIMIT_RATIO } from './retrieval-perf';
import { measureLlm, OVERHEAD_CALLS, VALIDATIONS, CACHE_HITS, CACHED_RUN_REPEATS } from './llm-perf';
import { measureGpuPerf, PERF_SAMPLES, PERF_INTERVAL_MS } from './gpu-perf';
import { renderTable } from '../../lib/terminal-table';
import { measureCliStartup, CLI_STARTUP_TARGET_MS } from './cli-startup-perf';
import { measureEmbeddingThroughput, measureVectorSearch, VECTOR_DIMS, VECTOR_QUERIES, VECTOR_SIZES, VECTOR_TOP_K } from './vector-perf';
import {
  measureScale, benchlabTotalMs, xapianAvailable, isFailed, TARGETS, DEFAULT_SIZES, TARGET_SIZE, GB, type ScalePoint, type FailedPoint,
} from './scale-perf';

const SHARED_DATASETS = path.resolve(projectRoot(), '..', 'shared', 'datasets');

async function retrievalSection(): Promise<void> {
  const med = path.join(SHARED_DATASETS, 'med');
  if (!fs.existsSync(med)) {
    process.stdout.write(`retrieval: skipped, ${med} not found (the MED collection lives in ../shared)\n`);
    return;
  }
  const perf = await measureRetrieval(med, ['w']);
  const p = perf.phasesMs;
  process.stdout.write(`\n## Retrieval: ${perf.collection} (${perf.documents} documents, ${perf.queries} queries), one process\n`);
  process.stdout.write(
    renderTable(
      ['phase', 'ms'],
      [
        ['parse SMART files', p.parse],
        ['import + index (in one transaction)', p.importAndIndex],
        ['retrieve all queries, first (cold)', p.retrieveFirst],
        [`retrieve all queries, median of warm runs`, p.retrieveMedian],
        ['score (trec_eval measures)', p.evaluate],
        ['record run (results + metrics)', p.record],
      ],
    ) + '\n',
  );
  const baselineName = perf.baseline.source === 'xapian-same-command' ? 'Xapian (python3-xapian), same command' : 'Xapian reference figure (python3-xapian not installed)';
  process.stdout.write(
    `retrieve-all: ${perf.queriesPerSecond.toFixed(0)} queries/s vs ${perf.baseline.queriesPerSecond.toFixed(0)} queries/s for ${baselineName}: ratio ${perf.ratioToBaseline.toFixed(2)}\n` +
      (perf.baseline.indexMs !== undefined ? `Xapian in-memory index build: ${perf.baseline.indexMs.toFixed(0)} ms\n` : '') +
      `index tables: ${(perf.indexBytes / 1024).toFixed(0)} KiB (whole DuckDB blocks) for ${(perf.rawTextBytes / 1024).toFixed(0)} KiB of indexed text: ` +
      `${perf.indexToRawRatio.toFixed(2)}x (target < ${INDEX_SIZE_LIMIT_RATIO}x)\n` +
      `MAP ${perf.map.toFixed(4)}\n`,
  );
}

async function llmSection(): Promise<void> {
  const perf = await measureLlm();
  process.stdout.write(`\n## LLM layer (against the Ollama-compatible test server, in this process)\n`);
  process.stdout.write(
    renderTable(
      ['figure', 'value', 'target'],
      [
        [`direct ollama client call, median of ${OVERHEAD_CALLS}`, `${perf.directMedianMs.toFixed(3)} ms`, ''],
        ['LlmClient.generate, same request, median', `${perf.harnessMedianMs.toFixed(3)} ms`, ''],
        ['harness overhead per call (median added)', `${perf.addedMedianMs.toFixed(3)} ms (ratio ${perf.ratio.toFixed(2)})`, '< 1 ms'],
        [`cached model validation, mean of ${VALIDATIONS}`, `${(perf.validationMs * 1000).toFixed(2)} µs`, '< 100 µs'],
        [`response-cache hit, mean of ${CACHE_HITS}`, `${perf.cacheHitMs.toFixed(4)} ms`, '< 5 ms'],
        [`run of ${perf.cachedRun.items} cached items, end to end`, `${(perf.cachedRun.cachedMs / 1000).toFixed(2)} s`, '< 10 s'],
        [
          `same run filling the cache first (${perf.cachedRun.items / CACHED_RUN_REPEATS} LLM calls + ${perf.cachedRun.items - perf.cachedRun.items / CACHED_RUN_REPEATS} in-run hits)`,
          `${(perf.cachedRun.fillMs / 1000).toFixed(2)} s`,
          '',
        ],
      ],
    ) + '\n',
  );
}

async function gpuSection(): Promise<void> {
  const perf = await measureGpuPerf();
  process.stdout.write(
    `\n## GPU sampler (stand-in nvidia-smi from test/fixtures/gpu/bin, ${PERF_SAMPLES} samples at ${PERF_INTERVAL_MS} ms)\n`,
  );
  process.stdout.write(
    renderTable(
      ['mode', 'tool starts', 'wall ms', 'Node CPU ms', 'tool CPU ms', 'CPU s per hour at 1 Hz'],
      [perf.loop, perf.perSample].map((m) => [m.mode, m.toolSpawns, m.wallMs, m.nodeCpuMs, m.toolCpuMs, m.cpuSecondsPerHour]),
    ) + '\n',
  );
  process.stdout.write(
    `spawn per sample / loop mode CPU: ratio ${perf.ratio.toFixed(1)}\n` +
      `parsing: ${perf.parse.rows.toLocaleString('en')} CSV rows in ${perf.parse.ms.toFixed(0)} ms = ${Math.round(perf.parse.rowsPerSecond).toLocaleString('en')} rows/s\n`,
  );
}

async function cliSection(): Promise<void> {
  const perf = measureCliStartup();
  process.stdout.write(`\n## CLI start-up (median of ${perf.runs} starts each, interleaved, against node -e 0)\n`);
  process.stdout.write(
    renderTable(
      ['command', 'median ms', 'ratio to node -e 0', 'added ms', 'CPU ms per start', 'target'],
      perf.figures.map((f, i) => [f.command, f.medianMs.toFixed(0), f.ratio.toFixed(2), String(Math.round(f.addedMs)), f.cpuMs === null ? '-' : f.cpuMs.toFixed(0), i === 0 ? '' : `< ${CLI_STARTUP_TARGET_MS} ms`]),
    ) + '\n',
  );
}

/** The sizes of the scale curve: `--sizes a,b,c`, else the defaults plus 300k when `--max` allows it. */
function scaleSizes(args: string[]): number[] {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const v = args[at + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  const positive = (text: string, flag: string): number => {
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got '${text}'`);
    return n;
  };
  const sizes = value('--sizes');
  if (sizes !== undefined) return sizes.split(',').map((s) => positive(s.trim(), '--sizes'));
  const max = value('--max');
  const limit = max === undefined ? Math.max(...DEFAULT_SIZES) : positive(max, '--max');
  return [...DEFAULT_SIZES, 300_000].filter((n) => n <= limit);
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const gb = (bytes: number | null): string => (bytes === null ? '-' : (bytes / GB).toFixed(2));
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const verdict = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL');

function curveRow(p: ScalePoint | FailedPoint): (string | number)[] {
  if (isFailed(p)) return [p.label, p.documents.toLocaleString('en'), `failed: ${p.error.split('\n')[0]?.slice(0, 160) ?? ''}`, ...Array<string>(14).fill('')];
  const b = p.benchlab;
  const x = p.xapian;
  return [
    p.label, p.corpus.documents.toLocaleString('en'), p.corpus.questions, mb(p.corpus.corpusBytes),
    seconds(b.importMs), gb(b.importRssBytes), seconds(b.retrieveMs), b.queriesPerSecond.toFixed(0), gb(b.retrieveRssBytes), mb(b.dbBytes),
    seconds(x.indexMs), seconds(x.queryMs), x.queriesPerSecond.toFixed(0), gb(x.peakRssBytes), mb(x.dbBytes),
    (benchlabTotalMs(p) / (x.indexMs + x.queryMs)).toFixed(2), (b.metrics['map'] ?? NaN).toFixed(3),
  ];
}

async function scaleSection(args: string[]): Promise<void> {
  const sources = ['med', 'adi'].map((n) => path.join(SHARED_DATASETS, n));
  const missing = sources.filter((s) => !fs.existsSync(s));
  if (missing.length > 0) {
    process.stdout.write(`scale: skipped, ${missing.join(', ')} not found (the classic collections live in ../shared)\n`);
    return;
  }
  if (!xapianAvailable()) {
    process.stdout.write('scale: skipped, /usr/bin/python3 cannot import xapian (Debian python3-xapian)\n');
    return;
  }
  const keep = args.includes('--keep');
  const sizes = scaleSizes(args);
  const log = (line: string): void => void process.stderr.write(`  ${line}\n`);
  const perf = await measureScale({ sizes, keep, sources, log });
  const { cran, curve } = perf;

  process.stdout.write(
    `\n## Scale: Benchlab CLI (import, then retrieve --top 1000 --no-record, two processes) vs Xapian ` +
      `(python3-xapian, one process, one thread), synthetic BEIR corpora from MED + ADI sentences, seed fixed\n`,
  );
  process.stdout.write(
    renderTable(
      [
        'corpus', 'documents', 'queries', 'corpus MB',
        'import s', 'import RSS GB', 'retrieve s', 'queries/s', 'retrieve RSS GB', 'DuckDB MB',
        'Xapian index s', 'Xapian query s', 'Xapian queries/s', 'Xapian RSS GB', 'Xapian DB MB',
        'ratio', 'MAP',
      ],
      [cran, ...curve].map(curveRow),
    ) + '\n',
  );
  process.stdout.write(
    'import s and retrieve s: wall clock of each command (process start, evaluation included); queries/s: the retrieve phase as the CLI times it; ' +
      'ratio: (import s + retrieve s) / (Xapian index s + query s); RSS: peak resident set of each process; DuckDB MB: .duckdb + .wal after import.\n',
  );

  const at = curve.find((p) => p.label === `syn-${TARGET_SIZE}`);
  const rows: (string | number)[][] = [];
  if (isFailed(cran)) {
    rows.push(['CRAN-sized end to end', 'failed (above)', `<= ${TARGETS.cranRatio.toFixed(1)}`, 'FAIL']);
  } else {
    const cranRatio = benchlabTotalMs(cran) / cran.xapian.wallMs;
    rows.push([
      `CRAN-sized end to end (${cran.corpus.documents.toLocaleString('en')} docs, ${cran.corpus.questions} queries): Benchlab two commands / Xapian process`,
      `${seconds(benchlabTotalMs(cran))} s / ${seconds(cran.xapian.wallMs)} s = ${cranRatio.toFixed(2)}`,
      `<= ${TARGETS.cranRatio.toFixed(1)}`,
      verdict(cranRatio <= TARGETS.cranRatio),
    ]);
  }
  if (at === undefined) {
    rows.push([`${TARGET_SIZE.toLocaleString('en')} documents`, `not measured (add ${TARGET_SIZE.toLocaleString('en')} to --sizes)`, '', 'n/a']);
  } else if (isFailed(at)) {
    rows.push([`${TARGET_SIZE.toLocaleString('en')} documents`, 'failed (above)', '', 'FAIL']);
  } else {
    const ratio = benchlabTotalMs(at) / (at.xapian.indexMs + at.xapian.queryMs);
    const b = at.benchlab;
    rows.push(
      [
        `${TARGET_SIZE.toLocaleString('en')} docs: import + retrieve-all / Xapian index + query`,
        `${seconds(benchlabTotalMs(at))} s / ${seconds(at.xapian.indexMs + at.xapian.queryMs)} s = ${ratio.toFixed(2)}`,
        `<= ${TARGETS.scaleRatio}`,
        verdict(ratio <= TARGETS.scaleRatio),
      ],
      [`${TARGET_SIZE.toLocaleString('en')} docs: import peak RSS`, `${gb(b.importRssBytes)} GB`, '<= 1 GB', verdict(b.importRssBytes === null ? null : b.importRssBytes <= TARGETS.peakRssBytes)],
      [`${TARGET_SIZE.toLocaleString('en')} docs: retrieve peak RSS`, `${gb(b.retrieveRssBytes)} GB`, '<= 1 GB', verdict(b.retrieveRssBytes === null ? null : b.retrieveRssBytes <= TARGETS.peakRssBytes)],
      [`${TARGET_SIZE.toLocaleString('en')} docs: retrieval queries/s`, b.queriesPerSecond.toFixed(0), `>= ${TARGETS.queriesPerSecond}`, verdict(b.queriesPerSecond >= TARGETS.queriesPerSecond)],
    );
  }
  process.stdout.write(renderTable(['target (issue 15)', 'measured', 'target', 'result'], rows) + '\n');
  process.stdout.write(
    `missed targets are reported, not errors. Timings are wall clock on a shared machine (${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)} now).` +
      (keep ? ` Corpora kept in ${perf.root}.` : '') + '\n',
  );
  const failed = [cran, ...curve].filter(isFailed);
  if (failed.length > 0) throw new Error(`scale: ${failed.map((f) => f.label).join(', ')} failed (see the table)`);
}

async function vectorsSection(args: string[]): Promise<void> {
  const sizes = args.length > 0 ? args.map(Number) : [...VECTOR_SIZES];
  process.stdout.write(`\n## Exact vector search in DuckDB (${VECTOR_DIMS} dimensions, random unit vectors, ${VECTOR_QUERIES} queries, top ${VECTOR_TOP_K} documents, max over chunks)\n`);
  const rows: (string | number)[][] = [];
  for (const chunks of sizes) {
    const p = await measureVectorSearch(chunks);
    rows.push([
      p.chunks.toLocaleString('en-US'), `${(p.fillMs / 1000).toFixed(1)} s`, `${p.allQueriesMs.toFixed(0)} ms`, `${p.perQueryMs.toFixed(1)} ms`,
      `${p.singleQueryMs.toFixed(0)} ms`, `${(p.dbBytes / 1024 / 1024).toFixed(0)} MiB`,
    ]);
  }
  process.stdout.write(renderTable(['chunks', 'store (fill)', `all ${VECTOR_QUERIES} queries, one pass (median of 3)`, 'per query', 'one query alone', 'database file'], rows) + '\n');
  const e = await measureEmbeddingThroughput();
  process.stdout.write(
    `\n## Embedding pass (client + store path, against the Ollama-compatible test server in this process; not a GPU)\n` +
      renderTable(
        ['figure', 'value'],
        [
          ['documents / chunks', `${e.documents} / ${e.chunks}`],
          ['requests (/api/embed, batches of 64)', e.requests],
          ['first pass', `${e.seconds.toFixed(1)} s = ${e.chunksPerSecond.toFixed(0)} chunks/s`],
          ['second pass (all stored: nothing computed)', `${e.reuseSeconds.toFixed(2)} s, ${e.reuseRequests} requests`],
        ],
      ) + '\n',
  );
}

const SECTIONS: Record<string, (args: string[]) => Promise<void>> = {
  retrieval: retrievalSection,
  vectors: vectorsSection,
  llm: llmSection,
  gpu: gpuSection,
  cli: cliSection,
  scale: scaleSection,
};
/** Sections left out of a plain `npm run perf` (minutes long): run them by name. */
const ON_REQUEST = new Set(['scale']);

async function main(): Promise<void> {
  const [only, ...args] = process.argv.slice(2);
  if (only !== undefined && !(only in SECTIONS)) throw new Error(`unknown section '${only}': ${Object.keys(SECTIONS).join(', ')}`);
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (only === name || (only === undefined && !ON_REQUEST.has(name))) await section(args);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`perf failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
