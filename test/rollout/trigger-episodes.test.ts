/**
 * The rollback triggers act within their windows, with the monitor looking once a minute as the
 * rollout-monitor job does (30 s into each minute) and the plan's matrix: a trigger's window runs
 * from when its condition began by the events' own timestamps, not from the first look whose
 * trailing average crossed it; bands share an episode; halving acts once per episode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { advanceExperiment } from '../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../lib/rollout/experiment-store';
import { lookAtExperiment } from '../../lib/rollout/monitor';
import { loadDecisions } from '../../lib/rollout/decisions';
import type { EventMetrics } from '../../lib/rollout/events';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, quickExperiment, rolloutWorkspace, writeExperiment, type EventSpec } from './helpers';

const T0 = new Date('2026-03-06T09:00:00Z');
const EVENTS_PER_MINUTE = 50;

let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const options = () => ({ experimentsDir: ws.experimentsDir });

beforeEach(async () => {
  ws = await rolloutWorkspace();
  // The plan's matrix, with a 5-minute lookback as before, at 'quarter' (25%) from T0.
  writeExperiment(ws.experimentsDir, quickExperiment({ monitor: { lookback: '5m', min_units: 10 } }));
  await withStore({ dbPath: ws.dbPath }, async (store) => {
    await resolveExperiment(store, 'kw-test', { ...options(), now: T0 });
    await advanceExperiment(store, 'kw-test', { ...options(), now: T0, force: true });
    await advanceExperiment(store, 'kw-test', { ...options(), now: T0, force: true });
  });
});
afterEach(() => removeDir(ws.dir));

const healthy = (i: number): EventMetrics => ({ error: false, processing_ms: 500, cache_hit: i % 2 === 0 });
/** The metrics of event `i` of minute `m`. */
type Traffic = (m: number, i: number) => EventMetrics;
const errorRate = (rate: number) => (i: number): EventMetrics => ({ ...healthy(i), error: i < rate * EVENTS_PER_MINUTE });
const time = (ms: number) => (i: number): EventMetrics => ({ ...healthy(i), processing_ms: ms });

/** Traffic minute by minute for `minutes`, a look 30 s into each; returns the automatic actions as [decision, trigger, minutes:seconds after T0] and the final state. */
async function simulate(traffic: Traffic, minutes: number) {
  return withStore({ dbPath: ws.dbPath }, async (store) => {
    for (let m = 0; m < minutes; m++) {
      const specs: EventSpec[] = Array.from({ length: EVENTS_PER_MINUTE }, (_, i) => ({ unit: `u-${m}-${i}`, arm: 'treatment' as const, at: at(T0, m * MINUTE + 1000 + i * 500), metrics: traffic(m, i) }));
      await addEvents(store, 'kw-test', specs);
      const now = at(T0, m * MINUTE + 30_000);
      await lookAtExperiment(store, await resolveExperiment(store, 'kw-test', { ...options(), now }), now);
    }
    const actions = (await loadDecisions(store, 'kw-test', { actionsOnly: true })).filter((d) => d.automatic).reverse();
    const clock = (d: Date) => {
      const s = (d.getTime() - T0.getTime()) / 1000;
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    };
    return {
      actions: actions.map((a) => [a.decision, a.evidence['trigger'], clock(a.decidedAt)]),
      state: await getExperiment(store, 'kw-test'),
    };
  });
}

/** Healthy traffic for the first 10 minutes, then `episode` for `minutes` minutes, then healthy again. */
const episodeAt10 = (minutes: number, episode: Traffic): Traffic => (m, i) => (m >= 10 && m < 10 + minutes ? episode(m - 10, i) : healthy(i));

describe('rollback triggers act within their windows', () => {
  it('rolls back to 0% at the first look 5 minutes into a > 5% error episode (not at +10 minutes)', async () => {
    const { actions, state } = await simulate(episodeAt10(60, (_m, i) => errorRate(0.06)(i)), 20);
    expect(actions).toEqual([['rollback', 'errors-critical', '15:30']]);
    expect(state).toMatchObject({ stageIndex: 0, percentage: 0, status: 'rolled-back' });
  });

  it('rolls back on a 6% error episode of 8 minutes', async () => {
    const { actions } = await simulate(episodeAt10(8, (_m, i) => errorRate(0.06)(i)), 22);
    expect(actions).toEqual([['rollback', 'errors-critical', '15:30']]);
  });

  it('goes back a stage on a 3.5 s episode of 13 minutes', async () => {
    const { actions, state } = await simulate(episodeAt10(13, (_m, i) => time(3500)(i)), 28);
    expect(actions).toEqual([['rollback', 'time-high', '20:30']]);
    expect(state).toMatchObject({ stageIndex: 1, percentage: 10 });
  });

  it('keeps the episode\'s start when the error rate rises from 3-5% into > 5%', async () => {
    // 4% for three minutes, then 6%: neither band's clock is reset by the other.
    const { actions } = await simulate(episodeAt10(60, (m, i) => errorRate(m < 3 ? 0.04 : 0.06)(i)), 20);
    expect(actions).toEqual([['rollback', 'errors-critical', '15:30']]);
  });

  it('halves once per episode: 25% -> 12.5% after 10 minutes of 2.5 s, and stays there for the hour', async () => {
    const { actions, state } = await simulate(episodeAt10(60, (_m, i) => time(2500)(i)), 70);
    expect(actions).toEqual([['halve', 'time-elevated', '20:30']]);
    expect(state).toMatchObject({ stageIndex: 2, percentage: 12.5, status: 'running' });
  }, 120_000);
});
