/**
 * Owns deterministic, sticky arm assignment. A unit's bucket is GrowthBook's hash of the
 * experiment seed and the unit id (growthbook-hash.ts); the unit is in treatment when its bucket
 * lies in [0, percentage/100), GrowthBook's `inRange` for a single range starting at 0. Raising
 * the percentage only widens that range, so nobody already in treatment ever leaves it; lowering
 * it (a rollback) moves exactly the units above the new edge back to control.
 */
import { growthbookHash, type HashVersion } from './growthbook-hash';

export const ARMS = ['control', 'treatment'] as const;
export type Arm = (typeof ARMS)[number];

/** Percentages are 0..100; buckets are 0..1. */
export const PERCENT = 100;

export interface AssignmentSettings {
  seed: string;
  hashVersion: HashVersion;
}

/** The unit's bucket in [0, 1). */
export function bucketOf(settings: AssignmentSettings, unitId: string): number {
  const bucket = growthbookHash(settings.seed, unitId, settings.hashVersion);
  // growthbookHash is null only for an unknown version, which HashVersion rules out.
  if (bucket === null) throw new Error(`unsupported hash version ${settings.hashVersion}`);
  return bucket;
}

/** The arm of `unitId` when `percentage` percent of units get the treatment. */
export function assignArm(settings: AssignmentSettings, unitId: string, percentage: number): Arm {
  return bucketOf(settings, unitId) < percentage / PERCENT ? 'treatment' : 'control';
}

export function isArm(value: string): value is Arm {
  return (ARMS as readonly string[]).includes(value);
}
