/**
 * Brings a database to the latest schema: creates `schema_version` on a new file, applies every
 * missing migration in its own transaction, and refuses a file written by a newer Benchlab.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { MIGRATIONS, type Migration } from './migrations';

export class SchemaTooNewError extends Error {
  constructor(dbPath: string, found: number, supported: number) {
    super(
      `database ${dbPath} has schema version ${found}, but this Benchlab supports up to ${supported}. ` +
        `Upgrade Benchlab (git pull && npm ci), or point --db / BENCHLAB_DB at another file.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export async function currentSchemaVersion(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT coalesce(max(version), 0) AS version FROM schema_version`,
  );
  return Number(reader.getRowObjectsJS()[0]?.['version'] ?? 0);
}

export async function migrate(
  connection: DuckDBConnection,
  dbPath: string,
  migrations: Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS schema_version (
      version INTEGER PRIMARY KEY,
      description VARCHAR NOT NULL,
      applied_at TIMESTAMP NOT NULL
    )`,
  );
  const from = await currentSchemaVersion(connection);
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (from > latest) throw new SchemaTooNewError(dbPath, from, latest);
  const pending = migrations.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run(
        `INSERT INTO schema_version VALUES ($version, $description, current_timestamp)`,
        { version: migration.version, description: migration.description },
      );
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw new Error(
        `migration ${migration.version} (${migration.description}) failed on ${dbPath}: ${(error as Error).message}`,
      );
    }
  }
  return { from, to: pending.length > 0 ? latest : from };
}

export { LATEST_SCHEMA_VERSION } from './migrations';
