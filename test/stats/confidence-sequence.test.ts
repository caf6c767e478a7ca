import { describe, expect, it } from 'vitest';

import {
  confidenceSequenceResult,
  startConfidenceSequence,
  updateConfidenceSequence,
} from '../../lib/stats/confidence-sequence';
import { seededRandom } from '../../lib/stats/seeded-random';
import { expectClose, expectIntervalClose, loadFixture } from './scipy-fixtures';

interface Case {
  design: 'paired' | 'unpaired';
  plannedSampleSize: number;
  alpha: number;
  rho: number;
  batches: Array<{ x: number[]; y: number[] }>;
  looks: Array<{ estimate: number; interval: [number, number]; pValue: number; excludesZero: boolean }>;
}

const { cases } = loadFixture<Case[]>('sequential');

describe('asymptotic confidence sequence against the GrowthBook formula in NumPy', () => {
  it.each(cases.map((c) => [`${c.design} N*=${c.plannedSampleSize}`, c] as const))('%s', (label, c) => {
    let state = startConfidenceSequence({ design: c.design, plannedSampleSize: c.plannedSampleSize, alpha: c.alpha });
    expectClose(state.rho, c.rho, `${label} rho`);
    c.batches.forEach((batch, look) => {
      state = updateConfidenceSequence(state, batch);
      const result = confidenceSequenceResult(state);
      if (result.degenerate) throw new Error(result.reason);
      const expected = c.looks[look];
      if (expected === undefined) throw new Error('missing look');
      expectClose(result.estimate, expected.estimate, `${label} look ${look} estimate`);
      expectIntervalClose(result.interval, expected.interval, expected.estimate, `${label} look ${look} interval`);
      expectClose(result.pValue, expected.pValue, `${label} look ${look} p`);
      expect(result.excludesZero).toBe(expected.excludesZero);
    });
  });
});

describe('confidence sequence behaviour', () => {
  it('keeps the error rate near alpha over many looks under the null (simulation)', () => {
    const random = seededRandom(77);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.uniform())) * Math.cos(2 * Math.PI * random.uniform());
    const experiments = 300;
    let falsePositives = 0;
    for (let e = 0; e < experiments; e += 1) {
      let state = startConfidenceSequence({ design: 'unpaired', plannedSampleSize: 400 });
      let rejected = false;
      for (let look = 0; look < 20 && !rejected; look += 1) {
        state = updateConfidenceSequence(state, {
          x: Array.from({ length: 20 }, normal),
          y: Array.from({ length: 20 }, normal),
        });
        const result = confidenceSequenceResult(state);
        if (!result.degenerate && result.excludesZero) rejected = true;
      }
      if (rejected) falsePositives += 1;
    }
    // alpha = 0.05; with 300 experiments, 0.05 + 4 standard errors is about 0.1.
    expect(falsePositives / experiments).toBeLessThan(0.1);
  });

  it('detects a real effect and says so', () => {
    let state = startConfidenceSequence({ design: 'paired', plannedSampleSize: 100, labels: ['B', 'A'] });
    state = updateConfidenceSequence(state, {
      x: Array.from({ length: 200 }, (_, i) => 0.6 + 0.01 * (i % 7)),
      y: Array.from({ length: 200 }, (_, i) => 0.5 + 0.01 * (i % 5)),
    });
    const result = confidenceSequenceResult(state);
    if (result.degenerate) throw new Error(result.reason);
    expect(result.excludesZero).toBe(true);
    expect(result.sentence).toMatch(/^B's mean is 0\.11 higher than A's \(95% CI .* valid at every look, after 200 pairs\); always-valid p < 0\.001; the sequence excludes 0/);
  });

  it('is degenerate until there is enough data, and after a bad update', () => {
    let state = startConfidenceSequence({ design: 'unpaired', plannedSampleSize: 100 });
    expect(confidenceSequenceResult(state).degenerate).toBe(true);
    state = updateConfidenceSequence(state, { x: [1, 2, 3], y: [1, 2] });
    expect(confidenceSequenceResult(state).degenerate).toBeUndefined();
    state = updateConfidenceSequence(state, { x: [Number.NaN] });
    expect(confidenceSequenceResult(state)).toMatchObject({ degenerate: true, reason: 'an update contained NaN' });
    const paired = updateConfidenceSequence(startConfidenceSequence({ design: 'paired', plannedSampleSize: 10 }), { x: [1], y: [] });
    expect(confidenceSequenceResult(paired).degenerate).toBe(true);
    expect(() => startConfidenceSequence({ design: 'paired', plannedSampleSize: 0 })).toThrow(RangeError);
  });

  it('does not mutate the previous state', () => {
    const start = startConfidenceSequence({ design: 'unpaired', plannedSampleSize: 100 });
    updateConfidenceSequence(start, { x: [1, 2], y: [3, 4] });
    expect(start.x.n).toBe(0);
  });
});
