/**
 * `benchlab import`: parses a collection (BEIR, TREC or SMART) and writes it, with its index,
 * into the store under a dataset name, streaming (BEIR corpora in batches), with a progress bar
 * on a terminal. Re-import replaces; a failure leaves the old dataset.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { DATASET_FORMATS, openCollectionStream, type ParseOptions } from '../../datasets/index';
import { importDocumentStream } from '../../datasets/import';
import { silentImportProgress, terminalImportProgress } from '../../datasets/import-progress';
import type { DatasetFormat } from '../../datasets/types';
import { withStore } from '../../store/store';
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
  json: boolean;
}

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
    .option('--json', 'print the import summary as JSON', false)
    .argument('<paths...>', 'collection directory or files')
    .action(async (paths: string[], options: ImportCommandOptions) => {
      const parseOptions: ParseOptions = {
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
          sourcePaths: paths.map((p) => path.resolve(p)),
        }),
      );
      if (options.json) {
        printJson(summary);
        return;
      }
      for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(
        renderTable(
          ['dataset', 'format', 'documents', 'queries', 'judged queries', 'judgments', 'fields', 'terms', 'postings'],
          [[
            summary.dataset, summary.format, summary.documents, summary.queries, summary.judgedQueries,
            summary.judgments, summary.indexedFields.join(','), summary.terms, summary.postings,
          ]],
        ) + '\n',
      );
    });
}
