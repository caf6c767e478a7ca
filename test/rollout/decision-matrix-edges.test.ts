/**
 * Every row of the plan's decision matrix, as the shipped experiment file holds it, at the exact
 * edge of its window: events of known timestamps in the store, one monitor look a minute before
 * the edge (no action) and one at the edge (the action). The looks are put at their times with
 * the library's `now` and, for one row, with `benchlab rollout monitor --now`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { advanceExperiment } from '../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../lib/rollout/experiment-store';
import { runRolloutMonitor, type LookResult } from '../../lib/rollout/monitor';
import { experimentsDir } from '../../lib/rollout/experiment-config';
import type { EventMetrics } from '../../lib/rollout/events';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, rolloutWorkspace, runCli, type EventSpec } from './helpers';

const KEY = 'keyword-extraction-llm';
const T0 = new Date('2026-03-05T10:00:00Z');
const EVENTS_PER_MINUTE = 50;
const MINUTES = 15;

let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const options = () => ({ dbPath: ws.dbPath, experimentsDir: ws.experimentsDir });

beforeEach(async () => {
  ws = await rolloutWorkspace();
  fs.copyFileSync(path.join(experimentsDir(), `${KEY}.yaml`), path.join(ws.experimentsDir, `${KEY}.yaml`));
  // At 'quarter' (25%) from T0, so that 'previous stage', 'halve' and 'to zero' differ.
  await withStore({ dbPath: ws.dbPath }, async (store) => {
    await resolveExperiment(store, KEY, { ...options(), now: T0 });
    await advanceExperiment(store, KEY, { ...options(), now: T0, force: true });
    await advanceExperiment(store, KEY, { ...options(), now: T0, force: true });
  });
});
afterEach(() => removeDir(ws.dir));

const healthy = (i: number): EventMetrics => ({ error: false, processing_ms: 500, cache_hit: i % 2 === 0 });

/** 50 treatment events a minute, stamped 1-50 s into the minute, for the minutes `minutes` allows. */
function traffic(metrics: (i: number, minute: number) => EventMetrics, minutes = (_m: number) => true): EventSpec[] {
  const specs: EventSpec[] = [];
  for (let m = 0; m < MINUTES; m++) {
    if (!minutes(m)) continue;
    for (let i = 0; i < EVENTS_PER_MINUTE; i++) {
      specs.push({ unit: `u-${m}-${i}`, arm: 'treatment', at: at(T0, m * MINUTE + (i + 1) * 1000), metrics: metrics(i, m) });
    }
  }
  return specs;
}

/** Feedback events: `count` complaints about one unit at `offset` after T0. */
const complaints = (count: number, offset: number): EventSpec => ({ unit: `c-${offset}`, arm: 'treatment', at: at(T0, offset), metrics: { complaints: count } });

interface Row {
  row: string;
  events: EventSpec[];
  /** The edge: when the action becomes due, after T0. */
  edge: number;
  after: { stageIndex: number; percentage: number; status: string };
  decision: string;
}

