/**
 * Issue 13.6: the commands that only read (`datasets`, `retrieve --no-record`, `report`,
 * `compare`, `jobs list`, `jobs history`) open the database read-only, so they work on a file
 * the user cannot write; and a read command pointed at a database that does not exist is an
 * error (exit 3, `no database at PATH`), not a new empty file.
 *
 * chmod 0444 alone proves nothing when the tests run as root (root writes anyway), so each
 * command runs while another process holds the file read-only (read-only-holder.ts): DuckDB
 * lets read-only openers share the file but refuses a read-write opener, which waits out the
 * lock retry (10 s) and exits 4. Then, on a 0444 copy in a 0555 folder, some of them run as a
 * user who cannot write it (as root: nobody, through setpriv).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCollection } from '../../lib/datasets/import';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { DatabaseLockedError } from '../../lib/store/lock-retry';
import { migrate } from '../../lib/store/migrate';
import { MIGRATIONS } from '../../lib/store/migrations';
import { withStore } from '../../lib/store/store';
import { CLI, runCli, type CliResult } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';
import { holdReadOnly, type ReadOnlyHolder } from './read-only-holder';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

let dir: string;
let db: string;
let runA: string;
let runB: string;
let holder: ReadOnlyHolder | undefined;
let before: { size: number; mtimeMs: number };

beforeAll(async () => {
  dir = tempDir('benchlab-ro-');
  db = path.join(dir, 'ro.duckdb');
  [runA, runB] = await withStore({ dbPath: db }, async (store) => {
    await importCollection(store, 'tiny', tinyCollection());
    const a = await runRetrieval(store, 'tiny', { top: 10 });
    const b = await runRetrieval(store, 'tiny', { top: 10, params: { k1: 0.9, b: 0.4 } });
    return [a.runId as string, b.runId as string];
  });
  fs.chmodSync(db, 0o444);
  const stat = fs.statSync(db);
  before = { size: stat.size, mtimeMs: stat.mtimeMs };
  holder = await holdReadOnly(db);
});

afterAll(async () => {
  await holder?.stop();
  if (dir) {
    fs.chmodSync(db, 0o644);
    removeDir(dir);
  }
});

/** Runs a command on the held database, with a reports folder of its own. */
function read(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(['--db', db, ...args], { BENCHLAB_REPORTS: path.join(dir, 'reports'), ...env });
}

function expectOk(result: CliResult): void {
  expect(result.stderr).not.toMatch(/is held by process|Could not set lock/);
  expect(result.code).toBe(0);
}

describe('read commands on a read-only database file held read-only by another process', () => {
  it('the holder really shuts out read-write openers (so the test can tell)', async () => {
    const lockRetry = { timeoutMs: 100, initialDelayMs: 20, maxDelayMs: 50 };
    await expect(withStore({ dbPath: db, lockRetry }, async () => undefined)).rejects.toThrow(DatabaseLockedError);
    await expect(withStore({ dbPath: db, readOnly: true, lockRetry }, (store) => store.all('SELECT 1'))).resolves.toHaveLength(1);
  }, 30_000);

  it('datasets lists the datasets', async () => {
    const result = await read(['datasets', '--json']);
    expectOk(result);
    expect((JSON.parse(result.stdout) as { name: string }[]).map((d) => d.name)).toEqual(['tiny']);
  }, 30_000);

  it('retrieve --no-record ranks and scores, and writes its run file', async () => {
    const runFile = path.join(dir, 'tiny.run');
    const result = await read(['retrieve', '--dataset', 'tiny', '--no-record', '--top', '5', '--run-out', runFile, '--json']);
    expectOk(result);
    expect((JSON.parse(result.stdout) as { queries: number; runId: unknown }).queries).toBe(2);
    expect(fs.readFileSync(runFile, 'utf8')).toMatch(/^q1 Q0 d\d /);
  }, 30_000);

  it('report renders the reports', async () => {
    const out = path.join(dir, 'out');
    const result = await read(['report', '--all', '--out', out, '--json']);
    expectOk(result);
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);
  }, 30_000);

  it('compare compares two runs', async () => {
    const result = await read(['compare', runA, runB, '--metric', 'map', '--json']);
    expectOk(result);
  }, 30_000);

  it('jobs list and jobs history show the schedules and past executions', async () => {
    expectOk(await read(['jobs', 'list', '--json']));
    const history = await read(['jobs', 'history', '--json']);
    expectOk(history);
    expect(JSON.parse(history.stdout)).toEqual([]);
  }, 30_000);

  it('left the file as it was', () => {
    const stat = fs.statSync(db);
    expect({ size: stat.size, mtimeMs: stat.mtimeMs }).toEqual(before);
    expect(fs.existsSync(`${db}.wal`)).toBe(false);
  });
});

