import { describe, expect, it } from 'vitest';
import { assignArm, bucketOf } from '../../lib/rollout/assignment';

const IDS = 100_000;
const RAMP = [0, 10, 25, 50, 100];
/** Allowed distance of the treatment share from the percentage, in percentage points (about 4 standard errors at 100,000 ids). */
const SHARE_TOLERANCE = 0.7;

describe.each([2, 1] as const)('assignment with hash version %d', (hashVersion) => {
  const settings = { seed: 'keyword-extraction-llm', hashVersion };
  const ids = Array.from({ length: IDS }, (_, i) => `doc-${i}`);

  it('is sticky over a ramp-up of 100,000 ids: raising the percentage only adds units to treatment', () => {
    let previous = new Set<string>();
    for (const percentage of RAMP) {
      const treated = new Set(ids.filter((id) => assignArm(settings, id, percentage) === 'treatment'));
      for (const id of previous) expect(treated.has(id)).toBe(true);
      const share = (treated.size / IDS) * 100;
      expect(Math.abs(share - percentage)).toBeLessThan(SHARE_TOLERANCE);
      previous = treated;
    }
    expect(previous.size).toBe(IDS);
  });

  it('is deterministic, and a rollback moves back exactly the units above the new edge', () => {
    for (const id of ids.slice(0, 1000)) {
      expect(assignArm(settings, id, 50)).toBe(assignArm({ ...settings }, id, 50));
      const bucket = bucketOf(settings, id);
      expect(assignArm(settings, id, 10)).toBe(bucket < 0.1 ? 'treatment' : 'control');
    }
  });

  it('puts nobody in treatment at 0% and everybody at 100%', () => {
    expect(ids.slice(0, 5000).every((id) => assignArm(settings, id, 0) === 'control')).toBe(true);
    expect(ids.slice(0, 5000).every((id) => assignArm(settings, id, 100) === 'treatment')).toBe(true);
  });

  it('reshuffles units under another seed', () => {
    const other = { ...settings, seed: 'another-experiment' };
    const same = ids.slice(0, 10_000).filter((id) => assignArm(settings, id, 50) === assignArm(other, id, 50)).length;
    expect(same / 10_000).toBeGreaterThan(0.45);
    expect(same / 10_000).toBeLessThan(0.55);
  });
});
