/**
 * Issue 13.9: where reports go. `--out DIR` (report and run), else $BENCHLAB_REPORTS, else the
 * project's reports/ for the default database (data/benchlab.duckdb) and a reports/ folder
 * beside any other database file. The CLI runs here clear BENCHLAB_REPORTS (the global setup
 * sets it) where they test the defaults, and use databases in temp folders, so nothing lands in
 * the checkout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCollection } from '../../lib/datasets/import';
import { InputError } from '../../lib/input-error';
import { defaultOutDir, REPORTS_ENV_VAR, resolveOutDir } from '../../lib/publish/out-dir';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { projectRoot } from '../../lib/store/db-path';
import { withStore } from '../../lib/store/store';
import { closedPortUrl } from '../support/closed-port';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';

const PROJECT_REPORTS = path.join(projectRoot(), 'reports');
/** The environment with no reports folder chosen (the old name cleared too). */
const NO_REPORTS_ENV = { BENCHLAB_REPORTS: undefined, BENCHLAB_REPORTS_DIR: undefined, BENCHLAB_DB: undefined };

describe('defaultOutDir', () => {
  it('is $BENCHLAB_REPORTS when set', () => {
    expect(REPORTS_ENV_VAR).toBe('BENCHLAB_REPORTS');
    expect(defaultOutDir('/data/x.duckdb', { BENCHLAB_REPORTS: '/somewhere/else' })).toBe('/somewhere/else');
    expect(defaultOutDir(undefined, { BENCHLAB_REPORTS: 'rel/dir' })).toBe(path.resolve('rel/dir'));
  });

  it('is the project reports/ for the default database, however it is named', () => {
    expect(defaultOutDir(undefined, {})).toBe(PROJECT_REPORTS);
    expect(defaultOutDir(path.join(projectRoot(), 'data', 'benchlab.duckdb'), {})).toBe(PROJECT_REPORTS);
    expect(defaultOutDir(undefined, { BENCHLAB_DB: path.join(projectRoot(), 'data', 'benchlab.duckdb') })).toBe(PROJECT_REPORTS);
    expect(defaultOutDir(':memory:', {})).toBe(PROJECT_REPORTS);
    expect(defaultOutDir(undefined, { BENCHLAB_REPORTS: '  ' })).toBe(PROJECT_REPORTS);
  });

  it('is reports/ beside any other database file, from --db or BENCHLAB_DB', () => {
    expect(defaultOutDir('/srv/bench/team.duckdb', {})).toBe('/srv/bench/reports');
    expect(defaultOutDir(undefined, { BENCHLAB_DB: '/srv/other/x.duckdb' })).toBe('/srv/other/reports');
    expect(defaultOutDir(path.join(projectRoot(), 'data', 'other.duckdb'), {})).toBe(path.join(projectRoot(), 'data', 'reports'));
  });

  it('no longer reads the old BENCHLAB_REPORTS_DIR', () => {
    expect(defaultOutDir('/srv/bench/team.duckdb', { BENCHLAB_REPORTS_DIR: '/old' })).toBe('/srv/bench/reports');
  });
});

describe('resolveOutDir', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('benchlab-outdir-');
  });
  afterAll(() => removeDir(dir));

  it('accepts a folder, or one still to be made, and refuses a file on the way', () => {
    expect(resolveOutDir(dir)).toBe(dir);
    expect(resolveOutDir(path.join(dir, 'new', 'deeper'))).toBe(path.join(dir, 'new', 'deeper'));
    const file = path.join(dir, 'file.txt');
    fs.writeFileSync(file, 'x');
    expect(() => resolveOutDir(file)).toThrow(InputError);
    expect(() => resolveOutDir(file)).toThrow(`--out ${file}: ${file} is a file, not a folder`);
    expect(() => resolveOutDir(path.join(file, 'sub'), undefined, '--report')).toThrow(`--report ${path.join(file, 'sub')}: ${file} is a file`);
    expect(() => resolveOutDir(undefined, undefined, '--out', { BENCHLAB_REPORTS: file })).toThrow(`BENCHLAB_REPORTS=${file}: ${file} is a file`);
  });
});

