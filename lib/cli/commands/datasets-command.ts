/**
 * `benchlab datasets`: lists the imported datasets with their sizes and index settings (the
 * database opened read-only; a missing database is an error, exit 3, never a new empty file).
 * `benchlab datasets pull NAME`: downloads a published BEIR collection (checksum-pinned, cached)
 * and imports it (lib/datasets/pull.ts). `benchlab datasets known`: the collections pull knows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { listDatasets } from '../../datasets/catalog';
import { loadBeirRegistry } from '../../datasets/beir-registry';
import { defaultCacheDir, importPreparedPull, prepareBeirPull, type PullResult } from '../../datasets/pull';
import { terminalPullProgress } from '../../datasets/pull-progress';
import { terminalImportProgress } from '../../datasets/import-progress';
import { withStore } from '../../store/store';
import { commaList } from '../parse-options';
import { printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

interface PullCommandOptions {
  from?: string;
  cache?: string;
  dataset?: string;
  split?: string;
  fields?: string[];
  stopwords: boolean;
  stem: boolean;
  json?: boolean;
}

/** `--json` given to `pull` itself, or to `datasets` before it. */
function wantsJson(command: Command, own: boolean | undefined): boolean {
  return own === true || command.parent?.opts<{ json?: boolean }>().json === true;
}

function pullCommand(globals: () => GlobalOptions): Command {
  return new Command('pull')
    .description('download a published BEIR collection (MD5-checked, cached) and import it')
    .argument('<name>', "registry name, e.g. nfcorpus, scifact, trec-covid (see 'benchlab datasets known')")
    .option('--from <file-or-url>', 'take the archive from a local file or URL instead of the published URL (still checksum-checked)')
    .option('--cache <dir>', 'folder keeping downloaded archives (default: data/cache/)')
    .option('--dataset <name>', 'store the collection under this name (default: NAME)')
    .option('--split <name>', "qrels split to import (default: the registry's, usually test)")
    .option('--fields <list>', 'comma-separated document fields to index (default: title,text)', commaList)
    .option('--stopwords', 'drop English stopwords when indexing and querying', false)
    .option('--no-stem', 'do not apply Porter2 stemming')
    .option('--json', 'print the pull summary as JSON')
    .action(async (name: string, options: PullCommandOptions, command: Command) => {
      const json = wantsJson(command, options.json);
      const progress = terminalPullProgress(process.stderr);
      const pullOptions = {
        name,
        progress,
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.cache !== undefined ? { cacheDir: options.cache } : {}),
        ...(options.dataset !== undefined ? { dataset: options.dataset } : {}),
        ...(options.split !== undefined ? { split: options.split } : {}),
        ...(options.fields ? { fields: options.fields } : {}),
        analyzer: { stem: options.stem, stopwords: options.stopwords },
        ...(json ? {} : { importProgress: terminalImportProgress(process.stderr) }),
      };
      // Download and unpack first: the database is opened (and locked) only for the import itself.
      const prepared = await prepareBeirPull(pullOptions);
      let result: PullResult;
      try {
        result = await withStore({ dbPath: globals().db }, (store) => importPreparedPull(store, prepared, pullOptions));
      } finally {
        prepared.dispose(); // the unpacked files, when the store could not be opened
      }
      if (json) {
        printJson(result);
        return;
      }
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      const how =
        result.how === 'cache' ? 'cache (no download)' : result.how === 'download' ? `downloaded ${result.origin}` : `file ${result.origin}`;
      process.stdout.write(
        renderTable(
          ['dataset', 'split', 'documents', 'queries', 'judged queries', 'judgments', 'terms', 'postings'],
          [[
            result.dataset, result.split, result.documents, result.queries, result.judgedQueries,
            result.judgments, result.terms, result.postings,
          ]],
        ) +
          `\nsource: ${how}\n` +
          `md5: ${result.md5} (${result.verified ? 'matches the pinned checksum' : 'not verified: no pinned checksum'})\n` +
          (result.archive !== null ? `archive: ${result.archive}${result.cached ? ' (cached)' : ''}\n` : ''),
      );
    });
}

function knownCommand(): Command {
  return new Command('known')
    .description("list the published BEIR collections 'datasets pull' knows, and whether each is cached")
    .option('--cache <dir>', 'cache folder to look in (default: data/cache/)')
    .option('--json', 'print as JSON')
    .action((options: { cache?: string; json?: boolean }, command: Command) => {
      const registry = loadBeirRegistry();
      const cacheDir = path.resolve(options.cache ?? defaultCacheDir());
      const rows = [...registry.datasets.values()].map((e) => ({
        ...e,
        cached: fs.existsSync(path.join(cacheDir, `${e.name}.zip`)),
      }));
      if (wantsJson(command, options.json)) {
        printJson({ registry: registry.file, cacheDir, datasets: rows });
        return;
      }
      process.stdout.write(
        renderTable(
          ['name', 'documents', 'judged queries', 'split', 'md5', 'cached', 'url'],
          rows.map((r) => [
            r.name, r.documents ?? '-', r.judgedQueries ?? '-', r.split, r.md5, r.cached ? 'yes' : 'no', r.url,
          ]),
        ) + `\nregistry: ${registry.file}\n`,
      );
    });
}

export function datasetsCommand(globals: () => GlobalOptions): Command {
  return new Command('datasets')
    .description('list imported datasets; pull published BEIR collections')
    .option('--json', 'print as JSON', false)
    // Options after a subcommand name belong to the subcommand (e.g. `datasets pull x --json`).
    .enablePositionalOptions()
    .addCommand(pullCommand(globals).exitOverride().showHelpAfterError())
    .addCommand(knownCommand().exitOverride().showHelpAfterError())
    .action(async (options: { json: boolean }) => {
      // Only reads: read-only, so it works on a file the user cannot write and beside other readers.
      const datasets = await withStore({ dbPath: globals().db, readOnly: true }, listDatasets);
      if (options.json) {
        printJson(datasets);
        return;
      }
      if (datasets.length === 0) {
        process.stdout.write(
          "no datasets yet: run 'benchlab import --format beir|trec|smart|files --dataset NAME PATH...' " +
            "or 'benchlab datasets pull NAME' (see 'benchlab datasets known')\n",
        );
        return;
      }
      process.stdout.write(
        renderTable(
          ['dataset', 'format', 'documents', 'queries', 'judgments', 'fields', 'analyzer', 'empty docs', 'imported'],
          datasets.map((d) => [
            d.name, d.format, d.docCount, d.queryCount, d.judgmentCount, d.indexedFields.join(','),
            [d.analyzer.stem ? 'porter2' : 'no-stem', d.analyzer.stopwords ? 'stopwords' : ''].filter(Boolean).join('+'),
            d.emptyDocIds.length, d.importedAt,
          ]),
        ) + '\n',
      );
    });
}
