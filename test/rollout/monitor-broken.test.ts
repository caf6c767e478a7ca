/**
 * One broken experiment file does not stop the rollout monitor: it is reported with its file and
 * line, every other experiment is still looked at (and can still roll back), the broken one too
 * with its stored configuration, and `benchlab rollout monitor` exits with 3 at the end.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { advanceExperiment } from '../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../lib/rollout/experiment-store';
import { runRolloutMonitor, type BrokenExperiment, type LookResult } from '../../lib/rollout/monitor';
import { loadDecisions } from '../../lib/rollout/decisions';
import { EXIT, exitCodeFor } from '../../lib/cli/exit-codes';
import { removeDir } from '../support/temp-store';
import { addEvents, at, MINUTE, quickExperiment, rolloutWorkspace, runCli, writeExperiment, type EventSpec } from './helpers';

const T0 = new Date('2026-03-07T07:00:00Z');
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
let brokenFile: string;
const options = () => ({ dbPath: ws.dbPath, experimentsDir: ws.experimentsDir });

/** 50 treatment events a minute for 8 minutes, half of them errors. */
function failing(): EventSpec[] {
  return Array.from({ length: 8 * 50 }, (_, n) => ({
    unit: `u-${n}`, arm: 'treatment' as const, at: at(T0, Math.floor(n / 50) * MINUTE + 1000 + (n % 50) * 100), metrics: { error: n % 2 === 0, processing_ms: 400, cache_hit: true },
  }));
}

beforeEach(async () => {
  ws = await rolloutWorkspace();
  // Three experiments at 25%, all failing; the first in key order gets a broken file afterwards.
  for (const key of ['kw-a', 'kw-b', 'kw-c']) writeExperiment(ws.experimentsDir, quickExperiment({ key, monitor: { min_units: 10 } }));
  await withStore({ dbPath: ws.dbPath }, async (store) => {
    for (const key of ['kw-a', 'kw-b', 'kw-c']) {
      await resolveExperiment(store, key, { ...options(), now: T0 });
      await advanceExperiment(store, key, { ...options(), now: T0, force: true });
      await advanceExperiment(store, key, { ...options(), now: T0, force: true });
      await addEvents(store, key, failing());
    }
  });
  brokenFile = writeExperiment(ws.experimentsDir, quickExperiment({ key: 'kw-a' }));
  const text = fs.readFileSync(brokenFile, 'utf8');
  fs.writeFileSync(brokenFile, text.replace(/percentage: 10\n/, 'percentage: ten\n'));
});
afterEach(() => removeDir(ws.dir));

describe('a broken experiment file', () => {
  it('is reported with its file and line, and every experiment is still looked at and rolled back', async () => {
    const looks: LookResult[] = [];
    const broken: BrokenExperiment[] = [];
    const result = await runRolloutMonitor({ ...options(), now: at(T0, 5 * MINUTE), onLook: (l) => looks.push(l), onBroken: (b) => broken.push(b) });
    expect(looks.map((l) => [l.experiment, l.decision])).toEqual([['kw-a', 'rollback'], ['kw-b', 'rollback'], ['kw-c', 'rollback']]);
    expect(result).toMatchObject({ decisions: 3 });
    expect(result.broken).toEqual(broken);
    expect(broken).toEqual([{ experiment: 'kw-a', lookedAt: true, message: expect.stringMatching(new RegExp(`${brokenFile}:\\d+: stages\\.1\\.percentage`)) }]);

    await withStore({ dbPath: ws.dbPath }, async (store) => {
      for (const key of ['kw-a', 'kw-b', 'kw-c']) expect(await getExperiment(store, key)).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
      // The broken one was looked at with its stored configuration, and the decision says so.
      const [decision] = await loadDecisions(store, 'kw-a', { limit: 1 });
      expect(decision?.evidence).toMatchObject({ configuration: 'stored', config_error: expect.stringContaining(brokenFile) });
    });
  });

  it('makes `benchlab rollout monitor` exit with 3 after looking at every experiment', async () => {
    process.env['BENCHLAB_EXPERIMENTS_DIR'] = ws.experimentsDir;
    try {
      const error = await runCli(ws.dbPath, ['rollout', 'monitor', '--now', at(T0, 5 * MINUTE).toISOString()]).catch((e: unknown) => e);
      expect(exitCodeFor(error)).toBe(EXIT.input);
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      expect(stdout).toMatch(/^kw-a: rollback: errors-critical/m);
      expect(stdout).toMatch(/^kw-b: rollback: errors-critical/m);
      expect(stdout).toMatch(/^kw-c: rollback: errors-critical/m);
      expect(stdout).toContain('3 decision(s) recorded');
      expect(stderr).toMatch(new RegExp(`kw-a: experiment file broken \\(looked at with its stored configuration\\):\\n[\\s\\S]*${brokenFile}:\\d+: stages\\.1\\.percentage`));
    } finally {
      delete process.env['BENCHLAB_EXPERIMENTS_DIR'];
    }
  });

  it('that was never stored is reported but not looked at; a YAML syntax error names its line', async () => {
    fs.writeFileSync(brokenFile, 'key: kw-a\narms: [unclosed\n');
    const result = await runRolloutMonitor({ ...options(), now: at(T0, 5 * MINUTE), experiment: 'kw-z' }).catch((e: unknown) => e);
    expect((result as Error).message).toMatch(/unknown experiment 'kw-z'/);
    const named = await runRolloutMonitor({ ...options(), now: at(T0, 5 * MINUTE), experiment: 'kw-a' });
    expect(named.broken).toEqual([{ experiment: 'kw-a', lookedAt: true, message: expect.stringMatching(new RegExp(`^${brokenFile}:\\d+: `)) }]);
    writeExperiment(ws.experimentsDir, { key: 'kw-new', arms: 'none' });
    const fresh = await runRolloutMonitor({ ...options(), now: at(T0, 5 * MINUTE), experiment: 'kw-new' });
    expect(fresh).toEqual({ decisions: 0, rowsWritten: 0, broken: [{ experiment: 'kw-new', lookedAt: false, message: expect.stringMatching(/kw-new\.yaml:2: arms/) }] });
  });
});
