/** Temp-dir helpers and the location of the shared collections, for the dataset parser tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect } from 'vitest';
import { DatasetParseError } from '../../lib/datasets/parse-error';

/** `../shared` beside the repository root. */
export const SHARED = path.resolve(__dirname, '../../../shared');
/** Under CI the shared folder must be there: tests that need it run (and fail) instead of skipping. */
export const REQUIRE_SHARED = process.env.CI === 'true';

/** Whether `rel` exists under the shared folder, and the test-name suffix explaining a skip. */
export function sharedPath(rel: string): { path: string; present: boolean; skip: boolean; note: string } {
  const p = path.join(SHARED, rel);
  const present = fs.existsSync(p);
  return {
    path: p,
    present,
    skip: !present && !REQUIRE_SHARED,
    note: present ? '' : ` (skipped: ${p} not found; set CI=true to make this a failure)`,
  };
}

const created: string[] = [];
afterAll(() => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file. */
export function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-datasets-'));
  created.push(d);
  return d;
}

/** Writes `content` to `dir/name` (creating sub-folders) and returns the full path. */
export function write(dir: string, name: string, content: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** Awaits `p`, expects a `DatasetParseError`, and returns it. */
export async function parseError(p: Promise<unknown>): Promise<DatasetParseError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetParseError);
    return err as DatasetParseError;
  }
  throw new Error('expected a DatasetParseError, but parsing succeeded');
}
