/**
 * `benchlab import`: parses a collection (BEIR, TREC, SMART, or a directory of the user's own
 * documents: `--format files DIR --golden FILE`) and writes it, with its index, into the store
 * under a dataset name, streaming (BEIR corpora, TREC document files and document directories in
 * batches; SMART files are read whole), with a progress bar on a terminal. Re-import replaces; a
 * failure leaves the old dataset.
 *
 * `files`: the files that could not be read are listed with the reason (stderr, or
 * `skippedFiles` in --json) and the rest imported: exit 0 when at least one file was imported,
 * exit 3 (bad input) when none was.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { DATASET_FORMATS, openCollectionStream, type ParseOptions } from '../../datasets/index';
import { importDocumentStream } from '../../datasets/import';
import { silentImportProgress, terminalImportProgress } from '../../datasets/import-progress';
import type { DatasetFormat } from '../../datasets/types';
import { withStore } from '../../store/store';
import { InputError } from '../../input-error';
import { commaList } from '../parse-options';
import { printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

interface ImportCommandOptions {
  format: DatasetFormat;
  dataset: string;
  fields?: string[];
  stopwords: boolean;
  stem: boolean;
  split?: string;
  queryIds?: 'position' | 'label';
  relevance?: 'cran' | 'binary' | 'graded';
  topicField?: 'title' | 'desc' | 'title+desc';
  golden?: string;
  json: boolean;
}

/** Skipped files listed on a terminal at most (--json lists all). */
const SKIPPED_SHOWN = 50;

export function importCommand(globals: () => GlobalOptions): Command {
  return new Command('import')
    .description('import a test collection into the store (re-import replaces it)')
    .addOption(new Option('--format <format>', 'collection format').choices(DATASET_FORMATS).makeOptionMandatory())
    .requiredOption('--dataset <name>', 'name to store the collection under')
    .option('--fields <list>', 'comma-separated document fields to index (default: the format\'s text fields)', commaList)
    .option('--stopwords', 'drop English stopwords when indexing and querying', false)
    .option('--no-stem', 'do not apply Porter2 stemming')
    .option('--split <name>', 'BEIR qrels split (default: test)')
    .addOption(new Option('--query-ids <mode>', 'SMART: query ids from .I labels or file positions (CRAN: position)').choices(['position', 'label']))
    .addOption(new Option('--relevance <scale>', 'SMART: how .REL codes become grades').choices(['cran', 'binary', 'graded']))
    .addOption(new Option('--topic-field <field>', 'TREC topics: which text is the query').choices(['title', 'desc', 'title+desc']))
    .option('--golden <file>', 'files: questions and judgments, CSV or JSONL (query_id, question, doc_id, grade)')
    .option('--json', 'print the import summary as JSON', false)
    .argument('<paths...>', 'collection directory or files')
    .action(async (paths: string[], options: ImportCommandOptions) => {
      if (options.golden !== undefined && options.format !== 'files') {
        throw new InputError(`--golden is for --format files; a ${options.format} collection brings its own queries and judgments`);
      }
      const parseOptions: ParseOptions = {
        ...(options.golden !== undefined ? { golden: options.golden } : {}),
        ...(options.split ? { split: options.split } : {}),
        ...(options.queryIds ? { queryIds: options.queryIds } : {}),
        ...(options.relevance ? { relevanceScale: options.relevance } : {}),
        ...(options.topicField ? { topicField: options.topicField } : {}),
      };
      const source = await openCollectionStream(options.format, paths, parseOptions);
      const summary = await withStore({ dbPath: globals().db }, (store) =>
        importDocumentStream(store, options.dataset, source, {
          progress: options.json ? silentImportProgress : terminalImportProgress(),
          ...(options.fields ? { fields: options.fields } : {}),
          analyzer: { stem: options.stem, stopwords: options.stopwords },
          sourcePaths: [...paths, ...(options.golden !== undefined ? [options.golden] : [])].map((p) => path.resolve(p)),
        }),
      );
      if (options.json) {
        printJson(summary);
        return;
      }
      for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
      const skipped = summary.skippedFiles ?? [];
      for (const { file, reason } of skipped.slice(0, SKIPPED_SHOWN)) process.stderr.write(`skipped: ${file}: ${reason}\n`);
      if (skipped.length > SKIPPED_SHOWN) {
        process.stderr.write(`skipped: ... and ${skipped.length - SKIPPED_SHOWN} more file(s) (--json lists them all)\n`);
      }
      process.stdout.write(
        renderTable(
          ['dataset', 'format', 'documents', ...(summary.skippedFiles ? ['skipped files'] : []), 'queries', 'judged queries', 'judgments', 'fields', 'terms', 'postings'],
          [[
            summary.dataset, summary.format, summary.documents, ...(summary.skippedFiles ? [summary.skippedFiles.length] : []),
            summary.queries, summary.judgedQueries, summary.judgments, summary.indexedFields.join(','), summary.terms, summary.postings,
          ]],
        ) + '\n',
      );
    });
}
