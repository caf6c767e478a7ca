/**
 * The rollout and ingest commands, run in-process through commander (main.ts registers the same
 * modules): output, JSON, and the input-error exit code for bad event lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rolloutCommand } from '../../lib/cli/commands/rollout-command';
import { ingestCommand } from '../../lib/cli/commands/ingest-command';
import { EXIT } from '../../lib/cli/exit-codes';
import { removeDir } from '../support/temp-store';
import { quickExperiment, rolloutWorkspace, writeExperiment } from './helpers';


let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
beforeEach(async () => {
  ws = await rolloutWorkspace();
});
afterEach(() => {
  vi.restoreAllMocks();
  removeDir(ws.dir);
});

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  let code: number = EXIT.ok;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const program = new Command('benchlab').option('--db <path>').exitOverride();
  const globals = () => program.opts<{ db?: string }>();
  program.addCommand(rolloutCommand(globals).exitOverride());
  program.addCommand(ingestCommand(globals, (c) => (code = c)).exitOverride());
  try {
    await program.parseAsync(['node', 'benchlab', '--db', ws.dbPath, ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr, code };
}

describe('benchlab rollout / ingest', () => {
  it('ingests events, shows the status, advances by force and lists the history', async () => {
    const file = writeExperiment(ws.experimentsDir, quickExperiment());
    expect((await cli(['rollout', 'status', file])).stdout).toContain('kw-test: running'); // registers it at its first stage
    const events = path.join(ws.dir, 'events.jsonl');
    fs.writeFileSync(events, [
      { event_id: 'a', unit: 'u1', arm: 'treatment', timestamp: new Date().toISOString(), metrics: { error: false, processing_ms: 700, cache_hit: true } },
      { event_id: 'b', unit: 'u2', arm: 'treatment', timestamp: 'yesterday', metrics: {} },
    ].map((e) => JSON.stringify(e)).join('\n'));
    const bad = await cli(['ingest', '--experiment', file, events]);
    expect(bad.code).toBe(EXIT.input);
    expect(bad.stderr).toContain(`${events}:2: timestamp:`);
    expect(bad.stderr).toContain('nothing stored');

    const partial = await cli(['ingest', '--experiment', file, '--partial', '--json', events]);
    expect(JSON.parse(partial.stdout)[0]).toMatchObject({ inserted: 1, stored: true });

    const status = await cli(['rollout', 'status', file]);
    expect(status.stdout).toContain('[internal 0%] -> canary 10%');
    expect(status.stdout).toMatch(/min_duration\s*│\s*pending/);
    expect(status.stdout).toContain('not ready to advance');

    const json = JSON.parse((await cli(['rollout', 'status', '--json', file])).stdout);
    expect(json.summaries.treatment.events).toBe(1);

    await expect(cli(['rollout', 'advance', file])).rejects.toThrow(/not ready to advance/);
    const advanced = await cli(['rollout', 'advance', '--force', '--note', 'demo', file]);
    expect(advanced.stdout).toContain("advance to 'canary' (0% -> 10%) despite failing gates (forced)");

    const history = await cli(['rollout', 'history', '--actions', file]);
    expect(history.stdout).toMatch(/advance\s*│\s*person/);
    expect(history.stdout).toMatch(/created/);
    const list = await cli(['rollout', 'list']);
    expect(list.stdout).toMatch(/kw-test\s*│\s*running\s*│\s*canary/);
    const monitor = await cli(['rollout', 'monitor']);
    expect(monitor.stdout).toContain('kw-test: continue');
  });
});
