/**
 * Owns the seeded pseudorandom numbers of the resampling methods: a 32-bit Mersenne Twister
 * (@stdlib/random-base-mt19937) so that a bootstrap or permutation result is reproducible from
 * its seed on every platform.
 */

import mt19937 from '@stdlib/random-base-mt19937';

const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

/** The seed used when none is given. */
export const DEFAULT_SEED = 20240601;

/** A seeded source of uniform numbers, indices and random bits. */
export interface SeededRandom {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  index(n: number): number;
  /** 32 random bits as an unsigned integer. */
  bits32(): number;
}

/** A Mersenne Twister seeded with `seed` (a positive integer below 2^32). */
export function seededRandom(seed: number = DEFAULT_SEED): SeededRandom {
  if (!Number.isInteger(seed) || seed < 1 || seed >= 2 ** 32) {
    throw new RangeError(`seed must be an integer from 1 to 2^32 - 1, got ${seed}`);
  }
  const generator = mt19937.factory({ seed });
  // genrand_res53 of the reference implementation: 27 + 26 random bits over 2^53.
  const uniform = (): number => ((generator() >>> 5) * TWO_POW_26 + (generator() >>> 6)) / TWO_POW_53;
  return {
    uniform,
    index: (n: number) => Math.floor(uniform() * n),
    bits32: () => generator(),
  };
}
