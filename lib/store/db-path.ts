/**
 * Where the Benchlab database file lives: `--db PATH` beats `BENCHLAB_DB`, which beats the
 * default `data/benchlab.duckdb` in the project folder (the folder holding Benchlab's
 * package.json, wherever the process was started from).
 */
import fs from 'node:fs';
import path from 'node:path';

export const DB_ENV_VAR = 'BENCHLAB_DB';
export const DEFAULT_DB_RELATIVE = path.join('data', 'benchlab.duckdb');

/** The folder of Benchlab's own package.json, found by walking up from this module. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'benchlab') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function resolveDbPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env[DB_ENV_VAR];
  if (chosen !== undefined && chosen !== '') {
    return chosen === ':memory:' ? chosen : path.resolve(chosen);
  }
  return defaultDbPath();
}

/** The default database, data/benchlab.duckdb in the project folder. */
export function defaultDbPath(): string {
  return path.join(projectRoot(), DEFAULT_DB_RELATIVE);
}

/** Whether a resolved database path is the default one (however it was named). */
export function isDefaultDbPath(resolved: string): boolean {
  return resolved !== ':memory:' && path.resolve(resolved) === defaultDbPath();
}
