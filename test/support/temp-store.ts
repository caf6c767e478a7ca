/** A fresh DuckDB file in a temp folder per test, removed afterwards. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'benchlab-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function tempDbPath(): string {
  return path.join(tempDir(), 'test.duckdb');
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
