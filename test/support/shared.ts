/**
 * Access to ../shared (the collections and fixtures beside the checkout). Tests that need it are
 * skipped with a visible reason when it is absent, except under CI, where it must be there.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SHARED_DIR = path.resolve(__dirname, '../../../shared');
export const sharedPresent = fs.existsSync(SHARED_DIR);

if (!sharedPresent && process.env['CI'] === 'true') {
  throw new Error(`CI=true but the shared folder is missing at ${SHARED_DIR}`);
}

export const SKIP_SHARED_REASON = sharedPresent ? '' : ` (skipped: ${SHARED_DIR} not present)`;

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}
