/**
 * Shared helpers of the scoring tests: the real registry and categories (loaded once), a temp
 * store with the selection views, and row appends by column name (so a column added to a table
 * by a later migration does not break the fixtures).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openStore, type AppendValue, type Store } from '../../lib/store/store';
import { loadScoringData, type ScoringData } from '../../lib/scoring/scoring-data';
import { removeDir, tempDir } from '../support/temp-store';

let cached: ScoringData | undefined;

/** data/registry.json and data/categories.json, as the product loads them. */
export function realData(): ScoringData {
  cached ??= loadScoringData();
  return cached;
}

/** Runs `work` on a fresh store in a temp folder, removed afterwards. */
export async function withTempStore<T>(work: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir('benchlab-scoring-');
  const store = await openStore({ dbPath: path.join(dir, 'scoring.duckdb') });
  try {
    return await work(store, dir);
  } finally {
    store.close();
    removeDir(dir);
  }
}

/** Appends rows given as objects by column name; missing columns are null. */
export async function appendRows(store: Store, table: string, rows: Record<string, AppendValue>[]): Promise<number> {
  const columns = await store.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $table ORDER BY ordinal_position`,
    { table },
  );
  return store.append(
    table,
    rows.map((row) => columns.map((c) => row[c.column_name] ?? null)),
  );
}

/** Writes `content` (an object as JSON, or text as is) to a file in `dir`; returns its path. */
export function writeFile(dir: string, name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** A deep copy of a JSON-compatible value. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
