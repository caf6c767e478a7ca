/**
 * Scale benchmark for `npm run perf -- scale`: Benchlab through its CLI (two processes: `import`
 * then `retrieve --top 1000 --no-record`, which ranks and evaluates every query) against Xapian
 * (test/perf/xapian-scale.py, one process, one thread) on the same synthetic BEIR corpora
 * (test/perf/synthetic-corpus.ts): a CRAN-sized one and the curve at 10k, 100k (and on request
 * 300k) documents. Each child's wall clock is timed here; its peak RSS is read by GNU time
 * (`/usr/bin/time -f %M`), or, without it, by a Node wrapper that prints
 * `process.resourceUsage().maxRSS` at exit (Xapian reports its own ru_maxrss).
 *
 * The targets of issue 15 are checked and reported, never asserted: a missed target is a FAIL row,
 * not an error. A size whose commands fail (e.g. out of memory) is reported as failed and the
 * other sizes still run; the caller exits non-zero.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../lib/store/db-path';
import { generateSyntheticCorpus, CRAN_SIZE, SYNTHETIC_QUESTIONS, type SyntheticCorpus } from './synthetic-corpus';

export const PYTHON = '/usr/bin/python3';
export const GNU_TIME = '/usr/bin/time';
/** 1 GB, decimal. */
export const GB = 1e9;
export const TARGETS = {
  /** CRAN-sized end to end, Benchlab / Xapian. */
  cranRatio: 1.0,
  /** 100k import + retrieve-all, Benchlab / Xapian index + query. */
  scaleRatio: 0.5,
  peakRssBytes: GB,
  queriesPerSecond: 200,
} as const;
export const DEFAULT_SIZES = [10_000, 100_000];
/** The size the 100k targets are defined at. */
export const TARGET_SIZE = 100_000;

/** One child process: its wall clock, peak RSS (null when it could not be read) and output. */
export interface ChildRun {
  wallMs: number;
  peakRssBytes: number | null;
  stdout: string;
}

export interface BenchlabPoint {
  importMs: number;
  importRssBytes: number | null;
  retrieveMs: number;
  retrieveRssBytes: number | null;
  /** The retrieve phase as the CLI times it (ranking all queries, without start-up and evaluation). */
  retrievePhaseMs: number;
  evaluatePhaseMs: number;
  queries: number;
  /** queries / retrieve phase, the figure the CLI prints. */
  queriesPerSecond: number;
  /** The .duckdb file plus its .wal, after the import. */
  dbBytes: number;
  metrics: Record<string, number>;
}

export interface XapianPoint {
  wallMs: number;
  indexMs: number;
  queryMs: number;
  queriesPerSecond: number;
  peakRssBytes: number;
  dbBytes: number;
}

export interface ScalePoint {
  label: string;
  corpus: SyntheticCorpus;
  benchlab: BenchlabPoint;
  xapian: XapianPoint;
}

function fileBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Runs `command args` as a child, timed; peak RSS through GNU time, or for a Node script without
 * it, through a wrapper that writes maxRSS at exit. Throws with the child's stderr on failure.
 */
