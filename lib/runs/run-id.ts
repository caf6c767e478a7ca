/**
 * Run identifiers: sortable by start time and unique across processes,
 * e.g. `r20261121-101512-3fa9c2`.
 */
import crypto from 'node:crypto';

const RANDOM_BYTES = 3;

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `r${stamp}-${crypto.randomBytes(RANDOM_BYTES).toString('hex')}`;
}
