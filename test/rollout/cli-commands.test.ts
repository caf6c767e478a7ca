/**
 * The rollout and ingest commands, run in-process through commander (main.ts registers the same
 * modules): output, JSON, and the input-error exit code for bad event lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT, exitCodeFor } from '../../lib/cli/exit-codes';
import { withStore } from '../../lib/store/store';
import { removeDir } from '../support/temp-store';
import { quickExperiment, rolloutWorkspace, runCli, writeExperiment } from './helpers';


let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
beforeEach(async () => {
  ws = await rolloutWorkspace();
});
afterEach(() => {
  vi.restoreAllMocks();
  removeDir(ws.dir);
});

const cli = (args: string[]) => runCli(ws.dbPath, args);
const cliWith = runCli;

const T0 = '2026-03-02T08:00:00Z';
const later = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('benchlab rollout / ingest', () => {
  it('ingests events, shows the status, advances by force and lists the history', async () => {
    const file = writeExperiment(ws.experimentsDir, quickExperiment());
    expect((await cli(['rollout', 'status', file])).stdout).toContain('kw-test: not started'); // status registers nothing
    const events = path.join(ws.dir, 'events.jsonl');
    fs.writeFileSync(events, [
      { event_id: 'a', unit: 'u1', arm: 'treatment', timestamp: later(30), metrics: { error: false, processing_ms: 700, cache_hit: true } },
      { event_id: 'b', unit: 'u2', arm: 'treatment', timestamp: 'yesterday', metrics: {} },
    ].map((e) => JSON.stringify(e)).join('\n'));
    const bad = await cli(['ingest', '--now', T0, '--experiment', file, events]);
    expect(bad.code).toBe(EXIT.input);
    expect(bad.stderr).toContain(`${events}:2: timestamp:`);
    expect(bad.stderr).toContain('nothing stored');

    const partial = await cli(['ingest', '--now', T0, '--experiment', file, '--partial', '--json', events]);
    expect(JSON.parse(partial.stdout)[0]).toMatchObject({ inserted: 1, stored: true }); // registers it at its first stage, at T0

    const status = await cli(['rollout', 'status', '--now', later(40), file]);
    expect(status.stdout).toContain('kw-test: running');
    expect(status.stdout).toContain('[internal 0%] -> canary 10%');
    expect(status.stdout).toMatch(/min_duration\s*│\s*pending/);
    expect(status.stdout).toContain('not ready to advance');

    const json = JSON.parse((await cli(['rollout', 'status', '--json', '--now', later(40), file])).stdout);
    expect(json.summaries.treatment.events).toBe(1);
    expect(json.now).toBe(later(40));

    await expect(cli(['rollout', 'advance', '--now', later(50), file])).rejects.toThrow(/not ready to advance/);
    const advanced = await cli(['rollout', 'advance', '--now', later(60), '--force', '--note', 'demo', file]);
    expect(advanced.stdout).toContain("advance to 'canary' (0% -> 10%) despite failing gates (forced)");

    const history = await cli(['rollout', 'history', '--actions', file]);
    expect(history.stdout).toMatch(/advance\s*│\s*person/);
    expect(history.stdout).toMatch(/created/);
    expect(history.stdout).toContain(later(60));
    const list = await cli(['rollout', 'list']);
    expect(list.stdout).toMatch(/kw-test\s*│\s*running\s*│\s*canary/);
    const monitor = await cli(['rollout', 'monitor', '--now', later(70)]);
    expect(monitor.stdout).toContain('kw-test: continue');
  });

  it('status writes nothing: a new experiment shows its plan, a started one its look, a changed file is not synced', async () => {
    const file = writeExperiment(ws.experimentsDir, quickExperiment());
    const snapshot = () => withStore({ dbPath: ws.dbPath }, async (store) => ({
      experiments: await store.all(`SELECT * FROM experiments ORDER BY experiment_key`),
      decisions: await store.all(`SELECT * FROM experiment_decisions ORDER BY decided_at, rowid`),
    }));
    const empty = await snapshot();

    const plan = await cli(['rollout', 'status', file]);
    expect(plan.stdout).toContain('kw-test: not started');
    expect(plan.stdout).toMatch(/errors-critical\s*│\s*error_rate > 0\.05\s*│\s*5m\s*│\s*rollback-to-zero/);
    expect(JSON.parse((await cli(['rollout', 'status', '--json', file])).stdout)).toMatchObject({ experiment: 'kw-test', started: false });
    expect(await snapshot()).toEqual(empty);
    // Not even a database file is created for it.
    const fresh = path.join(ws.dir, 'none.duckdb');
    const noDb = await cliWith(fresh, ['rollout', 'status', file]);
    expect(noDb.stdout).toContain('kw-test: not started');
    expect(fs.existsSync(fresh)).toBe(false);

    await cli(['rollout', 'advance', '--now', T0, '--force', file]); // registers and advances
    const started = await snapshot();
    writeExperiment(ws.experimentsDir, quickExperiment({ description: 'edited' }));
    const look = JSON.parse((await cli(['rollout', 'status', '--json', '--now', later(600), file])).stdout);
    expect(look.state).toMatchObject({ stageIndex: 1, percentage: 10, status: 'running', stageStartedAt: T0.replace('Z', '.000Z') });
    expect(look.state.config.description).toBe('edited'); // what the next look would use ...
    expect(await snapshot()).toEqual(started); // ... but neither synced nor a look recorded
  });

  it('--now and BENCHLAB_NOW set the time of ingest\'s future check; a bad time is an input error', async () => {
    const file = writeExperiment(ws.experimentsDir, quickExperiment());
    const events = path.join(ws.dir, 'future.jsonl');
    fs.writeFileSync(events, JSON.stringify({ event_id: 'f', unit: 'u', arm: 'treatment', timestamp: '2031-01-01T00:00:00Z', metrics: { complaints: 1 } }) + '\n');
    expect((await cli(['ingest', '--experiment', file, events])).stderr).toMatch(/in the future/);
    expect((await cli(['ingest', '--now', '2031-01-01T00:01:00Z', '--experiment', file, events])).code).toBe(EXIT.ok);
    vi.stubEnv('BENCHLAB_NOW', '2031-01-01T00:02:00+00:00');
    try {
      expect(JSON.parse((await cli(['ingest', '--json', '--experiment', file, events])).stdout)[0]).toMatchObject({ duplicates: 1 });
      vi.stubEnv('BENCHLAB_NOW', 'tomorrow');
      const error = await cli(['rollout', 'status', file]).catch((e: unknown) => e);
      expect(exitCodeFor(error)).toBe(EXIT.input);
      expect((error as Error).message).toMatch(/BENCHLAB_NOW: 'tomorrow' is not an ISO 8601 time/);
    } finally {
      vi.unstubAllEnvs();
    }
    const bad = await cli(['rollout', 'monitor', '--now', '2031-01-01 00:00']).catch((e: unknown) => e);
    expect(exitCodeFor(bad)).toBe(EXIT.input);
  });
});
