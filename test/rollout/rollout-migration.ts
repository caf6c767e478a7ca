/**
 * Until the lead registers migration 5 in lib/store/migrations.ts, rollout tests mock that module
 * with it appended (de-duplicated by version, so the mock is harmless once it is registered):
 *
 *   vi.mock('../../lib/store/migrations', async (importOriginal) =>
 *     (await import('./rollout-migration.js')).withRolloutMigration(await importOriginal()));
 */
import type { Migration } from '../../lib/store/migrations/migration';
import { rolloutSchema } from '../../lib/store/migrations/005-rollout';

export function withRolloutMigration(original: unknown): { MIGRATIONS: Migration[]; LATEST_SCHEMA_VERSION: number } {
  const base = original as { MIGRATIONS: Migration[] };
  const byVersion = new Map([...base.MIGRATIONS, rolloutSchema].map((m) => [m.version, m]));
  const migrations = [...byVersion.values()].sort((a, b) => a.version - b.version);
  return { ...base, MIGRATIONS: migrations, LATEST_SCHEMA_VERSION: migrations.reduce((max, m) => Math.max(max, m.version), 0) };
}
