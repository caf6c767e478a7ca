/**
 * `benchlab export --to postgres --dataset NAME --table TABLE`: copies an imported dataset into a
 * PostgreSQL table with a GIN index over a generated tsvector column (lib/backends/postgres), so
 * generated queries can be run on the team's own full-text search. The connection string comes
 * from $BENCHLAB_PG_URL (or the `pg` client's PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD).
 * The DuckDB database is only read. Bad settings are input errors (exit 3).
 */
import { Command, Option } from 'commander';
import { exportDatasetToPostgres } from '../../backends/postgres/export-dataset';
import { postgresSettingsSchema } from '../../backends/postgres/postgres-settings';
import { InputError } from '../../input-error';
import { withStore } from '../../store/store';
import type { GlobalOptions } from '../global-options';
import { printJson } from '../output';

interface ExportCommandOptions {
  to: 'postgres';
  dataset: string;
  table: string;
  config: string;
  replace: boolean;
  json: boolean;
}

export function exportCommand(globals: () => GlobalOptions): Command {
  return new Command('export')
    .description('copy an imported dataset into another search engine (PostgreSQL full-text search)')
    .addOption(new Option('--to <engine>', 'where to').choices(['postgres']).makeOptionMandatory())
    .requiredOption('--dataset <name>', 'the imported dataset')
    .requiredOption('--table <name>', 'target table, or schema.table')
    .option('--config <name>', 'text search configuration (english, simple, ...)', 'english')
    .option('--replace', 'replace the table if it exists', false)
    .option('--json', 'print the result as JSON', false)
    .action(async (options: ExportCommandOptions) => {
      const parsed = postgresSettingsSchema.safeParse({ table: options.table, config: options.config });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(`--${issue?.path.join('.') ?? 'table'} ${issue?.path[0] === 'config' ? options.config : options.table}: ${issue?.message}`);
      }
      const result = await withStore({ dbPath: globals().db, readOnly: true }, (store) =>
        exportDatasetToPostgres(store, options.dataset, {
          settings: parsed.data,
          replace: options.replace,
          onProgress: (done, total) => {
            if (!options.json && process.stderr.isTTY) process.stderr.write(`\rexported ${done}/${total} documents`);
          },
        }),
      );
      if (options.json) printJson(result);
      else process.stdout.write(`${process.stderr.isTTY ? '\n' : ''}exported ${result.documents} documents of '${options.dataset}' to PostgreSQL table ${result.table} (GIN index on tsv) in ${(result.ms / 1000).toFixed(1)} s\n`);
    });
}
