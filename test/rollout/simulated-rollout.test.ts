/**
 * Simulated rollouts: traffic with a known effect and error rate flows through the stages while
 * the monitor looks once a minute and a person advances whenever the look says 'ready'. Each
 * scenario must end in the right decision.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore, type Store } from '../../lib/store/store';
import { advanceExperiment } from '../../lib/rollout/controller';
import { resolveExperiment } from '../../lib/rollout/experiment-store';
import { lookAtExperiment, type LookResult } from '../../lib/rollout/monitor';
import { loadDecisions } from '../../lib/rollout/decisions';
import { assignArm } from '../../lib/rollout/assignment';
import type { Arm } from '../../lib/rollout/assignment';
import type { EventMetrics } from '../../lib/rollout/events';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, normal, quickExperiment, rolloutWorkspace, seededRandom, writeExperiment, type EventSpec } from './helpers';


const T0 = new Date('2026-03-03T08:00:00Z');
const UNITS_PER_MINUTE = 80;
const INTERNAL_UNITS_PER_MINUTE = 15;
const MAX_MINUTES = 30;

interface Traffic {
  /** Probability that a treatment event is an error. */
  treatmentErrorRate: number;
  /** Mean per-unit quality of each arm (sd 0.1). */
  quality: Record<Arm, number>;
  /** Share of units the service puts in treatment, when it disagrees with the plan (sample-ratio mismatch). */
  forcedTreatmentShare?: number;
  unitsPerMinute?: number;
}

let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
beforeEach(async () => {
  ws = await rolloutWorkspace();
});
afterEach(() => removeDir(ws.dir));

function minuteOfTraffic(random: () => number, minute: number, percentage: number, traffic: Traffic): EventSpec[] {
  const time = at(T0, minute * MINUTE + 1000);
  const specs: EventSpec[] = [];
  const metrics = (arm: Arm): EventMetrics => ({
    error: arm === 'treatment' && random() < traffic.treatmentErrorRate,
    processing_ms: arm === 'treatment' ? normal(random, 500, 100) : normal(random, 300, 50),
    cache_hit: arm === 'treatment' ? random() < 0.4 : false,
    quality: normal(random, traffic.quality[arm], 0.1),
  });
  if (percentage === 0) {
    // The internal stage: internal users get the treatment.
    for (let i = 0; i < INTERNAL_UNITS_PER_MINUTE; i++) specs.push({ unit: `internal-${minute}-${i}`, arm: 'treatment', at: time, metrics: metrics('treatment') });
    return specs;
  }
  for (let i = 0; i < (traffic.unitsPerMinute ?? UNITS_PER_MINUTE); i++) {
    const unit = `u-${minute}-${i}`;
    const arm: Arm = traffic.forcedTreatmentShare !== undefined
      ? (random() < traffic.forcedTreatmentShare ? 'treatment' : 'control')
      : assignArm({ seed: 'kw-test', hashVersion: 2 }, unit, percentage);
    specs.push({ unit, arm, at: time, metrics: metrics(arm) });
  }
  return specs;
}

/** Runs minute by minute from `startMinute`; a person advances at every 'ready' look. Returns every look. */
async function simulate(store: Store, traffic: Traffic, seed: number, options: { stopAtStage?: number; startMinute?: number } = {}): Promise<LookResult[]> {
  const random = seededRandom(seed);
  const resolve = { experimentsDir: ws.experimentsDir };
  await resolveExperiment(store, 'kw-test', { ...resolve, now: T0 });
  const looks: LookResult[] = [];
  const start = options.startMinute ?? 0;
  for (let minute = start; minute < start + MAX_MINUTES; minute++) {
    const state = await resolveExperiment(store, 'kw-test', resolve);
    if (state.status === 'completed' || state.status === 'rolled-back') break;
    if (options.stopAtStage !== undefined && state.stageIndex > options.stopAtStage) break;
    await addEvents(store, 'kw-test', minuteOfTraffic(random, minute, state.percentage, traffic));
    const now = at(T0, minute * MINUTE + 30_000);
    const look = await lookAtExperiment(store, state, now);
    looks.push(look);
    if (look.decision === 'ready') await advanceExperiment(store, 'kw-test', { ...resolve, now, note: 'gates pass' });
  }
  return looks;
}

