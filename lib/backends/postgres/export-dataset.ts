/**
 * `benchlab export --to postgres`: copies an imported dataset into a PostgreSQL table with a GIN
 * index, so the same generated queries can be run on both backends. The table:
 *   id TEXT PRIMARY KEY, body TEXT (the dataset's indexed fields, joined by a blank line),
 *   fields JSONB (every field), tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector(config, body)) STORED
 * with `CREATE INDEX ... USING gin (tsv)`. The documents are read from DuckDB and sent in batches
 * (unnest of arrays, one round trip a batch), so memory holds one batch, not the collection.
 *
 * Atomic: the rows go into a loading table first; only when it is complete and indexed is it
 * renamed to the target in one transaction (dropping the old table when `replace` is given). A
 * failure leaves any existing table untouched and drops the loading table.
 */
import { Client } from 'pg';
import { documentBatches } from '../../datasets/document-reads';
import { getDataset } from '../../datasets/catalog';
import { InputError } from '../../input-error';
import type { Store } from '../../store/store';
import { connectionString, quoteIdentifier, type PostgresSettings } from './postgres-settings';
import { explainPostgresError } from './postgres-error';

export interface ExportOptions {
  settings: PostgresSettings;
  /** Replace an existing table of that name (default: refuse). */
  replace?: boolean;
  batchSize?: number;
  env?: NodeJS.ProcessEnv;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  table: string;
  documents: number;
  ms: number;
}

const LOADING_SUFFIX = '__benchlab_loading';

/** Splits `schema.table` (schema optional). */
function splitName(name: string): { schema: string | undefined; table: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { schema: undefined, table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

export async function exportDatasetToPostgres(store: Store, dataset: string, options: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const info = await getDataset(store, dataset);
  const { settings } = options;
  const { schema, table } = splitName(settings.table);
  const target = quoteIdentifier(settings.table);
  const loadingName = `${table.slice(0, 63 - LOADING_SUFFIX.length)}${LOADING_SUFFIX}`;
  const loading = quoteIdentifier(schema ? `${schema}.${loadingName}` : loadingName);
  const url = connectionString(settings, options.env);
  const client = new Client(url !== undefined ? { connectionString: url } : {});
  try {
    await client.connect();
  } catch (error) {
    throw explainPostgresError(error, `export of '${dataset}' to ${settings.table}`);
  }
  try {
    // The configuration must exist (also checks it before any row is sent).
    try {
      await client.query('SELECT $1::regconfig', [settings.config]);
    } catch {
      throw new InputError(`text search configuration '${settings.config}' does not exist in this PostgreSQL (see \\dF in psql)`);
    }
    const exists = (await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [target])).rows[0]?.t;
    if (exists && !options.replace) throw new InputError(`table ${settings.table} already exists in PostgreSQL; give --replace to replace it`);

    await client.query(`DROP TABLE IF EXISTS ${loading}`);
    // The configuration is a checked identifier; a generated column needs it as a literal.
    await client.query(
      `CREATE TABLE ${loading} (id TEXT PRIMARY KEY, body TEXT NOT NULL, fields JSONB NOT NULL,
        tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('${settings.config}'::regconfig, body)) STORED)`,
    );
    let done = 0;
    try {
      for await (const batch of documentBatches(store, dataset, options.batchSize)) {
        await client.query(`INSERT INTO ${loading} (id, body, fields) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`, [
          batch.map((d) => d.docId),
          batch.map((d) => info.indexedFields.map((f) => d.fields[f] ?? '').filter((t) => t !== '').join('\n\n')),
          batch.map((d) => JSON.stringify(d.fields)),
        ]);
        done += batch.length;
        options.onProgress?.(done, info.docCount);
      }
      await client.query(`CREATE INDEX ${quoteIdentifier(`${loadingName.slice(0, 59)}_gin`)} ON ${loading} USING gin (tsv)`);
      await client.query(`ANALYZE ${loading}`);
      await client.query('BEGIN');
      if (exists) await client.query(`DROP TABLE ${target}`);
      await client.query(`ALTER TABLE ${loading} RENAME TO ${quoteIdentifier(table)}`);
      await client.query(`ALTER INDEX ${quoteIdentifier(schema ? `${schema}.${loadingName.slice(0, 59)}_gin` : `${loadingName.slice(0, 59)}_gin`)} RENAME TO ${quoteIdentifier(`${table.slice(0, 59)}_tsv`)}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query(`DROP TABLE IF EXISTS ${loading}`).catch(() => undefined);
      throw error;
    }
    return { table: settings.table, documents: done, ms: Date.now() - started };
  } finally {
    await client.end();
  }
}
