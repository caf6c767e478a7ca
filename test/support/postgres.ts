/**
 * A real PostgreSQL for the tests, started by the tests themselves: Debian's `postgresql`
 * binaries (/usr/lib/postgresql/<version>/bin), `initdb` into a temp folder and `pg_ctl start`
 * listening only on a Unix socket in that folder (no TCP port to collide with), stopped and
 * removed afterwards. PostgreSQL refuses to run as root, so under root the cluster is created and
 * run as the `postgres` system user (the Debian package creates it) through `runuser`; the temp
 * folder is handed to that user. Authentication is `trust` for the local socket only.
 *
 * `findPostgresBin()` is undefined when PostgreSQL is not installed: the tests that need it say
 * so and skip, except under CI (CI=true), where `.ci/run` installs it and its absence fails.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'benchlab';

export interface TestPostgres {
  /** Folder of the cluster and of its socket. */
  dir: string;
  /** A libpq connection string for the `pg` client (socket folder as host). */
  url: string;
  /** The same, as the pg client's config object. */
  config: { host: string; port: number; user: string; database: string };
  stop(): void;
}

/** The bin folder of the newest installed PostgreSQL, or undefined. */
export function findPostgresBin(): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(PG_ROOT).filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(PG_ROOT, versions[0], 'bin');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function runAs(command: string, args: string[]): string {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts a fresh cluster in a temp folder; `stop()` shuts it down and removes the folder. */
export function startPostgres(): TestPostgres {
  const bin = findPostgresBin();
  if (!bin) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/<version>/bin/initdb): apt-get install -y postgresql`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-pg-'));
  const data = path.join(dir, 'data');
  // The socket path must stay under 107 bytes; a short port number keeps the name short too.
  const port = 5432;
  if (isRoot()) execFileSync('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o755);
  try {
    runAs(path.join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    runAs(path.join(bin, 'pg_ctl'), [
      '-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60',
      '-o', `-c listen_addresses='' -c unix_socket_directories='${dir}' -p ${port} -c fsync=off -c full_page_writes=off`,
      'start',
    ]);
  } catch (error) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL in ${dir}: ${(error as Error).message}\n${log}`);
  }
  let stopped = false;
  return {
    dir,
    url: `postgresql://${SUPERUSER}@/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    config: { host: dir, port, user: SUPERUSER, database: 'postgres' },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAs(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