describe('a simulated rollout', () => {
  it('with a 20% quality lift and 0.2% errors passes every gate, the A/B test included, and reaches 100%', async () => {
    writeExperiment(ws.experimentsDir, quickExperiment());
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      const looks = await simulate(store, { treatmentErrorRate: 0.002, quality: { control: 0.5, treatment: 0.6 } }, 1);
      const state = await resolveExperiment(store, 'kw-test', { experimentsDir: ws.experimentsDir });
      expect(state).toMatchObject({ stageIndex: 4, percentage: 100, status: 'completed' });
      const log = (await loadDecisions(store, 'kw-test', { actionsOnly: true })).reverse();
      expect(log.map((d) => `${d.decision}:${d.toStage}`)).toEqual(['created:0', 'advance:1', 'advance:2', 'advance:3', 'advance:4']);
      expect(log.every((d) => d.decision === 'created' || d.evidence['forced'] === false)).toBe(true);
      expect(looks.some((l) => l.decision === 'rollback' || l.decision === 'halve')).toBe(false);
      // The A/B look that passed: significant lift near 20%, no sample-ratio mismatch.
      const abLook = looks.find((l) => l.decision === 'ready' && l.assessment.ab);
      const quality = abLook?.assessment.ab?.quality;
      expect(quality?.source).toBe('events');
      const lift = quality?.lift;
      const sequential = quality?.sequential;
      if (!lift || lift.degenerate || !sequential || sequential.degenerate) throw new Error('the A/B look has no quality comparison');
      expect(lift.estimate).toBeGreaterThan(0.15);
      expect(lift.interval[0]).toBeGreaterThan(0);
      expect(sequential.pValue).toBeLessThan(0.05);
      expect(sequential.interval?.[0]).toBeGreaterThan(0);
      expect(abLook?.assessment.ab?.srm && !abLook.assessment.ab.srm.degenerate && abLook.assessment.ab.srm.mismatch).toBe(false);
    });
  });

  it('with 12% LLM errors at the canary rolls back to 0% by itself after the 5-minute window', async () => {
    writeExperiment(ws.experimentsDir, quickExperiment({ monitor: { lookback: '2m', min_units: 10 } }));
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      // A healthy internal stage first, then the canary starts failing.
      const looks = await simulate(store, { treatmentErrorRate: 0.0, quality: { control: 0.5, treatment: 0.6 } }, 2, { stopAtStage: 0 });
      expect(looks.at(-1)?.decision).toBe('ready');
      const failing = await simulate(store, { treatmentErrorRate: 0.12, quality: { control: 0.5, treatment: 0.6 }, unitsPerMinute: 400 }, 3, { startMinute: looks.length });
      const rollback = failing.find((l) => l.decision === 'rollback');
      expect(rollback?.automatic).toBe(true);
      expect(rollback?.applied).toMatchObject({ stageIndex: 0, percentage: 0, status: 'rolled-back' });
      const trigger = rollback?.assessment.triggers.find((t) => t.due);
      expect(trigger?.name).toBe('errors-critical');
      expect(trigger?.heldMs).toBeGreaterThanOrEqual(5 * MINUTE);
      const state = await resolveExperiment(store, 'kw-test', { experimentsDir: ws.experimentsDir });
      expect(state).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
    });
  });

  it('with no real quality difference never declares the A/B stage ready, however often it looks', async () => {
    // min_lift 0: only the sequential test stands between noise and an advance.
    writeExperiment(ws.experimentsDir, quickExperiment({ ab_gates: { quality_lift: { min_lift: 0, alpha: 0.05 }, sample_ratio: { alpha: 0.001 } } }));
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      const looks = await simulate(store, { treatmentErrorRate: 0, quality: { control: 0.5, treatment: 0.5 } }, 4);
      const atAb = looks.filter((l) => l.assessment.ab);
      expect(atAb.length).toBeGreaterThan(20);
      expect(atAb.every((l) => l.decision === 'continue')).toBe(true);
      const gate = atAb.at(-1)?.assessment.readiness.gates.find((g) => g.gate === 'quality_lift');
      expect(gate?.outcome).toBe('fail');
    });
  });

  it('blocks the A/B stage on a sample-ratio mismatch even with a real lift', async () => {
    writeExperiment(ws.experimentsDir, quickExperiment({
      stages: [
        { name: 'ab-test', percentage: 50, min_duration: '1m', min_units: 50, ab_test: true },
        { name: 'full', percentage: 100 },
      ],
    }));
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      const looks = await simulate(store, { treatmentErrorRate: 0, quality: { control: 0.5, treatment: 0.6 }, forcedTreatmentShare: 0.7 }, 5, { stopAtStage: 0 });
      const last = looks.at(-1);
      expect(last?.decision).toBe('continue');
      const srm = last?.assessment.readiness.gates.find((g) => g.gate === 'sample_ratio');
      expect(srm?.outcome).toBe('fail');
      expect(last?.assessment.readiness.gates.find((g) => g.gate === 'quality_lift')?.outcome).toBe('pass');
    });
  });
});
