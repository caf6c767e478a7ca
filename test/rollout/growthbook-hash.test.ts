import { describe, expect, it } from 'vitest';
import cases from './fixtures/growthbook-hash-cases.json';
import { fnv1a32, growthbookHash } from '../../lib/rollout/growthbook-hash';

type HashCase = [string, string, number, number | null];
const hashCases = cases.hash as HashCase[];

describe('growthbookHash', () => {
  it('carries both hash versions of GrowthBook\'s published cases', () => {
    expect(hashCases.filter((c) => c[2] === 2).length).toBeGreaterThanOrEqual(7);
    expect(hashCases.filter((c) => c[2] === 1).length).toBeGreaterThanOrEqual(7);
  });

  it.each(hashCases)('hash(%j, %j, v%d) = %j as in GrowthBook', (seed, value, version, expected) => {
    expect(growthbookHash(seed, value, version)).toBe(expected);
  });

  it('is FNV-1a 32-bit (reference vectors from the FNV authors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});
