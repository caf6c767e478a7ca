import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { GatesNotMetError, advanceExperiment, experimentHistory, rollbackExperiment, rolloutStatus } from '../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../lib/rollout/experiment-store';
import { InputError } from '../../lib/input-error';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, quickExperiment, rolloutWorkspace, writeExperiment } from './helpers';


const T0 = new Date('2026-03-04T08:00:00Z');
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const opts = (now: Date) => ({ experimentsDir: ws.experimentsDir, now });

beforeEach(async () => {
  ws = await rolloutWorkspace();
  writeExperiment(ws.experimentsDir, quickExperiment());
});
afterEach(() => removeDir(ws.dir));

describe('a person\'s rollout decisions', () => {
  it('refuses to advance while gates fail, says which, and records a forced advance with them', async () => {
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      await resolveExperiment(store, 'kw-test', opts(T0));
      const status = await rolloutStatus(store, 'kw-test', opts(T0));
      expect(status.readiness.ready).toBe(false);
      const error = await advanceExperiment(store, 'kw-test', opts(T0)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatesNotMetError);
      expect((error as Error).message).toMatch(/min_duration: pending/);
      expect((error as Error).message).toMatch(/error_rate: pending/);
      const forced = await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true, note: 'demo' });
      expect(forced.to).toEqual({ stageIndex: 1, percentage: 10, status: 'running' });
      const { decisions } = await experimentHistory(store, 'kw-test', { experimentsDir: ws.experimentsDir });
      expect(decisions[0]).toMatchObject({ decision: 'advance', automatic: false, fromStage: 0, toStage: 1 });
      expect(decisions[0]?.evidence).toMatchObject({ forced: true, note: 'demo', from_percentage: 0, to_percentage: 10 });
    });
  });

  it('advances without force once the stage has its time, units and healthy metrics', async () => {
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      await resolveExperiment(store, 'kw-test', opts(T0));
      await addEvents(store, 'kw-test', Array.from({ length: 10 }, (_, i) => ({
        unit: `i${i}`, arm: 'treatment' as const, at: at(T0, 30_000), metrics: { error: false, processing_ms: 800, cache_hit: i < 5 },
      })));
      const early = await rolloutStatus(store, 'kw-test', opts(at(T0, 40_000)));
      expect(early.readiness.gates.find((g) => g.gate === 'min_duration')?.outcome).toBe('pending');
      const later = await rolloutStatus(store, 'kw-test', opts(at(T0, 2 * MINUTE)));
      expect(later.readiness.gates.map((g) => [g.gate, g.outcome])).toEqual([
        ['min_duration', 'pass'], ['min_units', 'pass'], ['error_rate', 'pass'], ['avg_processing_ms', 'pass'], ['cache_hit_rate', 'pass'], ['triggers_quiet', 'pass'],
      ]);
      const result = await advanceExperiment(store, 'kw-test', opts(at(T0, 2 * MINUTE)));
      expect(result.to.stageIndex).toBe(1);
    });
  });

  it('fails a gate on a bad metric and rolls back one stage or to zero on request', async () => {
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      await resolveExperiment(store, 'kw-test', opts(T0));
      await addEvents(store, 'kw-test', Array.from({ length: 10 }, (_, i) => ({
        unit: `i${i}`, arm: 'treatment' as const, at: at(T0, 30_000), metrics: { error: i === 0, processing_ms: 2500, cache_hit: false },
      })));
      const status = await rolloutStatus(store, 'kw-test', opts(at(T0, 2 * MINUTE)));
      expect(Object.fromEntries(status.readiness.gates.map((g) => [g.gate, g.outcome]))).toMatchObject({ error_rate: 'fail', avg_processing_ms: 'fail', cache_hit_rate: 'fail' });

      for (let i = 0; i < 3; i++) await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true });
      expect((await rollbackExperiment(store, 'kw-test', opts(T0))).to).toEqual({ stageIndex: 2, percentage: 25, status: 'running' });
      expect((await rollbackExperiment(store, 'kw-test', { ...opts(T0), toZero: true })).to).toEqual({ stageIndex: 0, percentage: 0, status: 'rolled-back' });
      await expect(rollbackExperiment(store, 'kw-test', opts(T0))).rejects.toThrow(InputError);
      expect(await getExperiment(store, 'kw-test')).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
    });
  });

  it('refuses to advance past the last stage and to act on an unknown experiment', async () => {
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      for (let i = 0; i < 4; i++) await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true });
      expect(await getExperiment(store, 'kw-test')).toMatchObject({ stageIndex: 4, percentage: 100, status: 'completed' });
      await expect(advanceExperiment(store, 'kw-test', { ...opts(T0), force: true })).rejects.toThrow(/already at its last stage/);
      await expect(rolloutStatus(store, 'no-such-thing', opts(T0))).rejects.toThrow(/unknown experiment 'no-such-thing'.*stored experiments: kw-test/);
    });
  });

  it('keeps the stage when the experiment file changes, and logs the change', async () => {
    await withStore({ dbPath: ws.dbPath }, async (store) => {
      await advanceExperiment(store, 'kw-test', { ...opts(T0), force: true });
      writeExperiment(ws.experimentsDir, quickExperiment({ description: 'edited' }));
      const status = await rolloutStatus(store, 'kw-test', opts(at(T0, MINUTE)));
      expect(status.state).toMatchObject({ stageIndex: 1, percentage: 10 });
      expect(status.state.config.description).toBe('edited');
      const { decisions } = await experimentHistory(store, 'kw-test', { experimentsDir: ws.experimentsDir });
      expect(decisions[0]?.decision).toBe('config-changed');
    });
  });
});