const rows: Row[] = [
  // error rate > 5% (3 of 50) from T0: for 5 minutes -> roll back to 0%
  { row: 'errors-critical', events: traffic((i) => ({ ...healthy(i), error: i < 3 })), edge: 5 * MINUTE, after: { stageIndex: 0, percentage: 0, status: 'rolled-back' }, decision: 'rollback' },
  // 3-5% (2 of 50): for 5 minutes -> previous stage
  { row: 'errors-high', events: traffic((i) => ({ ...healthy(i), error: i < 2 })), edge: 5 * MINUTE, after: { stageIndex: 1, percentage: 10, status: 'running' }, decision: 'rollback' },
  // average time > 3 s: for 10 minutes -> previous stage
  { row: 'time-high', events: traffic((i) => ({ ...healthy(i), processing_ms: 3500 })), edge: 10 * MINUTE, after: { stageIndex: 1, percentage: 10, status: 'running' }, decision: 'rollback' },
  // 2-3 s: for 10 minutes -> halve
  { row: 'time-elevated', events: traffic((i) => ({ ...healthy(i), processing_ms: 2500 })), edge: 10 * MINUTE, after: { stageIndex: 2, percentage: 12.5, status: 'running' }, decision: 'halve' },
  // cache hit rate < 10% (2 of 50): for 10 minutes -> investigate
  { row: 'cache-low', events: traffic((i) => ({ ...healthy(i), cache_hit: i < 2 })), edge: 10 * MINUTE, after: { stageIndex: 2, percentage: 25, status: 'running' }, decision: 'investigate' },
  // more than 5 complaints: the 6th at 10:00 -> pause
  { row: 'complaints', events: [...traffic(healthy), complaints(5, 2 * MINUTE), complaints(1, 10 * MINUTE)], edge: 10 * MINUTE, after: { stageIndex: 2, percentage: 25, status: 'paused' }, decision: 'pause' },
  // more than 10 complaints: from 5 to 11 at 10:00 -> roll back
  { row: 'complaints-many', events: [...traffic(healthy), complaints(5, 2 * MINUTE), complaints(6, 10 * MINUTE)], edge: 10 * MINUTE, after: { stageIndex: 0, percentage: 0, status: 'rolled-back' }, decision: 'rollback' },
  // the LLM service unavailable (every event flagged) for 5 minutes -> roll back
  { row: 'llm-unavailable', events: traffic((i) => ({ ...healthy(i), llm_unavailable: true })), edge: 5 * MINUTE, after: { stageIndex: 0, percentage: 0, status: 'rolled-back' }, decision: 'rollback' },
  // ... or no treatment events at all: the last in minute 2, none from 3:00, so 5 whole silent minutes at 8:00 -> roll back
  { row: 'llm-unavailable', events: traffic(healthy, (m) => m <= 2), edge: 8 * MINUTE, after: { stageIndex: 0, percentage: 0, status: 'rolled-back' }, decision: 'rollback' },
];

async function look(now: Date): Promise<LookResult> {
  const looks: LookResult[] = [];
  await runRolloutMonitor({ ...options(), experiment: KEY, now, onLook: (l) => looks.push(l) });
  expect(looks).toHaveLength(1);
  return looks[0] as LookResult;
}

describe.each(rows.map((r, i) => [`${r.row}${i === rows.length - 1 ? ' (silence)' : ''}`, r] as const))('matrix row %s of the shipped experiment', (_name, row) => {
  it('does nothing one minute before the edge of its window and acts at the edge', async () => {
    await withStore({ dbPath: ws.dbPath }, (store) => addEvents(store, KEY, row.events));
    const before = await look(at(T0, row.edge - MINUTE));
    expect(before.decision).toBe('continue');
    expect(await withStore({ dbPath: ws.dbPath }, (store) => getExperiment(store, KEY))).toMatchObject({ stageIndex: 2, percentage: 25, status: 'running' });

    const edge = await look(at(T0, row.edge));
    expect([edge.decision, edge.assessment.triggers.filter((t) => t.due).map((t) => t.name)]).toEqual([row.decision, [row.row]]);
    expect(await withStore({ dbPath: ws.dbPath }, (store) => getExperiment(store, KEY))).toMatchObject(row.after);
  });
});

describe('benchlab rollout monitor --now', () => {
  it('puts the look at the given time: errors-critical one minute before its edge and at it', async () => {
    await withStore({ dbPath: ws.dbPath }, (store) => addEvents(store, KEY, traffic((i) => ({ ...healthy(i), error: i < 3 }))));
    process.env['BENCHLAB_EXPERIMENTS_DIR'] = ws.experimentsDir;
    try {
      const before = await runCli(ws.dbPath, ['rollout', 'monitor', '--now', at(T0, 4 * MINUTE).toISOString(), KEY]);
      expect(before.stdout).toMatch(/^keyword-extraction-llm: continue: .*errors-critical pending 240\/300 s/m);
      const edge = await runCli(ws.dbPath, ['rollout', 'monitor', '--now', '2026-03-05T11:05:00+01:00', KEY]);
      expect(edge.stdout).toContain(`keyword-extraction-llm: rollback: errors-critical (error_rate > 0.05, held 300 s since ${T0.toISOString()}): critical: roll back to 'internal' (25% -> 0%)`);
    } finally {
      delete process.env['BENCHLAB_EXPERIMENTS_DIR'];
    }
  });
});
