import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/store/db-path';
import { readRunFile } from '../../lib/evaluation/run-file';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const SAMPLE = path.join(projectRoot(), 'data', 'sample');
let dir: string;
let db: string;
beforeAll(() => {
  dir = tempDir();
  db = path.join(dir, 'cli.duckdb');
});
afterAll(() => removeDir(dir));

describe('benchlab CLI', () => {
  it('imports the built-in sample collection and lists it', async () => {
    const imported = await runCli(['--db', db, 'import', '--format', 'beir', '--dataset', 'sample', '--json', SAMPLE]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as { documents: number; queries: number; judgedQueries: number };
    expect(summary.queries).toBe(32);
    expect(summary.judgedQueries).toBe(32);
    const listed = await runCli(['datasets', '--json'], { BENCHLAB_DB: db });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string; docCount: number }[]).map((d) => [d.name, d.docCount])).toEqual([
      ['sample', summary.documents],
    ]);
  });

  it('retrieves, prints trec_eval metrics, records the run and writes a TREC run file', async () => {
    const runFile = path.join(dir, 'sample.run');
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--top', '50', '--run-out', runFile, '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { runId: string; queries: number; metrics: Record<string, number> };
    expect(out.queries).toBe(32);
    expect(out.metrics['ndcg_cut_10']).toBeGreaterThan(0.3);
    expect(out.runId).toMatch(/^r\d{8}-\d{6}-[0-9a-f]{6}$/);
    const lines = fs.readFileSync(runFile, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^q01 Q0 d\d{3} 1 [\d.]+ bm25$/);
    expect((await readRunFile(runFile)).size).toBe(32);
  });

  it('prints a readable table by default', async () => {
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--no-record']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ndcg_cut_10/);
    expect(result.stdout).toMatch(/32 \(32\)/);
    expect(result.stdout).toMatch(/queries\/s/);
  });

  it('exits 3 for an unknown dataset and names the ones that exist', async () => {
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'nope']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("unknown dataset 'nope'; imported datasets: sample");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for input errors
  });

  it('exits 3 for a malformed collection, naming file and line, and keeps the stored dataset', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'qrels'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'corpus.jsonl'), '{"_id":"d1","text":"ok"}\nnot json\n');
    fs.writeFileSync(path.join(bad, 'queries.jsonl'), '{"_id":"q1","text":"x"}\n');
    fs.writeFileSync(path.join(bad, 'qrels', 'test.tsv'), 'q1\td1\t1\n');
    const result = await runCli(['--db', db, 'import', '--format', 'beir', '--dataset', 'sample', bad]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/corpus\.jsonl:2:/);
    const listed = JSON.parse((await runCli(['--db', db, 'datasets', '--json'])).stdout) as { name: string; queryCount: number }[];
    expect(listed).toMatchObject([{ name: 'sample', queryCount: 32 }]);
  });

  it('exits 2 for usage errors and 3 for bad option values', async () => {
    expect((await runCli(['--db', db, 'frobnicate'])).code).toBe(2);
    expect((await runCli(['--db', db, 'import', '--dataset', 'x', SAMPLE])).code).toBe(2); // --format missing
    const badTop = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--top', '0']);
    expect(badTop.code).toBe(3);
    expect(badTop.stderr).toContain('--top must be a whole number >= 1');
    const badMeasure = await runCli(['--db', db, 'retrieve', '--dataset', 'sample', '--measures', 'map,foo_7']);
    expect(badMeasure.code).toBe(3);
    expect(badMeasure.stderr).toContain('--measures');
  });
});
