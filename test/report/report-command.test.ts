import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../lib/cli/commands/report-command';
import type { GlobalOptions } from '../../lib/cli/global-options';
import { INDEX_FILE, runReportFileName, TRENDS_FILE } from '../../lib/report/report-files';
import { createRun, finishRun } from '../../lib/runs/run-store';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let db: string;
let runId: string;
beforeAll(async () => {
  dir = tempDir();
  db = path.join(dir, 'cli.duckdb');
  runId = await withStore({ dbPath: db }, async (store) => {
    const id = await createRun(store, { kind: 'bench', dataset: 'sample', suite: 'empty', config: { suite: { top_k: 10 } } });
    await finishRun(store, id, 'completed');
    return id;
  });
});
afterAll(() => removeDir(dir));

/** Runs `benchlab --db DB report ...args` in process and returns what it printed. */
async function report(args: string[]): Promise<string> {
  const program = new Command('benchlab').option('--db <path>').exitOverride();
  program.addCommand(reportCommand(() => program.opts<GlobalOptions>()).exitOverride());
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'benchlab', '--db', db, 'report', ...args]);
  } finally {
    write.mockRestore();
  }
  return lines.join('');
}

describe('benchlab report', () => {
  it('prints the paths it wrote, one per line', async () => {
    const out = path.join(dir, 'out');
    const printed = (await report(['--run', runId, '--out', out])).trim().split('\n');
    expect(printed).toEqual([runReportFileName(runId), TRENDS_FILE, INDEX_FILE].map((f) => path.join(out, f)));
    for (const file of printed) expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(printed[0] ?? '', 'utf8')).toContain('No metric values were stored for this run.');
  });

  it('prints JSON with --json', async () => {
    const out = path.join(dir, 'json');
    const result = JSON.parse(await report(['--all', '--out', out, '--json'])) as { files: string[]; index: string };
    expect(result.index).toBe(path.join(out, INDEX_FILE));
    expect(result.files).toContain(path.join(out, runReportFileName(runId)));
  });

  it('rejects --run together with --all as wrong usage', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(report(['--run', runId, '--all'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
    } finally {
      stderr.mockRestore();
    }
  });
});
