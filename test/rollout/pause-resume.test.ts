/**
 * User complaints, ingested as events, pause the rollout (more than 5) or roll it back (more
 * than 10); a paused experiment keeps its percentage, refuses advances (forced ones too) until a
 * person runs `benchlab rollout resume`, and is not paused again by the same episode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { getExperiment } from '../../lib/rollout/experiment-store';
import { loadDecisions } from '../../lib/rollout/decisions';
import { rolloutStatus } from '../../lib/rollout/controller';
import { removeDir } from '../support/temp-store';
import { at, MINUTE, quickExperiment, rolloutWorkspace, runCli, writeExperiment } from './helpers';

const T0 = new Date('2026-03-08T12:00:00Z');
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
let file: string;
const iso = (offset: number) => at(T0, offset).toISOString();
const cli = (args: string[]) => runCli(ws.dbPath, args);

beforeEach(async () => {
  ws = await rolloutWorkspace();
  file = writeExperiment(ws.experimentsDir, quickExperiment({ monitor: { min_units: 10 } }));
  await cli(['rollout', 'advance', '--now', iso(0), '--force', file]);
  await cli(['rollout', 'advance', '--now', iso(0), '--force', file]); // quarter, 25%
});
afterEach(() => removeDir(ws.dir));

/** Writes JSONL lines: healthy treatment traffic for minutes [from, to), and complaints at the given offsets. */
function eventsFile(name: string, minutes: [number, number], complaints: [number, number][]): string {
  const lines: Record<string, unknown>[] = [];
  for (let m = minutes[0]; m < minutes[1]; m++) {
    for (let i = 0; i < 20; i++) {
      lines.push({ event_id: `${name}-${m}-${i}`, unit: `u-${m}-${i}`, arm: 'treatment', timestamp: iso(m * MINUTE + 1000 + i * 1000), metrics: { error: false, processing_ms: 400, cache_hit: true } });
    }
  }
  complaints.forEach(([offset, count], n) => lines.push({ event_id: `${name}-complaint-${n}`, unit: `u-complained-${n}`, arm: 'treatment', timestamp: iso(offset), metrics: { complaints: count } }));
  const p = path.join(ws.dir, name);
  fs.writeFileSync(p, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return p;
}

describe('complaints, pause and resume', () => {
  it('pauses on the 6th complaint, blocks advances until resumed, and rolls back on the 11th', async () => {
    const first = eventsFile('first.jsonl', [0, 5], [[MINUTE, 3], [3 * MINUTE, 3]]);
    expect((await cli(['ingest', '--now', iso(5 * MINUTE), '--experiment', file, first])).code).toBe(0);

    expect((await cli(['rollout', 'monitor', '--now', iso(3 * MINUTE - 1000), 'kw-test'])).stdout).toMatch(/kw-test: ready: every gate passes/);
    const paused = await cli(['rollout', 'monitor', '--now', iso(3 * MINUTE), 'kw-test']);
    expect(paused.stdout).toContain("kw-test: pause: complaints (complaints > 5 and <= 10, held 0 s");
    expect(paused.stdout).toContain("pause at 25%: advances wait for 'benchlab rollout resume kw-test'");
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      expect(await getExperiment(store, 'kw-test')).toMatchObject({ stageIndex: 2, percentage: 25, status: 'paused', stageStartedAt: T0 });
      const status = await rolloutStatus(store, 'kw-test', { experimentsDir: ws.experimentsDir, now: at(T0, 4 * MINUTE) });
      expect(status.readiness.gates.find((g) => g.gate === 'paused')).toMatchObject({ outcome: 'fail' });
      expect(status.state.config.stages[2]?.name).toBe('quarter');
    });

    await expect(cli(['rollout', 'advance', '--now', iso(4 * MINUTE), '--force', file])).rejects.toThrow(/kw-test is paused: .*'benchlab rollout resume kw-test'/);
    // The same episode (still 6 complaints in this stage) does not pause again; the pause blocks 'ready'.
    expect((await cli(['rollout', 'monitor', '--now', iso(4 * MINUTE), 'kw-test'])).stdout).toMatch(/kw-test: continue: paused fail/);

    const resumed = await cli(['rollout', 'resume', '--now', iso(4 * MINUTE + 30_000), '--note', 'looked at the complaints', file]);
    expect(resumed.stdout).toContain("kw-test: resume at 'quarter' (25%): advances allowed again");
    await expect(cli(['rollout', 'resume', file])).rejects.toThrow(/kw-test is not paused/);
    expect((await cli(['rollout', 'monitor', '--now', iso(5 * MINUTE), 'kw-test'])).stdout).toMatch(/kw-test: ready: every gate passes/);
    expect(await withStore({ dbPath: ws.dbPath }, (store) => getExperiment(store, 'kw-test'))).toMatchObject({ status: 'running', percentage: 25 });

    // Five more complaints: 11 in this stage -> roll back to 0%.
    const second = eventsFile('second.jsonl', [5, 8], [[7 * MINUTE, 5]]);
    await cli(['ingest', '--now', iso(8 * MINUTE), '--experiment', file, second]);
    const rolled = await cli(['rollout', 'monitor', '--now', iso(7 * MINUTE), 'kw-test']);
    expect(rolled.stdout).toContain('kw-test: rollback: complaints-many (complaints > 10');
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      expect(await getExperiment(store, 'kw-test')).toMatchObject({ stageIndex: 0, percentage: 0, status: 'rolled-back' });
      const log = (await loadDecisions(store, 'kw-test', { actionsOnly: true })).reverse().map((d) => `${d.decision}:${d.automatic ? 'monitor' : 'person'}`);
      expect(log).toEqual(['created:person', 'advance:person', 'advance:person', 'pause:monitor', 'resume:person', 'rollback:monitor']);
    });
  });

  it('does not count feedback events as processed units', async () => {
    const only = eventsFile('only.jsonl', [0, 1], [[30_000, 2], [40_000, 1]]);
    await cli(['ingest', '--now', iso(MINUTE), '--experiment', file, only]);
    const json = JSON.parse((await cli(['rollout', 'status', '--json', '--now', iso(MINUTE), file])).stdout);
    expect(json.summaries.treatment).toMatchObject({ events: 20, units: 20, errors: 0, complaints: 3 });
  });
});
