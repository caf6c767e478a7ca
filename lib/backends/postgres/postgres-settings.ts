/**
 * Where a dataset lives in PostgreSQL: the connection (a libpq URL from the environment variable
 * the settings name, default BENCHLAB_PG_URL; without it the `pg` client's own PG* variables
 * apply), the table, its id / text / tsvector columns and the text search configuration.
 * Identifiers are checked against a strict pattern and always quoted, so a name from a suite file
 * can never become SQL.
 */
import { z } from 'zod';
import { InputError } from '../../input-error';

export const DEFAULT_PG_URL_ENV = 'BENCHLAB_PG_URL';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const identifier = z.string().regex(IDENTIFIER, 'use letters, digits and underscores (at most 63), not starting with a digit');

export const postgresSettingsSchema = z
  .object({
    /** The environment variable that holds the connection string. */
    url_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default(DEFAULT_PG_URL_ENV),
    /** `table` or `schema.table`. */
    table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/, 'use table or schema.table'),
    id_column: identifier.default('id'),
    text_column: identifier.default('body'),
    tsvector_column: identifier.default('tsv'),
    /** Text search configuration, e.g. english, simple. */
    config: identifier.default('english'),
  })
  .strict();

export type PostgresSettings = z.infer<typeof postgresSettingsSchema>;

/** `"name"`, or `"schema"."table"`: each part double-quoted (the parts were checked by the schema). */
export function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** The connection string from the environment; undefined lets `pg` read PGHOST, PGPORT, ... itself. */
export function connectionString(settings: Pick<PostgresSettings, 'url_env'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env[settings.url_env]?.trim();
  if (url === undefined || url === '') {
    if (settings.url_env !== DEFAULT_PG_URL_ENV) throw new InputError(`${settings.url_env} is not set: it should hold the PostgreSQL connection string (postgresql://user@host/db)`);
    return undefined;
  }
  return url;
}
