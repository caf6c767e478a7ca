/**
 * `benchlab retrieve`: BM25 over a dataset's own queries; prints trec_eval-exact metrics when
 * the dataset has qrels, records the run, and optionally writes a TREC run file.
 * The database must exist (exit 3 otherwise); with --no-record it is opened read-only. A
 * `--run-out` that is a folder, or in a folder that does not exist, is refused before any work
 * (exit 3), as is a run file that cannot be written.
 */
import { statOrUndefined } from '../../report/report-files';
import path from 'node:path';
import { Command } from 'commander';
import { writeRunFile } from '../../evaluation/run-file';
import { DEFAULT_MEASURES } from '../../evaluation/evaluate';
import { DEFAULT_BM25, DEFAULT_TOP_K } from '../../retrieval/bm25';
import { BM25_SYSTEM, runRetrieval } from '../../runs/retrieval-run';
import { withStore } from '../../store/store';
import { InputError } from '../../input-error';
import { finiteNumber, measureList, positiveInteger } from '../parse-options';
import { formatNumber, printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

interface RetrieveCommandOptions {
  dataset: string;
  top: number;
  k1: number;
  b: number;
  measures: string[];
  runOut?: string;
  record: boolean;
  perQuery: boolean;
  json: boolean;
}

/** A Node file-system error (ENOENT, EACCES, EISDIR, ...). */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall !== undefined;
}


/**
 * Checks `--run-out FILE` before any work is done (and any run recorded): it must not be a
 * folder, and its folder must exist. Returns the resolved path; an InputError (exit 3) otherwise.
 */
export function checkRunOut(file: string): string {
  if (file.trim() === '') throw new InputError('--run-out needs a file name');
  const resolved = path.resolve(file);
  if (statOrUndefined(resolved)?.isDirectory()) {
    throw new InputError(`--run-out ${file}: is a folder; give the run file's name, e.g. ${path.join(file, 'bm25.run')}`);
  }
  const dir = path.dirname(resolved);
  const folder = statOrUndefined(dir);
  if (folder === undefined) throw new InputError(`--run-out ${file}: folder ${dir} does not exist`);
  if (!folder.isDirectory()) throw new InputError(`--run-out ${file}: ${dir} is a file, not a folder`);
  return resolved;
}

export function retrieveCommand(globals: () => GlobalOptions): Command {
  return new Command('retrieve')
    .description("rank a dataset's own queries with BM25 and score them with trec_eval-exact measures")
    .requiredOption('--dataset <name>', 'dataset to search')
    .option('--top <k>', 'documents kept per query (also the evaluation depth)', positiveInteger('--top'), DEFAULT_TOP_K)
    .option('--k1 <k1>', 'BM25 k1', finiteNumber('--k1'), DEFAULT_BM25.k1)
    .option('--b <b>', 'BM25 b', finiteNumber('--b'), DEFAULT_BM25.b)
    .option('--measures <list>', 'comma-separated measures, as trec_eval names (ndcg_cut_10, P_10, recall_100, map) or display names (nDCG@10, P@10, recall@100, MRR), any case', measureList('--measures'), [...DEFAULT_MEASURES])
    .option('--run-out <file>', 'write the ranking as a TREC run file (qid Q0 docid rank score tag)')
    .option('--no-record', 'do not store the run in the database')
    .option('--per-query', 'also print each query\'s metrics', false)
    .option('--json', 'print results as JSON', false)
    .action(async (options: RetrieveCommandOptions) => {
      const runOut = options.runOut === undefined ? undefined : checkRunOut(options.runOut);
      // --no-record only reads: read-only. Either way the database must exist (it holds the dataset).
      const result = await withStore({ dbPath: globals().db, readOnly: !options.record, mustExist: true }, (store) =>
        runRetrieval(store, options.dataset, {
          params: { k1: options.k1, b: options.b },
          top: options.top,
          measures: options.measures,
          record: options.record,
        }),
      );
      if (runOut !== undefined) {
        try {
          await writeRunFile(runOut, result.run, BM25_SYSTEM);
        } catch (error) {
          if (!isFileSystemError(error)) throw error;
          throw new InputError(`--run-out ${options.runOut}: cannot write the run file: ${error.message}`);
        }
      }
      const queries = result.run.size;
      const retrievedPerSecond = queries / (result.timingsMs.retrieve / 1000);
      if (options.json) {
        printJson({
          runId: result.runId,
          dataset: options.dataset,
          queries,
          judgedQueries: result.evaluation?.judgedQueries ?? 0,
          metrics: result.evaluation?.mean ?? null,
          perQuery: options.perQuery ? result.evaluation?.perQuery ?? null : undefined,
          timingsMs: result.timingsMs,
          runFile: options.runOut ?? null,
        });
        return;
      }
      if (!result.evaluation) {
        process.stdout.write(`ranked ${queries} queries; dataset '${options.dataset}' has no qrels, so no metrics\n`);
      } else {
        const measures = Object.keys(result.evaluation.mean);
        process.stdout.write(
          renderTable(['queries (judged)', ...measures], [[
            `${queries} (${result.evaluation.judgedQueries})`,
            ...measures.map((m) => formatNumber(result.evaluation?.mean[m])),
          ]]) + '\n',
        );
        if (options.perQuery) {
          const rows = [...result.evaluation.perQuery].map(([qid, values]) => [qid, ...measures.map((m) => formatNumber(values[m]))]);
          process.stdout.write(renderTable(['query', ...measures], rows) + '\n');
        }
      }
      process.stdout.write(
        `retrieve ${result.timingsMs.retrieve.toFixed(1)} ms (${retrievedPerSecond.toFixed(0)} queries/s), ` +
          `evaluate ${result.timingsMs.evaluate.toFixed(1)} ms, record ${result.timingsMs.record.toFixed(1)} ms` +
          (result.runId ? `; run ${result.runId}` : '') +
          (options.runOut ? `; run file ${options.runOut}` : '') + '\n',
      );
    });
}
