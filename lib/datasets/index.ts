/**
 * Entry point of the dataset parsers.
 *
 * Owns: `parseCollection`, which dispatches a format name and the paths a user gave (CLI
 * `PATH...`) to the right parser, and the re-exports of the parsers and the shared types.
 * The parsers are pure: they read files and return a `ParsedCollection`; writing it to the
 * store is the importer's job.
 *
 * Paths per format:
 *   - `smart`: one directory (its `*.ALL`, `*.QRY`, `*.REL`), or the files themselves.
 *   - `beir`:  one directory (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`); a file inside
 *              it (e.g. `corpus.jsonl`) stands for its directory.
 *   - `trec`:  the qrels, topics and JSONL document files (or directories holding them), sorted
 *              into roles by `classifyTrecFiles`.
 *   - `files`: one directory of documents (PDF, Markdown, HTML, text; lib/datasets/files/), with
 *              the questions and judgments from the `golden` option's file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBeir, streamBeir } from './beir';
import { collectStream, collectionStream, type DocumentStream } from './document-stream';
import type { BeirOptions } from './beir';
import { DatasetParseError } from './parse-error';
import { parseSmart } from './smart';
import type { SmartOptions } from './smart';
import { classifyTrecFiles, parseTrec, streamTrec } from './trec';
import type { FilesOptions } from './files/files-collection';
import type { TrecOptions } from './trec';
import type { DatasetFormat, ParsedCollection } from './types';

/** Options for every format together; each parser reads only its own. */
export type ParseOptions = SmartOptions & BeirOptions & TrecOptions & FilesOptions;

type Parser = (paths: readonly string[], options: ParseOptions) => Promise<ParsedCollection>;

function beirDir(paths: readonly string[]): string {
  if (paths.length !== 1) {
    throw new DatasetParseError(
      paths.join(', ') || '(beir)',
      undefined,
      `a BEIR collection is one directory; got ${paths.length} paths`,
    );
  }
  const p = paths[0] as string;
  if (fs.existsSync(p) && fs.statSync(p).isFile()) {
    // corpus.jsonl / queries.jsonl -> their directory; qrels/test.tsv -> the directory above qrels/.
    const dir = path.dirname(p);
    return path.basename(dir) === 'qrels' ? path.dirname(dir) : dir;
  }
  return p;
}

function filesDir(paths: readonly string[]): string {
  if (paths.length !== 1) {
    throw new DatasetParseError(
      paths.join(', ') || '(files)',
      undefined,
      `--format files reads one directory of documents; got ${paths.length} paths`,
    );
  }
  return paths[0] as string;
}

/**
 * The files reader, loaded on first use: its PDF, Markdown and HTML libraries cost every other
 * import about 30 ms of start-up.
 */
async function openFiles(dir: string, options: FilesOptions): Promise<DocumentStream> {
  const { openFilesStream } = await import('./files/files-collection.js');
  return openFilesStream(dir, options);
}

/** One parser per format: adding a format to `DatasetFormat` without a parser is a compile error. */
const PARSERS: Record<DatasetFormat, Parser> = {
  smart: async (paths, options) => parseSmart(paths, options),
  beir: async (paths, options) => parseBeir(beirDir(paths), options),
  trec: async (paths, options) => parseTrec(classifyTrecFiles(paths), options),
  files: async (paths, options) => collectStream(await openFiles(filesDir(paths), options)),
};

/** The formats `parseCollection` accepts. */
export const DATASET_FORMATS = Object.keys(PARSERS) as DatasetFormat[];

/** Parses the collection at `paths` in the given format. Throws `DatasetParseError` on bad input. */
export async function parseCollection(
  format: DatasetFormat,
  paths: readonly string[],
  options: ParseOptions = {},
): Promise<ParsedCollection> {
  const parser = PARSERS[format] as Parser | undefined;
  if (parser === undefined) {
    throw new DatasetParseError(
      paths.join(', ') || `(${String(format)})`,
      undefined,
      `unknown format '${String(format)}'; expected ${DATASET_FORMATS.join(', ')}`,
    );
  }
  return parser(paths, options);
}

/**
 * The collection at `paths` as a stream for the importer: BEIR corpora and TREC document files
 * are read in batches (the big collections come as BEIR or TREC JSONL), and so are the files of a
 * `files` directory; SMART files are parsed whole (the classic collections are small) and
 * handed over in batches.
 */
export async function openCollectionStream(
  format: DatasetFormat,
  paths: readonly string[],
  options: ParseOptions = {},
): Promise<DocumentStream> {
  if (format === 'beir') return streamBeir(beirDir(paths), options);
  if (format === 'trec') return streamTrec(classifyTrecFiles(paths), options);
  if (format === 'files') return openFiles(filesDir(paths), options);
  return collectionStream(await parseCollection(format, paths, options));
}

export { DatasetParseError } from './parse-error';
export type { DatasetFormat, Document, Judgment, ParsedCollection, Query } from './types';
export { parseSmart, findSmartFiles, detectRelLayout, isCranFile, CRAN_GRADES, SMART_KNOWN_FIELDS } from './smart';
export type { SmartFiles, SmartOptions, SmartQueryIds, SmartRelevanceScale, SmartRelLayout } from './smart';
export { parseBeir, streamBeir, beirSplits } from './beir';
export { collectionStream, collectStream } from './document-stream';
export type { DocumentStream, CollectionRest, BatchHandler, SkippedFile } from './document-stream';
export type { FilesOptions } from './files/files-collection';
export type { GoldenSet } from './files/golden-file';
export type { BeirOptions } from './beir';
export {
  parseTrec,
  streamTrec,
  classifyTrecFiles,
  sniffTrecRole,
  readTrecQrels,
  readTrecTopics,
  TREC_DOC_ID_KEYS,
  TREC_DOC_TEXT_KEYS,
} from './trec';
export type { TopicField, TrecFileRoles, TrecOptions, TrecPaths } from './trec';
export { forEachLine, readAllLines, firstNonBlankLines } from './read-lines';
export type { LineHandler, NumberedLine } from './read-lines';