describe('benchlab report and run: where the reports go', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = tempDir('benchlab-outdir-cli-');
    db = path.join(dir, 'bench.duckdb');
    await withStore({ dbPath: db }, async (store) => {
      await importCollection(store, 'tiny', tinyCollection());
      await runRetrieval(store, 'tiny', { top: 10 });
    });
  });
  afterAll(() => removeDir(dir));

  it('report: beside the database by default', async () => {
    const result = await runCli(['--db', db, 'report', '--json'], NO_REPORTS_ENV);
    expect(result.code).toBe(0);
    const { index } = JSON.parse(result.stdout) as { index: string };
    expect(index).toBe(path.join(dir, 'reports', 'index.html'));
    expect(fs.existsSync(index)).toBe(true);
  });

  it('report: $BENCHLAB_REPORTS, and --out above it', async () => {
    const fromEnv = path.join(dir, 'env-reports');
    const viaEnv = await runCli(['--db', db, 'report', '--json'], { ...NO_REPORTS_ENV, BENCHLAB_REPORTS: fromEnv });
    expect(viaEnv.code).toBe(0);
    expect((JSON.parse(viaEnv.stdout) as { index: string }).index).toBe(path.join(fromEnv, 'index.html'));

    const out = path.join(dir, 'out-reports');
    const viaOut = await runCli(['--db', db, 'report', '--out', out, '--json'], { ...NO_REPORTS_ENV, BENCHLAB_REPORTS: fromEnv });
    expect(viaOut.code).toBe(0);
    expect((JSON.parse(viaOut.stdout) as { index: string }).index).toBe(path.join(out, 'index.html'));
  });

  it('rollout report: beside the database by default, $BENCHLAB_REPORTS, and --out above it', async () => {
    const experiment = path.join(dir, 'kw-out.yaml');
    fs.writeFileSync(
      experiment,
      'key: kw-out\narms: {control: {method: frequency}, treatment: {method: llm, model: "qwen2.5:7b"}}\n' +
        'stages:\n  - {name: internal, percentage: 0, min_duration: 1m, min_units: 5}\n  - {name: full, percentage: 100}\n',
    );
    const byDefault = await runCli(['--db', db, 'rollout', 'report', experiment], NO_REPORTS_ENV);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout.trim()).toBe(path.join(dir, 'reports', 'rollout-kw-out.html'));
    const fromEnv = path.join(dir, 'rollout-env');
    const viaEnv = await runCli(['--db', db, 'rollout', 'report', experiment], { ...NO_REPORTS_ENV, BENCHLAB_REPORTS: fromEnv });
    expect(viaEnv.stdout.trim()).toBe(path.join(fromEnv, 'rollout-kw-out.html'));
    const out = path.join(dir, 'rollout-out');
    const viaOut = await runCli(['--db', db, 'rollout', 'report', '--out', out, experiment], { ...NO_REPORTS_ENV, BENCHLAB_REPORTS: fromEnv });
    expect(viaOut.stdout.trim()).toBe(path.join(out, 'rollout-kw-out.html'));
    const file = path.join(dir, 'rollout-file.txt');
    fs.writeFileSync(file, 'x');
    const refused = await runCli(['--db', db, 'rollout', 'report', '--out', file, experiment], NO_REPORTS_ENV);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`--out ${file}: ${file} is a file, not a folder`);
  });

  it('report --out to a file: exit 3, no stack trace', async () => {
    const file = path.join(dir, 'not-a-folder.txt');
    fs.writeFileSync(file, 'x');
    const result = await runCli(['--db', db, 'report', '--out', file], NO_REPORTS_ENV);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`--out ${file}: ${file} is a file, not a folder`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('run --out DIR writes the run report there; without it, beside the database or in $BENCHLAB_REPORTS', async () => {
    const suite = path.join(dir, 'tiny-suite.yaml');
    fs.writeFileSync(suite, 'name: tiny\ndataset: tiny\ngenerators:\n  - type: question-or\ngpu_sampling: false\n');
    const env = { ...NO_REPORTS_ENV, OLLAMA_HOST: await closedPortUrl() };

    const out = path.join(dir, 'run-out');
    const withOut = await runCli(['--db', db, 'run', '--suite', suite, '--out', out, '--json'], env);
    expect(withOut.code).toBe(0);
    const first = JSON.parse(withOut.stdout) as { runId: string; report: string };
    expect(path.dirname(first.report)).toBe(out);
    expect(fs.existsSync(first.report)).toBe(true);
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);

    const byDefault = await runCli(['--db', db, 'run', '--suite', suite, '--json'], env);
    expect(byDefault.code).toBe(0);
    expect(path.dirname((JSON.parse(byDefault.stdout) as { report: string }).report)).toBe(path.join(dir, 'reports'));

    const fromEnv = path.join(dir, 'run-env');
    const viaEnv = await runCli(['--db', db, 'run', '--suite', suite, '--json'], { ...env, BENCHLAB_REPORTS: fromEnv });
    expect(viaEnv.code).toBe(0);
    expect(path.dirname((JSON.parse(viaEnv.stdout) as { report: string }).report)).toBe(fromEnv);
  });

  it('run --out to a file: exit 3 before the run starts', async () => {
    const file = path.join(dir, 'also-a-file.txt');
    fs.writeFileSync(file, 'x');
    const runsBefore = await withStore({ dbPath: db, readOnly: true }, (s) => s.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM runs'));
    const result = await runCli(['--db', db, 'run', '--suite', 'default.yaml', '--out', file], NO_REPORTS_ENV);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`--out ${file}: ${file} is a file, not a folder`);
    const runsAfter = await withStore({ dbPath: db, readOnly: true }, (s) => s.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM runs'));
    expect(runsAfter?.n).toBe(runsBefore?.n);
  });
});
