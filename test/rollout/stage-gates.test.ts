/**
 * Gates of one stage, from the experiment file: at 25%, quality at least 10% above the baseline
 * (the control arm), judged with the A/B stage's analysis and sequential test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { advanceExperiment, rolloutStatus } from '../../lib/rollout/controller';
import { resolveExperiment } from '../../lib/rollout/experiment-store';
import type { Arm } from '../../lib/rollout/assignment';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, normal, quickExperiment, rolloutWorkspace, seededRandom, writeExperiment, type EventSpec } from './helpers';

const T0 = new Date('2026-03-09T06:00:00Z');
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const opts = (now: Date) => ({ experimentsDir: ws.experimentsDir, now });

beforeEach(async () => {
  ws = await rolloutWorkspace();
  const base = quickExperiment();
  const stages = (base['stages'] as Record<string, unknown>[]).map((s) => (s['name'] === 'quarter' ? { ...s, gates: { quality_lift: { min_lift: 0.1, alpha: 0.05 } } } : s));
  writeExperiment(ws.experimentsDir, { ...base, stages });
});
afterEach(() => removeDir(ws.dir));

/** 400 units over two minutes, a quarter in treatment, with per-unit quality around each arm's mean. */
function traffic(quality: Record<Arm, number>): EventSpec[] {
  const random = seededRandom(7);
  return Array.from({ length: 400 }, (_, n) => {
    const arm: Arm = n % 4 === 0 ? 'treatment' : 'control';
    return { unit: `u${n}`, arm, at: at(T0, Math.floor(n / 200) * MINUTE + 1000 + (n % 200) * 100), metrics: { error: false, processing_ms: arm === 'treatment' ? 600 : 300, cache_hit: n % 2 === 0, quality: normal(random, quality[arm], 0.1) } };
  });
}

async function quarterGates(quality: Record<Arm, number>) {
  return withStore({ dbPath: ws.dbPath }, async (store) => {
    await resolveExperiment(store, 'kw-test', opts(T0));
    await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true });
    const canary = await rolloutStatus(store, 'kw-test', opts(T0));
    await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true });
    await addEvents(store, 'kw-test', traffic(quality));
    const quarter = await rolloutStatus(store, 'kw-test', opts(at(T0, 2 * MINUTE)));
    return { canary, quarter };
  });
}

describe('a stage\'s own gates', () => {
  it('at 25%: passes with quality 20% above the baseline, significant by the sequential test', async () => {
    const { canary, quarter } = await quarterGates({ control: 0.5, treatment: 0.6 });
    expect(canary.readiness.gates.map((g) => g.gate)).not.toContain('quality_lift');
    const gate = quarter.readiness.gates.find((g) => g.gate === 'quality_lift');
    expect(gate).toMatchObject({ outcome: 'pass', requirement: 'lift >= 0.1 with sequential p < 0.05' });
    expect(quarter.ab?.quality.source).toBe('events');
    expect(quarter.ab?.quality.sequential && !quarter.ab.quality.sequential.degenerate && quarter.ab.quality.sequential.pValue).toBeLessThan(0.05);
    expect(quarter.readiness.gates.map((g) => g.gate)).toEqual(['min_duration', 'min_units', 'error_rate', 'avg_processing_ms', 'cache_hit_rate', 'quality_lift', 'triggers_quiet']);
    expect(quarter.readiness.ready).toBe(true);
  });

  it('at 25%: blocks the advance when the quality is only 4% above the baseline', async () => {
    const { quarter } = await quarterGates({ control: 0.5, treatment: 0.52 });
    expect(quarter.readiness.gates.find((g) => g.gate === 'quality_lift')?.outcome).toBe('fail');
    expect(quarter.readiness.ready).toBe(false);
  });
});
