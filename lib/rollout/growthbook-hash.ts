/**
 * Owns GrowthBook-compatible bucketing hashes: FNV-1a 32-bit over UTF-16 code units, and
 * GrowthBook's `hash(seed, value, version)` mapping a unit to [0, 1):
 *   version 2: fnv1a32(String(fnv1a32(seed + value))) % 10000 / 10000
 *   version 1: fnv1a32(value + seed) % 1000 / 1000
 *   any other version: null.
 * Written by hand on purpose: GrowthBook's SDK keeps `hash` internal (its package does not
 * export it), and the FNV packages on npm hash UTF-8 bytes, while GrowthBook hashes UTF-16
 * code units (`charCodeAt`); the units differ for non-ASCII ids. Checked against GrowthBook's
 * published test cases (test/rollout/fixtures/growthbook-hash-cases.json).
 */

/** FNV-1a 32-bit offset basis and prime (http://www.isthe.com/chongo/tech/comp/fnv/). */
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The hash versions GrowthBook defines. */
export const HASH_VERSIONS = [1, 2] as const;
export type HashVersion = (typeof HASH_VERSIONS)[number];

/** Buckets per unit interval of each version (the modulus before dividing). */
const BUCKETS: Record<HashVersion, number> = { 1: 1000, 2: 10000 };

/** FNV-1a over the string's UTF-16 code units, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function isHashVersion(version: number): version is HashVersion {
  return (HASH_VERSIONS as readonly number[]).includes(version);
}

/**
 * GrowthBook's bucketing hash of `value` under `seed`: a number in [0, 1), or null for a hash
 * version GrowthBook does not define.
 */
export function growthbookHash(seed: string, value: string, version: number): number | null {
  if (!isHashVersion(version)) return null;
  const buckets = BUCKETS[version];
  const hashed = version === 2 ? fnv1a32(String(fnv1a32(seed + value))) : fnv1a32(value + seed);
  return (hashed % buckets) / buckets;
}