/** setpriv (util-linux) runs a command as another user; as root, the 0444 test runs the CLI as nobody. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
const NOBODY = 65534;

/** The CLI as a user who cannot write the file: this user when not root, else nobody through setpriv. */
function runUnprivileged(args: string[], home: string): Promise<CliResult> {
  const [command, prefix] = IS_ROOT
    ? [SETPRIV as string, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI]]
    : [process.execPath, [CLI]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd: os.tmpdir(), env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Whether that user can load the built CLI at all (a checkout under a private home folder is out
 * of nobody's reach): the test is skipped, not failed, where it cannot.
 */
function canRunUnprivileged(): boolean {
  if (!IS_ROOT) return true;
  if (SETPRIV === undefined) return false;
  const probe = spawnSync(SETPRIV, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', `require(${JSON.stringify(CLI)})`], {
    cwd: os.tmpdir(),
    env: { ...process.env, HOME: os.tmpdir() },
    timeout: 20_000,
  });
  return probe.status === 0;
}

describe.skipIf(!canRunUnprivileged())('read commands on a 0444 database file in a 0555 folder, as a user who cannot write them', () => {
  let locked: string;
  let file: string;
  beforeAll(() => {
    locked = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-ro-dir-'));
    file = path.join(locked, 'db.duckdb');
    fs.copyFileSync(db, file);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(locked, 0o555);
  });
  afterAll(() => {
    fs.chmodSync(locked, 0o755);
    fs.rmSync(locked, { recursive: true, force: true });
  });

  it('datasets, retrieve --no-record and jobs history work', async () => {
    const listed = await runUnprivileged(['--db', file, 'datasets', '--json'], locked);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((d) => d.name)).toEqual(['tiny']);
    const retrieved = await runUnprivileged(['--db', file, 'retrieve', '--dataset', 'tiny', '--no-record', '--json'], locked);
    expect(retrieved.code).toBe(0);
    expect((await runUnprivileged(['--db', file, 'jobs', 'history'], locked)).code).toBe(0);
  }, 30_000);

  it('a command that writes says the file cannot be written (exit 4), without a stack trace', async () => {
    const recorded = await runUnprivileged(['--db', file, 'retrieve', '--dataset', 'tiny'], locked);
    expect(recorded.code).toBe(4);
    expect(recorded.stderr).toContain(`database ${file} cannot be opened for writing`);
    expect(recorded.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('read commands on a database that does not exist', () => {
  const commands: [string, string[]][] = [
    ['datasets', ['datasets']],
    ['retrieve --no-record', ['retrieve', '--dataset', 'tiny', '--no-record']],
    ['retrieve (recording)', ['retrieve', '--dataset', 'tiny']],
    ['report', ['report']],
    ['compare', ['compare', 'r1', 'r2']],
    ['compare --all-generators', ['compare', 'r1', '--all-generators']],
    ['jobs history', ['jobs', 'history']],
    ['jobs list', ['jobs', 'list', '--json']],
  ];
  it.each(commands)('%s exits 3 "no database at PATH" and creates no file', async (_name, args) => {
    const missingDir = tempDir('benchlab-missing-');
    const missing = path.join(missingDir, 'sub', 'none.duckdb');
    try {
      const result = await runCli(['--db', missing, ...args], { BENCHLAB_REPORTS: path.join(missingDir, 'reports') });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`no database at ${missing}`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(missing)).toBe(false);
      expect(fs.existsSync(path.dirname(missing))).toBe(false);
      expect(fs.existsSync(path.join(missingDir, 'reports'))).toBe(false);
    } finally {
      removeDir(missingDir);
    }
  }, 30_000);

  it('BENCHLAB_DB naming a missing file is refused the same way', async () => {
    const missingDir = tempDir('benchlab-missing-');
    const missing = path.join(missingDir, 'env.duckdb');
    try {
      const result = await runCli(['datasets'], { BENCHLAB_DB: missing });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`no database at ${missing}`);
      expect(fs.existsSync(missing)).toBe(false);
    } finally {
      removeDir(missingDir);
    }
  }, 30_000);
});

describe('a read-only open checks the schema instead of migrating', () => {
  it('an older schema exits 4 saying a command that writes upgrades it; a DuckDB file of something else exits 3', async () => {
    const own = tempDir('benchlab-schema-');
    try {
      // A database as the Benchlab before the latest migration left it.
      const older = path.join(own, 'older.duckdb');
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const made = await DuckDBInstance.create(older);
      const madeConnection = await made.connect();
      await migrate(madeConnection, older, MIGRATIONS.slice(0, -1));
      madeConnection.closeSync();
      made.closeSync();
      const result = await runCli(['--db', older, 'datasets']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/has schema version \d+, older than this Benchlab's \d+, and a read-only command does not upgrade it/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // A command that writes upgrades it, and reading works again.
      expect((await runCli(['--db', older, 'select', '--category', 'code', '--json'])).code).toBe(0);
      expect((await runCli(['--db', older, 'datasets'])).code).toBe(0);

      const other = path.join(own, 'other.duckdb');
      const instance = await DuckDBInstance.create(other);
      const connection = await instance.connect();
      await connection.run('CREATE TABLE t (x INTEGER)');
      connection.closeSync();
      instance.closeSync();
      const foreign = await runCli(['--db', other, 'datasets']);
      expect(foreign.code).toBe(3);
      expect(foreign.stderr).toContain(`${other} is not a Benchlab database`);
    } finally {
      removeDir(own);
    }
  }, 60_000);
});
