/**
 * Owns index_packs: a dataset's postings packed for loading (migration 9). index_postings is the
 * index of record; a pack part holds the doc numbers and term frequencies of a run of terms, in
 * (term_no, doc_no) order, as little-endian INT32 arrays of at most PACK_POSTINGS postings.
 * The in-process engine (lib/retrieval/postings-cache.ts) loads a dataset by copying these blobs
 * into its typed arrays: at 60,000 documents (8.5 M postings) the row-by-row scan of
 * index_postings cost about 1 s of every `retrieve`, most of it DuckDB producing and the client
 * converting 2,048-row chunks.
 *
 * Written by the import right after the dataset's transaction commits, one part per transaction
 * (inside it, the blobs stayed pinned in memory until the commit: 240 MB at 300,000 documents):
 * each part is read back from index_postings by a term_no range (sized from the terms' document
 * frequencies, so memory holds one part, not the collection) and appended. The import's
 * transaction deletes the old packs, so packs never describe another import; packs a killed
 * import left incomplete do not add up and are ignored. Hand-written because the packing is
 * specific to this engine's arrays; DuckDB has no INTEGER[] to BLOB cast.
 */
import os from 'node:os';
import { blobValue, type DuckDBBlobValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import { int32Items } from '../store/int32-vector';
import { docLengthsByNumber } from './document-reads';
import { PostingsFileWriter, sharedInt32, type PostingsStamp } from './postings-file';

/** Postings per part: 8 MB of blobs, a fraction of the import's memory limit. */
export const PACK_POSTINGS = 1_000_000;

/** The platform's byte order: packs are little-endian INT32, copied as they are. */
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Term ranges [first, end) of about PACK_POSTINGS postings each, from doc_freq by term_no. */
function partRanges(docFreqs: readonly number[], partPostings: number): { first: number; end: number; postings: number }[] {
  const ranges: { first: number; end: number; postings: number }[] = [];
  let first = 0;
  let postings = 0;
  docFreqs.forEach((df, termNo) => {
    if (postings > 0 && postings + df > partPostings) {
      ranges.push({ first, end: termNo, postings });
      first = termNo;
      postings = 0;
    }
    postings += df;
  });
  if (postings > 0) ranges.push({ first, end: docFreqs.length, postings });
  return ranges;
}

function bytesOf(values: Int32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export interface PackOptions {
  /** Postings per part (PACK_POSTINGS; tests use small parts). */
  partPostings?: number;
  /**
   * The committed import's stamp: when given, the same parts are also written to the dataset's
   * postings file (postings-file.ts), which the engine loads faster than the packs.
   */
  file?: Omit<PostingsStamp, 'dataset' | 'terms' | 'postings'>;
  /**
   * Runs after each part's commit; the import hands DuckDB's freed memory back there
   * (import.ts, releaseFreedMemory). The checkpoints these commits trigger (every 16 MB of WAL,
   * about two parts) rewrite the row group the parts are appended to, blobs and all, and what
   * they freed took the 300,000-document import's RSS to 1,058 MiB while packing without it.
   */
  afterPart?: () => Promise<void>;
}

/**
 * Packs the dataset's postings from its index_postings rows, once the import has committed them.
 * `docFreqs` is doc_freq by term_no. Each part is appended in its own transaction. With
 * `options.file`, also writes the postings file; a file that cannot be written is not an error
 * (the engine loads the packs instead): its reason comes back as `fileError`.
 */
export async function writePostingsPacks(
  store: Store,
  dataset: string,
  docFreqs: readonly number[],
  options: PackOptions = {},
): Promise<{ fileError?: string }> {
  await deletePostingsPacks(store, dataset);
  if (!LITTLE_ENDIAN) return {}; // the loader reads index_postings on such a machine
  const totalPostings = docFreqs.reduce((sum, df) => sum + df, 0);
  let fileError: string | undefined;
  let file: PostingsFileWriter | undefined;
  const fileFailed = (error: unknown): void => {
    fileError = error instanceof Error ? error.message : String(error);
    file?.abort();
    file = undefined;
  };
  if (options.file) {
    try {
      file = PostingsFileWriter.open(store.dbPath, dataset, totalPostings);
    } catch (error) {
      fileFailed(error);
    }
  }
  try {
    await writeParts();
  } catch (error) {
    file?.abort();
    throw error;
  }
  if (file && options.file) {
    try {
      const docLengths = await docLengthsByNumber(store, dataset, Math.max(options.file.docCount, 1));
      file.finish({ dataset, ...options.file, terms: docFreqs.length, postings: totalPostings }, docLengths);
    } catch (error) {
      fileFailed(error);
    }
  }
  return fileError === undefined ? {} : { fileError };

  async function writeParts(): Promise<void> {
  let part = 0;
  let at = 0;
  for (const range of partRanges(docFreqs, options.partPostings ?? PACK_POSTINGS)) {
    // Streamed chunk by chunk into the part's arrays: no JS value per posting.
    const result = await store.connection.stream(
      `SELECT doc_no, tf FROM index_postings
       WHERE dataset = $dataset AND term_no >= $first AND term_no < $end
       ORDER BY term_no, doc_no`,
      { dataset, first: range.first, end: range.end },
    );
    const docArray = new Int32Array(range.postings);
    const tfArray = new Int32Array(range.postings);
    let count = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const rows = chunk.rowCount;
      if (count + rows > range.postings) {
        throw new Error(`packing ${dataset}: terms ${range.first}-${range.end - 1} have more postings than their doc_freq (${range.postings})`);
      }
      docArray.set(int32Items(chunk.getColumnVector(0), rows).subarray(0, rows), count);
      tfArray.set(int32Items(chunk.getColumnVector(1), rows).subarray(0, rows), count);
      count += rows;
    }
    if (count !== range.postings) {
      throw new Error(`packing ${dataset}: terms ${range.first}-${range.end - 1} have ${count} postings, their doc_freq says ${range.postings}`);
    }
    await store.append('index_packs', [[dataset, part, range.first, count, blobValue(bytesOf(docArray)), blobValue(bytesOf(tfArray))]]);
    if (file) {
      try {
        file.writePart(at, docArray, tfArray);
      } catch (error) {
        fileFailed(error);
      }
    }
    at += count;
    part++;
    await options.afterPart?.();
  }
  }
}

/**
 * Removes the dataset's packs (a re-import or a removal, inside its transaction). Its postings
 * file is left to the caller (`removePostingsFile` once a removal has committed): a re-import's
 * new file replaces it, and a file of an earlier import no longer matches the dataset's stamp.
 */
export async function deletePostingsPacks(store: Store, dataset: string): Promise<void> {
  await store.run(`DELETE FROM index_packs WHERE dataset = $dataset`, { dataset });
}

/**
 * The dataset's packed postings as two arrays in (term_no, doc_no) order, or undefined when it
 * has none (imported before packs existed, or on a big-endian machine) or they do not add up to
 * `expectedPostings` (the sum of its terms' doc_freq).
 */
export async function readPostingsPacks(
  store: Store,
  dataset: string,
  expectedPostings: number,
): Promise<{ docs: Int32Array; tfs: Int32Array } | undefined> {
  if (!LITTLE_ENDIAN) return undefined;
  const parts = await store.all<{ part: number; postings: number }>(
    `SELECT part, postings FROM index_packs WHERE dataset = $dataset ORDER BY part`,
    { dataset },
  );
  if (parts.reduce((sum, p) => sum + p.postings, 0) !== expectedPostings) return undefined;
  // Shared, so the engine's worker threads score over them without a copy.
  const docs = sharedInt32(expectedPostings);
  const tfs = sharedInt32(expectedPostings);
  const docBytes = new Uint8Array(docs.buffer);
  const tfBytes = new Uint8Array(tfs.buffer);
  let at = 0;
  // One part per query: a result chunk of every part's blobs held 3 copies of the whole
  // collection's postings at once (1.35 GB peak at 300,000 documents).
  for (const { part, postings } of parts) {
    const reader = await store.connection.runAndReadAll(`SELECT doc_nos, tfs FROM index_packs WHERE dataset = $dataset AND part = $part`, { dataset, part });
    const row = reader.getColumns();
    const d = (row[0]?.[0] as DuckDBBlobValue | undefined)?.bytes;
    const t = (row[1]?.[0] as DuckDBBlobValue | undefined)?.bytes;
    if (!d || !t || d.byteLength !== postings * 4 || t.byteLength !== postings * 4) return undefined;
    docBytes.set(d, at * 4);
    tfBytes.set(t, at * 4);
    at += postings;
  }
  return at === expectedPostings && expectedPostings > 0 ? { docs, tfs } : undefined;
}