export function runChild(command: string, args: string[], cwd: string = projectRoot()): ChildRun {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-child-'));
  const rssFile = path.join(scratch, 'rss');
  try {
    let argv: string[];
    let program: string;
    if (fs.existsSync(GNU_TIME)) {
      program = GNU_TIME;
      argv = ['-f', '%M', '-o', rssFile, command, ...args];
    } else if (command === process.execPath && args[0] !== undefined) {
      // node -e: argv is [node, ...args]; the CLI's main() gets [node, script, ...args] back.
      const script = path.resolve(cwd, args[0]);
      const wrapper =
        `process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)));` +
        `require(${JSON.stringify(script)}).main([process.argv[0],${JSON.stringify(script)},...process.argv.slice(1)]).then((c)=>{process.exitCode=c;});`;
      program = process.execPath;
      argv = ['-e', wrapper, ...args.slice(1)];
    } else {
      program = command;
      argv = args;
    }
    const started = performance.now();
    const result = spawnSync(program, argv, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - started;
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
    }
    let peakRssBytes: number | null = null;
    if (fs.existsSync(rssFile)) {
      // GNU time's %M and Node's maxRSS are both in KB; GNU time may prefix a "Command exited" line.
      const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      if (Number.isFinite(kb) && kb > 0) peakRssBytes = kb * 1024;
    }
    return { wallMs, peakRssBytes, stdout: result.stdout };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether Xapian's Python bindings are importable by /usr/bin/python3. */
export function xapianAvailable(): boolean {
  return fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import xapian']).status === 0;
}

/** Benchlab end to end through the CLI: import, then retrieve-all top 1000 with evaluation. */
export function measureBenchlab(corpusDir: string, workDir: string): BenchlabPoint {
  const cli = path.join(projectRoot(), 'dist', 'lib', 'cli', 'main.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const db = path.join(workDir, 'scale.duckdb');
  const imported = runChild(process.execPath, [cli, '--db', db, 'import', '--format', 'beir', '--dataset', 'syn', corpusDir, '--json']);
  const dbBytes = fileBytes(db) + fileBytes(`${db}.wal`);
  const retrieved = runChild(process.execPath, [cli, '--db', db, 'retrieve', '--dataset', 'syn', '--top', '1000', '--no-record', '--json']);
  const out = JSON.parse(retrieved.stdout) as {
    queries: number;
    metrics: Record<string, number> | null;
    timingsMs: { retrieve: number; evaluate: number };
  };
  return {
    importMs: imported.wallMs,
    importRssBytes: imported.peakRssBytes,
    retrieveMs: retrieved.wallMs,
    retrieveRssBytes: retrieved.peakRssBytes,
    retrievePhaseMs: out.timingsMs.retrieve,
    evaluatePhaseMs: out.timingsMs.evaluate,
    queries: out.queries,
    queriesPerSecond: out.queries / (out.timingsMs.retrieve / 1000),
    dbBytes,
    metrics: out.metrics ?? {},
  };
}

/** Xapian over the same corpus: on-disk index, then every query top 1000 (test/perf/xapian-scale.py). */
export function measureXapian(corpusDir: string, workDir: string): XapianPoint {
  const script = path.join(projectRoot(), 'test', 'perf', 'xapian-scale.py');
  const run = runChild(PYTHON, [script, corpusDir, path.join(workDir, 'xapian-db')]);
  const out = JSON.parse(run.stdout) as { index_s: number; query_s: number; queries: number; peak_rss_kb: number; db_bytes: number };
  return {
    wallMs: run.wallMs,
    indexMs: out.index_s * 1000,
    queryMs: out.query_s * 1000,
    queriesPerSecond: out.queries / out.query_s,
    peakRssBytes: out.peak_rss_kb * 1024,
    dbBytes: out.db_bytes,
  };
}

/** Generates one corpus under `root`, measures both engines on it, and removes it unless `keep`. */
export async function measurePoint(
  root: string,
  label: string,
  documents: number,
  questions: number,
  sources: string[],
  keep: boolean,
  log: (line: string) => void,
): Promise<ScalePoint> {
  const dir = path.join(root, label);
  const corpusDir = path.join(dir, 'beir');
  fs.mkdirSync(dir, { recursive: true });
  try {
    const started = performance.now();
    const corpus = await generateSyntheticCorpus({ dir: corpusDir, documents, questions, sources });
    log(`${label}: generated ${documents.toLocaleString('en')} documents (${(corpus.corpusBytes / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const benchlab = measureBenchlab(corpusDir, dir);
    log(`${label}: Benchlab import ${(benchlab.importMs / 1000).toFixed(1)} s, retrieve ${(benchlab.retrieveMs / 1000).toFixed(1)} s`);
    const xapian = measureXapian(corpusDir, dir);
    log(`${label}: Xapian index ${(xapian.indexMs / 1000).toFixed(1)} s, query ${(xapian.queryMs / 1000).toFixed(1)} s`);
    return { label, corpus, benchlab, xapian };
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface ScaleOptions {
  sizes: number[];
  keep: boolean;
  sources: string[];
  log: (line: string) => void;
}

/** A size whose measurement failed (e.g. a command out of memory): reported, the others still run. */
export interface FailedPoint {
  label: string;
  documents: number;
  error: string;
}

export interface ScalePerf {
  root: string;
  cran: ScalePoint | FailedPoint;
  curve: (ScalePoint | FailedPoint)[];
}

export function isFailed(point: ScalePoint | FailedPoint): point is FailedPoint {
  return 'error' in point;
}

async function measureOrFail(
  label: string,
  documents: number,
  work: () => Promise<ScalePoint>,
  log: (line: string) => void,
): Promise<ScalePoint | FailedPoint> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${label}: failed: ${message}`);
    return { label, documents, error: message };
  }
}

/** The CRAN-sized point and the curve; corpora under os.tmpdir(), removed after unless `keep`. */
export async function measureScale(options: ScaleOptions): Promise<ScalePerf> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-scale-'));
  try {
    const { sources, keep, log } = options;
    const cran = await measureOrFail('cran-sized', CRAN_SIZE.documents, () =>
      measurePoint(root, 'cran-sized', CRAN_SIZE.documents, CRAN_SIZE.questions, sources, keep, log), log);
    const curve: (ScalePoint | FailedPoint)[] = [];
    for (const size of options.sizes) {
      const label = `syn-${size}`;
      curve.push(await measureOrFail(label, size, () => measurePoint(root, label, size, SYNTHETIC_QUESTIONS, sources, keep, log), log));
    }
    return { root, cran, curve };
  } finally {
    if (!options.keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Benchlab's two commands, end to end. */
export function benchlabTotalMs(point: ScalePoint): number {
  return point.benchlab.importMs + point.benchlab.retrieveMs;
}
