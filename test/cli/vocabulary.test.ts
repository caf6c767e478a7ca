/**
 * One vocabulary on the command line: a suite is found by its name without the extension, and a
 * measure is accepted in trec_eval's form (ndcg_cut_10) and the display form (nDCG@10), any case,
 * by every command that takes one (retrieve --measures, compare --metric), errors listing both.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let db: string;
let runA: string;
let runB: string;
/** The generator the two suites differ in (5 keywords against 3). */
const GENERATOR = 'baseline:tfidf-keywords';

interface Comparison {
  comparisons: { metric: string; label: string; meanA: number | null; meanB: number | null; pValue: number | null }[];
}

async function benchRun(suite: string): Promise<string> {
  const result = await runCli(['--db', db, 'run', '--suite', suite, '--out', path.join(dir, 'reports')]);
  expect(result.code, result.stderr).toBe(0);
  const runId = /^run (r\S+): completed$/m.exec(result.stdout)?.[1];
  if (runId === undefined) throw new Error(`no run id in: ${result.stdout}`);
  return runId;
}

beforeAll(async () => {
  dir = tempDir();
  db = path.join(dir, 'vocabulary.duckdb');
  // Both by name, no extension: data/suites/sample-baselines.yaml and sample-baselines-k3.yaml.
  runA = await benchRun('sample-baselines');
  runB = await benchRun('sample-baselines-k3');
});
afterAll(() => removeDir(dir));

describe('suites by name', () => {
  it('finds data/suites/NAME.yaml from --suite NAME', async () => {
    const runs = JSON.parse((await runCli(['--db', db, 'runs', '--json'])).stdout) as { runId: string; suite: string }[];
    expect(runs.map((r) => [r.runId, r.suite]).sort()).toEqual([[runA, 'sample-baselines'], [runB, 'sample-baselines-k3']].sort());
  });

  it('names the places it looked, extensions included, for an unknown suite', async () => {
    const result = await runCli(['--db', db, 'run', '--suite', 'no-such-suite']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("suite 'no-such-suite' not found");
    expect(result.stderr).toContain('each also with .yaml, .yml, .json');
  });
});

describe('measure names', () => {
  it('retrieve --measures takes display names and trec_eval names alike', async () => {
    const trec = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--no-record', '--json', '--measures', 'ndcg_cut_10,P_10,recall_100,map,recip_rank']);
    const display = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--no-record', '--json', '--measures', 'nDCG@10,p@10,Recall@100,MAP,mrr']);
    expect(display.stderr).toBe('');
    expect(display.code).toBe(0);
    const metrics = (r: { stdout: string }) => (JSON.parse(r.stdout) as { metrics: Record<string, number> }).metrics;
    expect(Object.keys(metrics(display))).toEqual(['ndcg_cut_10', 'P_10', 'recall_100', 'map', 'recip_rank']);
    expect(metrics(display)).toEqual(metrics(trec));
  });

  it('compare --metric takes trec_eval names and display names alike', async () => {
    const compare = async (metrics: string) => {
      const result = await runCli(['--db', db, 'compare', runA, runB, '--generator', GENERATOR, '--json', '--metric', metrics]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as Comparison).comparisons;
    };
    const display = await compare('ndcg@10,recall@100,P@10,map');
    const trec = await compare('ndcg_cut_10,recall_100,P_10,MAP');
    expect(trec.map((c) => c.label)).toEqual(['nDCG@10', 'recall@100', 'P@10', 'MAP']);
    expect(trec.map((c) => [c.label, c.meanA, c.meanB, c.pValue])).toEqual(display.map((c) => [c.label, c.meanA, c.meanB, c.pValue]));
    expect(trec[0]?.meanA).toBeGreaterThan(0);
  });

  it('an unknown measure exits 3 and lists both forms', async () => {
    const retrieve = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--no-record', '--measures', 'map,ndcg@ten']);
    expect(retrieve.code).toBe(3);
    expect(retrieve.stderr).toContain("--measures: unknown measure 'ndcg@ten'; accepted:");
    expect(retrieve.stderr).toMatch(/ndcg_cut_<k>.*nDCG@<k>/);
    const compare = await runCli(['--db', db, 'compare', runA, runB, '--generator', GENERATOR, '--metric', 'ndcg_cut_ten']);
    expect(compare.code).toBe(3);
    expect(compare.stderr).toContain("unknown metric 'ndcg_cut_ten'");
    expect(compare.stderr).toMatch(/ndcg@K.*ndcg_cut_K/);
  });
});
