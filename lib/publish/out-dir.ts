/**
 * Which folder reports go to: `--out`, else $BENCHLAB_REPORTS, else reports/ in the project
 * folder for the default database and beside any other database file (defaultOutDir). It reads
 * the database location, so it lives here and not in lib/report, which only renders.
 */
import path from 'node:path';
import { InputError } from '../input-error';
import { statOrUndefined } from '../report/report-files';
import { isDefaultDbPath, projectRoot, resolveDbPath } from '../store/db-path';

/** The environment variable naming the reports folder (below `--out`, above the default). */
export const REPORTS_ENV_VAR = 'BENCHLAB_REPORTS';
/** The name of the default reports folder: in the project folder, or beside the database. */
export const REPORTS_DIR_NAME = 'reports';

/**
 * Where reports go when no `--out` is given: $BENCHLAB_REPORTS when set; else the project's
 * reports/ when the database is the default data/benchlab.duckdb (or in memory); else a reports/
 * folder beside the database file, so reports of a database kept elsewhere stay with it.
 * `dbPath` is the --db value (undefined: BENCHLAB_DB, then the default), resolved as the store does.
 */
export function defaultOutDir(dbPath?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[REPORTS_ENV_VAR];
  if (chosen !== undefined && chosen.trim() !== '') return path.resolve(chosen);
  const db = resolveDbPath(dbPath, env);
  if (db === ':memory:' || isDefaultDbPath(db)) return path.join(projectRoot(), REPORTS_DIR_NAME);
  return path.join(path.dirname(db), REPORTS_DIR_NAME);
}

/**
 * The output folder for `--out DIR` (`option` names the flag in errors), or the default for the
 * database: resolved, and refused
 * with an InputError (exit 3) when it exists but is not a folder. A missing folder is created
 * when the first page is written.
 */
export function resolveOutDir(outDir: string | undefined, dbPath?: string, option = '--out', env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.resolve(outDir ?? defaultOutDir(dbPath, env));
  const what = outDir !== undefined ? `${option} ${outDir}` : env[REPORTS_ENV_VAR]?.trim() ? `${REPORTS_ENV_VAR}=${env[REPORTS_ENV_VAR]}` : 'reports folder';
  // The folder, or its nearest existing ancestor, must be a folder (a file on the way makes mkdir fail).
  for (let up = dir; ; up = path.dirname(up)) {
    const stat = statOrUndefined(up);
    if (stat) {
      if (stat.isDirectory()) break;
      throw new InputError(up === dir ? `${what}: ${dir} is a file, not a folder` : `${what}: ${up} is a file, so the folder ${dir} cannot be created`);
    }
    if (path.dirname(up) === up) break;
  }
  return dir;
}
