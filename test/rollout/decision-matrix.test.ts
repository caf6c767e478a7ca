/**
 * The rollback decision matrix end to end: events in the store, monitor looks once a minute,
 * and the stage change each row should make, after exactly its window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { advanceExperiment } from '../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../lib/rollout/experiment-store';
import { lookAtExperiment, runRolloutMonitor } from '../../lib/rollout/monitor';
import { loadDecisions } from '../../lib/rollout/decisions';
import type { EventMetrics } from '../../lib/rollout/events';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, quickExperiment, rolloutWorkspace, writeExperiment, type EventSpec } from './helpers';


const T0 = new Date('2026-03-02T08:00:00Z');
const EVENTS_PER_MINUTE = 50;
const HEALTHY: Required<Pick<EventMetrics, 'processing_ms' | 'cache_hit'>> = { processing_ms: 500, cache_hit: true };

let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const options = () => ({ dbPath: ws.dbPath, experimentsDir: ws.experimentsDir });

beforeEach(async () => {
  ws = await rolloutWorkspace();
  writeExperiment(ws.experimentsDir, quickExperiment({ monitor: { lookback: '1m', min_units: 10 } }));
  // Start at 'quarter' (25%), so that 'previous stage' and 'to zero' differ.
  await withStore({ dbPath: ws.dbPath }, async (store) => {
    await resolveExperiment(store, 'kw-test', { ...options(), now: T0 });
    await advanceExperiment(store, 'kw-test', { ...options(), now: T0, force: true });
    await advanceExperiment(store, 'kw-test', { ...options(), now: T0, force: true });
  });
});
afterEach(() => removeDir(ws.dir));

/** Treatment events for minute `m`: `bad` of every 50 events get `badMetrics`. */
function minuteOfEvents(m: number, metrics: (i: number) => EventMetrics): EventSpec[] {
  return Array.from({ length: EVENTS_PER_MINUTE }, (_, i) => ({ unit: `u-${m}-${i}`, arm: 'treatment' as const, at: at(T0, m * MINUTE + 1000), metrics: metrics(i) }));
}

/** `minutes` minutes of bad traffic, then good traffic; a monitor look 30 s into every minute. */
async function simulate(bad: (i: number) => EventMetrics, badMinutes: number, totalMinutes: number) {
  const good = (i: number): EventMetrics => ({ ...HEALTHY, cache_hit: i % 2 === 0, error: false });
  // One store for the whole simulation keeps it fast; the job's entry point is tested below.
  return withStore({ dbPath: ws.dbPath }, async (store) => {
    for (let m = 0; m < totalMinutes; m++) {
      await addEvents(store, 'kw-test', minuteOfEvents(m, m < badMinutes ? bad : good));
      const now = at(T0, m * MINUTE + 30_000);
      await lookAtExperiment(store, await resolveExperiment(store, 'kw-test', { ...options(), now }), now);
    }
    return {
      state: await getExperiment(store, 'kw-test'),
      actions: (await loadDecisions(store, 'kw-test', { actionsOnly: true })).filter((d) => d.automatic).reverse(),
    };
  });
}

const errors = (rate: number) => (i: number): EventMetrics => ({ ...HEALTHY, cache_hit: i % 2 === 0, error: i < rate * EVENTS_PER_MINUTE });
const time = (ms: number) => (i: number): EventMetrics => ({ processing_ms: ms, cache_hit: i % 2 === 0, error: false });
const cache = (rate: number) => (i: number): EventMetrics => ({ processing_ms: 500, cache_hit: i < rate * EVENTS_PER_MINUTE, error: false });

describe.each([
  // row, bad traffic, window (minutes), expected stage/percentage/status after acting, decision
  ['errors-critical', errors(0.06), 5, { stageIndex: 0, percentage: 0, status: 'rolled-back' }, 'rollback'],
  ['errors-high', errors(0.04), 5, { stageIndex: 1, percentage: 10, status: 'running' }, 'rollback'],
  ['time-high', time(3500), 10, { stageIndex: 1, percentage: 10, status: 'running' }, 'rollback'],
  ['time-elevated', time(2500), 10, { stageIndex: 2, percentage: 12.5, status: 'running' }, 'halve'],
  ['cache-low', cache(0.04), 10, { stageIndex: 2, percentage: 25, status: 'running' }, 'investigate'],
] as const)('matrix row %s', (row, bad, window, after, decision) => {
  it(`acts when the condition holds for its ${window}-minute window`, async () => {
    const { state, actions } = await simulate(bad, window + 1, window + 3);
    expect(actions.map((a) => [a.decision, a.evidence['trigger'], a.decidedAt.getTime() - T0.getTime()])).toEqual([[decision, row, window * MINUTE + 30_000]]);
    expect(state).toMatchObject(after);
  });

  it('does nothing when it holds for less than the window', async () => {
    const { state, actions } = await simulate(bad, window, window + 3);
    expect(actions).toEqual([]);
    expect(state).toMatchObject({ stageIndex: 2, percentage: 25, status: 'running' });
  });
});

describe('runRolloutMonitor (the rollout-monitor job\'s entry point)', () => {
  it('looks at every stored experiment, records a decision each, and applies a due rollback', async () => {
    const first = await runRolloutMonitor({ ...options(), now: at(T0, 30_000) });
    expect(first).toEqual({ decisions: 1, rowsWritten: 1, broken: [] });
    await withStore({ dbPath: ws.dbPath }, (store) => addEvents(store, 'kw-test', [0, 1, 2, 3, 4, 5, 6].flatMap((m) => minuteOfEvents(m, errors(0.5)))));
    const looks: string[] = [];
    let total = { decisions: 0, rowsWritten: 0 };
    for (let m = 0; m <= 6; m++) {
      const r = await runRolloutMonitor({ ...options(), now: at(T0, m * MINUTE + 30_000), onLook: (l) => looks.push(l.decision) });
      total = { decisions: total.decisions + r.decisions, rowsWritten: total.rowsWritten + r.rowsWritten };
    }
    expect(looks).toEqual(['continue', 'continue', 'continue', 'continue', 'continue', 'rollback', 'continue']);
    expect(total).toEqual({ decisions: 7, rowsWritten: 8 });
    const state = await withStore({ dbPath: ws.dbPath }, (store) => getExperiment(store, 'kw-test'));
    expect(state).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
  });
});
