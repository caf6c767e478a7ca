/**
 * The `files` format: a directory of a team's own documents (PDF, Markdown, HTML, plain text)
 * as a `DocumentStream` for the importer, with questions and judgments from an optional golden
 * file (golden-file.ts).
 *
 * One document per file, walked recursively in a stable order (walk-files.ts); id = the path
 * relative to DIR with `/` separators; fields `title` and `text` (the title rule per type is in
 * each extractor's header and the README). A file that cannot be read (unsupported type,
 * permission denied, broken link, invalid UTF-8, encrypted, corrupt or text-less PDF, no text at
 * all) is skipped and reported with the reason; the rest are imported. Nothing imported at all is
 * bad input (InputError, exit 3), listing the reasons.
 *
 * Streaming: documents are handed over in batches of at most `batchSize` documents or
 * MAX_BATCH_TEXT_CHARS characters of text, whichever comes first, so memory holds one batch of
 * text and the skipped files' reasons, whatever the number of files. The golden file is read
 * before any document (a mistake in it fails fast), and the tree is walked once beforehand to
 * count the files for the progress bar.
 */
import * as fs from 'node:fs';
import type { CollectionRest, DocumentStream, SkippedFile } from '../document-stream';
import { InputError } from '../../input-error';
import { sampleList } from '../common';
import { DatasetParseError } from '../parse-error';
import type { Document } from '../types';
import { UnreadableFileError } from './extracted-text';
import { FILE_EXTRACTORS, SUPPORTED_EXTENSIONS, fileKindOf } from './file-kinds';
import { readGoldenFile, type GoldenSet } from './golden-file';
import { fsErrorReason, walkFiles, type WalkEntry } from './walk-files';

export interface FilesOptions {
  /** The golden file: questions and judgments (CSV or JSONL). */
  golden?: string;
}

/** Characters of text per batch at most: a batch of 2,000 long PDFs would otherwise be held whole. */
export const MAX_BATCH_TEXT_CHARS = 16 * 1024 * 1024;

/** The fields of every document, indexed by default. */
export const FILES_FIELDS = ['title', 'text'];

function unsupportedReason(id: string): string {
  const name = id.slice(id.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const what = dot <= 0 ? 'no file extension' : `unsupported file type '${name.slice(dot)}'`;
  return `${what}; read are ${SUPPORTED_EXTENSIONS.join(' ')}`;
}

/** One walked entry -> a document, or the reason it is skipped. */
async function readEntry(entry: WalkEntry): Promise<Document | SkippedFile> {
  if (entry.kind === 'skipped') return { file: entry.id, reason: entry.reason };
  const kind = fileKindOf(entry.id);
  if (kind === undefined) return { file: entry.id, reason: unsupportedReason(entry.id) };
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(entry.path);
  } catch (error) {
    return { file: entry.id, reason: `cannot read: ${fsErrorReason(error)}` };
  }
  try {
    const { title, text } = await FILE_EXTRACTORS[kind](bytes);
    if (text.trim() === '') return { file: entry.id, reason: 'no text (the file is empty or holds only markup)' };
    return { id: entry.id, fields: { title, text } };
  } catch (error) {
    // A library failing on a strange file is that file's problem, not the import's.
    const reason = error instanceof UnreadableFileError ? error.reason : `cannot extract the text: ${(error as Error)?.message ?? String(error)}`;
    return { file: entry.id, reason };
  }
}

function checkDirectory(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    throw new DatasetParseError(dir, undefined, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'directory not found' : fsErrorReason(error));
  }
  if (!stat.isDirectory()) {
    throw new DatasetParseError(dir, undefined, 'not a directory; --format files reads one directory of documents (PDF, Markdown, HTML, text)');
  }
}

/** The documents under `dir` as a stream; see the module header. */
export async function openFilesStream(dir: string, options: FilesOptions = {}): Promise<DocumentStream> {
  checkDirectory(dir);
  const golden: GoldenSet = options.golden !== undefined ? await readGoldenFile(options.golden) : { queries: [], qrels: [], warnings: [] };
  let entries = 0;
  for await (const entry of walkFiles(dir)) {
    void entry;
    entries++;
  }

  const skipped: SkippedFile[] = [];
  let imported = 0;
  return {
    format: 'files',
    defaultFields: FILES_FIELDS,
    size: entries,
    async forEachBatch(batchSize, onBatch) {
      let batch: Document[] = [];
      let batchChars = 0;
      let position = 0;
      for await (const entry of walkFiles(dir)) {
        position++;
        const read = await readEntry(entry);
        if ('reason' in read) {
          skipped.push(read);
          continue;
        }
        imported++;
        batch.push(read);
        batchChars += (read.fields.text?.length ?? 0) + (read.fields.title?.length ?? 0);
        if (batch.length >= batchSize || batchChars >= MAX_BATCH_TEXT_CHARS) {
          const full = batch;
          batch = [];
          batchChars = 0;
          await onBatch(full, position);
        }
      }
      if (batch.length > 0) await onBatch(batch, position);
    },
    async finish(): Promise<CollectionRest> {
      if (imported === 0) {
        const reasons = skipped.map((s) => `${s.file} (${s.reason})`);
        throw new InputError(
          `${dir}: no document imported: ` +
            (skipped.length === 0 ? `no files (hidden files are left out); read are ${SUPPORTED_EXTENSIONS.join(' ')}` : `every file was skipped: ${sampleList(reasons, 10)}`),
        );
      }
      const warnings = [...golden.warnings];
      const skippedById = new Map(skipped.map((s) => [s.file, s.reason]));
      const judgedSkipped = [...new Set(golden.qrels.map((j) => j.docId).filter((id) => skippedById.has(id)))];
      if (judgedSkipped.length > 0) {
        warnings.push(
          `${judgedSkipped.length} judged document(s) were skipped, not imported: ` +
            sampleList(judgedSkipped.map((id) => `${id} (${skippedById.get(id) ?? ''})`), 5),
        );
      }
      return { queries: golden.queries, qrels: golden.qrels, warnings, skippedFiles: skipped };
    },
  };
}
