/**
 * Keeps lib/report a renderer: its modules turn view models into HTML and never reach the
 * database (no SQL, no Store, no import of lib/store); the loaders live with the data they read
 * (lib/runs, lib/gpu, lib/scoring, lib/rollout) and lib/publish hands their view models to
 * lib/report, which takes only types, constants and pure helpers from those folders, no loader. The data folders never import lib/report or lib/publish, so the flow stays one way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '../../lib');
const DATA_FOLDERS = ['runs', 'gpu', 'scoring', 'rollout', 'store', 'stats', 'evaluation'];

function sourceFiles(folder: string): string[] {
  const dir = path.join(LIB, folder);
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** The modules a file imports or re-exports (static and dynamic), as written. */
function importedModules(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) found.push(m[1] ?? '');
  return found;
}

/** SQL statements' opening keywords, upper case as Benchlab writes its SQL. */
const SQL = /\b(SELECT|FROM|INSERT\s+INTO|DELETE\s+FROM|CREATE\s+(?:TABLE|VIEW|INDEX)|WITH\s+\w+\s+AS\s*\()\s/;

/** The problems in one lib/report file: each line that runs SQL or reaches the store. */
function storeUse(text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${line.trim()}`;
    if (SQL.test(line)) problems.push(`SQL, ${where}`);
    if (/Store\b/.test(line)) problems.push(`a Store, ${where}`);
    if (/\bstore\s*\??\.\s*\w/.test(line)) problems.push(`a store call, ${where}`);
  });
  // Values lib/report takes from the data folders are constants and pure helpers, never a loader.
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    const values = (m[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('type '));
    for (const name of values.filter((v) => /^(load|sql|summarize|assess|query)/.test(v))) problems.push(`imports the loader ${name} from ${m[2]}`);
  }
  for (const spec of importedModules(text)) {
    if (/(^|\/)store(\/|$)/.test(spec) || spec === '@duckdb/node-api') problems.push(`imports ${spec}`);
    if (/(^|\/)publish(\/|$)/.test(spec)) problems.push(`imports ${spec} (lib/publish calls lib/report, not the other way)`);
  }
  return problems;
}

describe('lib/report only renders', () => {
  const files = sourceFiles('report');

  it('finds the report modules', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [path.relative(LIB, f), f]))('%s holds no SQL and does not reach the store', (_name, file) => {
    expect(storeUse(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the check itself catches SQL, a Store and store imports', () => {
    const offending = [
      "import type { Store } from '../store/store';",
      'const rows = await store.all(`SELECT run_id FROM runs`);',
      "import { withStore } from '../store/store';",
      "import { renderReports } from '../publish/render-reports';",
      "import { loadTrendPoints, MAX_TREND_RUNS, type TrendPoint } from '../runs/trends-data';",
    ].join('\n');
    expect(storeUse(offending)).toHaveLength(8);
    expect(storeUse("const SELECTION_REPORT_FILE = 'selection.html'; // Selected from the log")).toEqual([]);
  });
});

describe('the data folders do not depend on the reports', () => {
  const files = DATA_FOLDERS.flatMap(sourceFiles);
  it.each(files.map((f) => [path.relative(LIB, f), f]))('%s imports neither lib/report nor lib/publish', (_name, file) => {
    const imports = importedModules(fs.readFileSync(file, 'utf8')).filter((spec) => /(^|\/)(report|publish)(\/|$)/.test(spec));
    expect(imports).toEqual([]);
  });
});
