/**
 * Issue 13.7: bad input gets the documented exit code and a message, never a stack trace:
 * `retrieve --run-out` to a folder or into a missing folder (3, before any work), `report` on a
 * missing database (3), an alias-bomb YAML suite or experiment (3, naming the file), and
 * `models` with no host answering (8, EXIT.noLlmHost).
 */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exit-codes';
import { importCollection } from '../../lib/datasets/import';
import { InputError } from '../../lib/input-error';
import { parseExperiment } from '../../lib/rollout/experiment-config';
import { withStore } from '../../lib/store/store';
import { parseSuite } from '../../lib/suites/suite';
import { closedPortUrl } from '../support/closed-port';
import { CLI, runCli, type CliResult } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';

/** lib/config/load-config.ts's MAX_YAML_ALIAS_COUNT (a literal, so this file also loads on code without it). */
const ALIAS_LIMIT = 100;

let dir: string;
let db: string;
beforeAll(async () => {
  dir = tempDir('benchlab-exit-');
  db = path.join(dir, 'exit.duckdb');
  await withStore({ dbPath: db }, (store) => importCollection(store, 'tiny', tinyCollection()));
});
afterAll(() => removeDir(dir));

function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toMatch(/Error: /);
}

async function recordedRuns(): Promise<number> {
  const row = await withStore({ dbPath: db, readOnly: true }, (store) => store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM runs`));
  return row?.n ?? 0;
}

/** A "billion laughs" YAML: 9 levels of 9 aliases each, 9^9 strings once expanded. */
function aliasBomb(prefix: string): string {
  let text = `${prefix}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

describe('retrieve --run-out', () => {
  it('to a folder: exit 3 before any work, naming the option, and no run recorded', async () => {
    const runsBefore = await recordedRuns();
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'tiny', '--run-out', dir]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`--run-out ${dir}: is a folder; give the run file's name`);
    expectNoStack(result);
    expect(await recordedRuns()).toBe(runsBefore);
  });

  it('into a folder that does not exist: exit 3, naming the folder', async () => {
    const target = path.join(dir, 'missing', 'deeper', 'x.run');
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'tiny', '--no-record', '--run-out', target]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`--run-out ${target}: folder ${path.dirname(target)} does not exist`);
    expectNoStack(result);
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('under a file: exit 3', async () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    const result = await runCli(['--db', db, 'retrieve', '--dataset', 'tiny', '--no-record', '--run-out', path.join(file, 'x.run')]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain('--run-out');
    expectNoStack(result);
  });
});

describe('report', () => {
  it('on a missing database: exit 3 "no database at PATH", no file and no reports folder made', async () => {
    const missing = path.join(dir, 'nothing-here.duckdb');
    const out = path.join(dir, 'missing-reports');
    const result = await runCli(['--db', missing, 'report', '--out', out]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`no database at ${missing}`);
    expectNoStack(result);
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('an alias-bomb YAML file', () => {
  it('a suite: `run` exits 3 naming the file and the line of the first alias', async () => {
    const suite = path.join(dir, 'bomb.yaml');
    fs.writeFileSync(suite, aliasBomb('name: bomb\ndataset: tiny\ngenerators: [{type: question-or}]\n'));
    const result = await runCli(['--db', db, 'run', '--suite', suite], { OLLAMA_HOST: await closedPortUrl() });
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`${suite}:5: YAML aliases expand past the limit of ${ALIAS_LIMIT}`);
    expectNoStack(result);
  });

  it('a suite or an experiment parsed directly: an InputError naming the file', () => {
    expect(() => parseSuite(aliasBomb(''), 'bomb-suite.yaml')).toThrow(InputError);
    expect(() => parseSuite(aliasBomb(''), 'bomb-suite.yaml')).toThrow(/^bomb-suite\.yaml:2: YAML aliases expand past the limit/);
    expect(() => parseExperiment(aliasBomb('key: bomb\n'), 'bomb-exp.yaml')).toThrow(InputError);
    expect(() => parseExperiment(aliasBomb('key: bomb\n'), 'bomb-exp.yaml')).toThrow(/^bomb-exp\.yaml:3: YAML aliases expand past the limit/);
  });

  it('a jobs config: `jobs list` exits 3 naming the file and the line of the first alias', async () => {
    const config = path.join(dir, 'bomb-jobs.yaml');
    fs.writeFileSync(config, aliasBomb('jobs: []\n'));
    const result = await runCli(['--db', db, 'jobs', 'list', '--config', config]);
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toContain(`${config}:3: YAML aliases expand past the limit of ${ALIAS_LIMIT}`);
    expectNoStack(result);
  });

  it('a few aliases are still fine', () => {
    const text = 'name: ok\ndataset: tiny\nopts: &o {temperature: 0}\noptions: *o\ngenerators: [{type: question-or}]\n';
    expect(() => parseSuite(text, 'ok.yaml')).toThrow(/opts/); // the schema rejects the extra key, not the alias
    expect(parseSuite(text.replace('opts: &o {temperature: 0}\noptions: *o\n', 'options: {temperature: 0}\n'), 'ok.yaml').options).toMatchObject({ temperature: 0 });
  });
});

describe('models with no LLM host answering', () => {
  it('exits 8 (EXIT.noLlmHost), naming the host, with and without --json', async () => {
    const url = await closedPortUrl();
    const result = await runCli(['models'], { OLLAMA_HOST: url });
    expect(EXIT.noLlmHost).toBe(8);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain(`cannot reach ${url}`);
    expect(result.stderr).toContain(`no LLM host answered (${url})`);
    expectNoStack(result);
    const json = await runCli(['models', '--json'], { OLLAMA_HOST: url });
    expect(json.code).toBe(8);
    expect((JSON.parse(json.stdout) as { errors: { host: string }[] }).errors.map((e) => e.host)).toEqual([url]);
  });

  it('a malformed OLLAMA_HOST is bad input (exit 3)', async () => {
    const result = await runCli(['models'], { OLLAMA_HOST: 'http://[::1' });
    expect(result.code).toBe(EXIT.input);
    expectNoStack(result);
  });
});

describe('output into a pipe nobody reads', () => {
  it('`retrieve --json | true` finishes quietly: exit 0, no EPIPE stack trace, the run still recorded', async () => {
    const before = await recordedRuns();
    // `true` exits without reading, so every write of the CLI meets a closed pipe (EPIPE).
    const script = `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --db ${JSON.stringify(db)} retrieve --dataset tiny --per-query --json | true`;
    const child = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(await recordedRuns()).toBe(before + 1);
  });
});
