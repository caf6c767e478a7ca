/**
 * Runs once before the test files: reports that commands write by default (`benchlab run` renders
 * its run report, `compare --report`, `select --report`) go to a temp folder, not the checkout's
 * reports/, so tests leave the checkout as they found it. Child processes inherit the variable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-reports-'));
  process.env['BENCHLAB_REPORTS'] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
