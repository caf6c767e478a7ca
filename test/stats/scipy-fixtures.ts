/**
 * Owns loading the SciPy reference fixtures (test/fixtures/scipy/*.json, written by
 * generate.py) and comparing against them: relative tolerance 1e-9 with an absolute floor of
 * 1e-300 for tiny p-values. Non-finite numbers arrive as the strings "Infinity", "-Infinity"
 * and "NaN"; samples of 100,000 values arrive as a formula both sides evaluate identically.
 * With STATS_REPORT_ERRORS=1 each file prints the largest relative error it saw.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, expect } from 'vitest';

/** Relative tolerance against SciPy. */
export const RELATIVE_TOLERANCE = 1e-9;
/** Absolute floor for comparisons of tiny p-values. */
export const ABSOLUTE_FLOOR = 1e-300;

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'scipy');

/** A 100,000-value sample described by generate.py's formula_sample. */
export interface FormulaSample {
  readonly formula: {
    readonly n: number;
    readonly a1: number;
    readonly c1: number;
    readonly m1: number;
    readonly a2: number;
    readonly c2: number;
    readonly m2: number;
    readonly shift: number;
    readonly scale: number;
  };
}

/** A stored sample: inline values or a formula. */
export type StoredSample = number[] | FormulaSample;

function decode(value: unknown): unknown {
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (value === 'NaN') return Number.NaN;
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** The `cases` of fixture file `name` (without .json). */
export function loadFixture<T>(name: string): { versions: Record<string, string | null>; cases: T } {
  const raw = JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as unknown;
  return decode(raw) as { versions: Record<string, string | null>; cases: T };
}

/** The values of a stored sample, evaluating formulas exactly as generate.py does. */
export function sampleValues(sample: StoredSample): number[] {
  if (Array.isArray(sample)) return sample;
  const f = sample.formula;
  const values = new Array<number>(f.n);
  for (let i = 0; i < f.n; i += 1) {
    const u1 = ((i * f.a1 + f.c1) % f.m1) / f.m1;
    const u2 = ((i * f.a2 + f.c2) % f.m2) / f.m2;
    values[i] = f.shift + f.scale * (u1 + u2);
  }
  return values;
}

let worst = { error: 0, label: '' };

/** Relative error of `actual` against `expected` (0 when both are equal, incl. infinities). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), ABSOLUTE_FLOOR);
}

/** Expects `actual` within the SciPy tolerance of `expected`, and records the error. */
export function expectClose(actual: number | undefined, expected: number, label: string, tolerance = RELATIVE_TOLERANCE): void {
  expect(actual, label).toBeTypeOf('number');
  const value = actual as number;
  if (!Number.isFinite(expected)) {
    expect(value, label).toBe(expected);
    return;
  }
  const error = relativeError(value, expected);
  if (tolerance === RELATIVE_TOLERANCE && error > worst.error) worst = { error, label };
  const ok = Math.abs(value - expected) <= Math.max(tolerance * Math.abs(expected), ABSOLUTE_FLOOR);
  expect(ok, `${label}: got ${value}, SciPy ${expected} (relative error ${error.toExponential(2)})`).toBe(true);
}

/**
 * Expects an interval to match with a tolerance relative to its size (the largest of |endpoint| and
 * |endpoint - estimate|): SciPy 1.10's
 * t.ppf (cdflib) is itself only ~2e-10 accurate, and an endpoint near zero would turn that
 * into a large relative error of the endpoint alone.
 */
export function expectIntervalClose(
  actual: readonly [number, number] | undefined,
  expected: readonly [number, number],
  estimate: number,
  label: string,
): void {
  expect(actual, label).toBeDefined();
  const [low, high] = actual as readonly [number, number];
  const finite = [expected[0], expected[1]].filter(Number.isFinite);
  const scale = Math.max(...finite.map(Math.abs), ...finite.map((e) => Math.abs(e - estimate))) || 1;
  for (const [value, reference, side] of [[low, expected[0], 'low'], [high, expected[1], 'high']] as const) {
    if (!Number.isFinite(reference)) {
      expect(value, `${label} ${side}`).toBe(reference);
      continue;
    }
    const error = Math.abs(value - reference) / scale;
    if (error > worst.error) worst = { error, label: `${label} ${side}` };
    expect(error, `${label} ${side}: got ${value}, SciPy ${reference}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
  }
}

afterAll(() => {
  if (process.env.STATS_REPORT_ERRORS === '1') {
    console.log(`max relative error vs SciPy: ${worst.error.toExponential(3)} (${worst.label})`);
  }
});
