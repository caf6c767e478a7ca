import { describe, expect, it } from 'vitest';

import { minimumDetectableEffect } from '../../lib/stats/minimum-detectable-effect';
import { noncentralTCdf } from '../../lib/stats/noncentral-t-cdf';
import { seededRandom } from '../../lib/stats/seeded-random';
import { studentTQuantile } from '../../lib/stats/student-t-quantile';
import type { Alternative } from '../../lib/stats/test-result';
import { type PowerDesign, tTestPower } from '../../lib/stats/t-test-power';
import { tTestSampleSize } from '../../lib/stats/t-test-sample-size';
import { expectClose, loadFixture } from './scipy-fixtures';

interface Case {
  design: PowerDesign;
  effectSize: number;
  n: number;
  alpha: number;
  ratio: number;
  alternative: Alternative;
  power: number;
  sampleSize: number;
  mde: number;
  statsmodelsPower: number;
  statsmodelsSampleSize: number;
  statsmodelsMde: number;
}

interface Distributions {
  nctCdf: Array<{ t: number; df: number; ncp: number; cdf: number }>;
  tQuantile: Array<{ p: number; df: number; scipy: number; quantile: number }>;
}

const { cases } = loadFixture<Case[]>('power');
const distributions = loadFixture<Distributions>('distributions').cases;

/**
 * statsmodels' own numbers: its power calls SciPy 1.10's t.isf (cdflib, ~4e-9 relative error in
 * the critical value) and its solve_power stops its root search early (up to ~3e-5 relative), so
 * they are checked more loosely; the 1e-9 references use statsmodels' formula with the exact
 * t quantile and brentq to 1e-13 (see generate.py).
 */
const STATSMODELS_POWER_TOLERANCE = 1e-8;
const STATSMODELS_SOLVER_TOLERANCE = 1e-4;

describe('tTestPower, tTestSampleSize and minimumDetectableEffect against statsmodels TTestPower / TTestIndPower', () => {
  it.each(cases.map((c) => [`${c.design} d=${c.effectSize} n=${c.n} alpha=${c.alpha} ratio=${c.ratio} ${c.alternative}`, c] as const))(
    '%s',
    (label, c) => {
      const design = { design: c.design, alpha: c.alpha, alternative: c.alternative, ratio: c.ratio };
      const power = tTestPower(c.effectSize, c.n, design);
      const size = tTestSampleSize(c.effectSize, design).exact;
      const mde = minimumDetectableEffect(c.n, design);
      expectClose(power, c.power, `${label} power`);
      expectClose(size, c.sampleSize, `${label} sample size`);
      expectClose(mde, c.mde, `${label} mde`);
      expectClose(power, c.statsmodelsPower, `${label} statsmodels power`, STATSMODELS_POWER_TOLERANCE);
      expectClose(size, c.statsmodelsSampleSize, `${label} statsmodels sample size`, STATSMODELS_SOLVER_TOLERANCE);
      expectClose(mde, c.statsmodelsMde, `${label} statsmodels mde`, STATSMODELS_SOLVER_TOLERANCE);
    },
  );
});

describe('distributions against SciPy and mpmath', () => {
  it.each(distributions.nctCdf.map((c) => [`nct.cdf(${c.t}, ${c.df}, ${c.ncp})`, c] as const))('%s', (label, c) => {
    expectClose(noncentralTCdf(c.t, c.df, c.ncp), c.cdf, label);
  });

  it.each(distributions.tQuantile.map((c) => [`t.ppf(${c.p}, ${c.df})`, c] as const))('%s', (label, c) => {
    expectClose(studentTQuantile(c.p, c.df), c.quantile, `${label} (mpmath)`, 1e-14);
    expectClose(studentTQuantile(c.p, c.df), c.scipy, `${label} (SciPy cdflib)`, 1e-8);
  });
});

describe('power planning behaviour', () => {
  it('rounds the sample size up and reaches the target power there', () => {
    const plan = tTestSampleSize(0.5, { design: 'paired' });
    expect(plan.n).toBe(Math.ceil(plan.exact));
    expect(plan.power).toBeGreaterThanOrEqual(0.8);
  });

  it('matches a simulation of the paired t-test', () => {
    const random = seededRandom(2024);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.uniform())) * Math.cos(2 * Math.PI * random.uniform());
    const n = 15;
    const effect = 0.6;
    const critical = studentTQuantile(0.975, n - 1);
    const runs = 20_000;
    let rejections = 0;
    for (let r = 0; r < runs; r += 1) {
      const d = Array.from({ length: n }, () => effect + normal());
      const mean = d.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      if (Math.abs(mean / (sd / Math.sqrt(n))) > critical) rejections += 1;
    }
    const power = tTestPower(effect, n, { design: 'paired' });
    expect(Math.abs(rejections / runs - power)).toBeLessThan(4 * Math.sqrt((power * (1 - power)) / runs));
  });

  it('rejects impossible plans', () => {
    expect(() => tTestPower(0.5, 1, { design: 'paired' })).toThrow(RangeError);
    expect(() => tTestSampleSize(0, { design: 'paired' })).toThrow(RangeError);
    expect(() => tTestSampleSize(-0.3, { design: 'unpaired', alternative: 'greater' })).toThrow(RangeError);
    expect(() => minimumDetectableEffect(20, { design: 'paired', power: 0.01 })).toThrow(RangeError);
    expect(() => tTestPower(0.5, 10, { design: 'paired', alpha: 1.5 })).toThrow(RangeError);
  });
});
