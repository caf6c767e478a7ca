/**
 * Owns the postings files: beside a database FILE, the folder FILE.postings/ holds one file per
 * dataset, DATASET.bin, with the dataset's postings as the in-process engine loads them (doc
 * numbers and term frequencies in (term_no, doc_no) order, then each document's length), as
 * little-endian INT32 arrays after a 4 KiB header. The "columnar file loaded once per
 * process": reading it is one read per array straight into the engine's (shared) typed arrays.
 * At 100,000 documents (11.5 M postings, 92 MB) copying the packs out of DuckDB
 * (postings-packs.ts) took 350-440 ms of every `retrieve`; this file reads in a tenth of that.
 *
 * The file is derived state, never the record: index_postings is, and index_packs travels inside
 * the database. The import writes the file part by part while it writes the packs (after the
 * dataset's commit) into a temp file renamed into place, so a reader sees a whole file or none.
 * The header carries the import's stamp (imported_at, documents, tokens, terms, postings); a file
 * whose stamp or size does not match the dataset in the database (an older import, a database
 * copied without its folder, a killed write) is ignored and the engine loads from the packs.
 * Removing a dataset removes its file. A file that cannot be written (read-only folder, full
 * disk) only costs speed: the import says so in a warning.
 *
 * Hand-written: the format is this engine's arrays as they are; no library adds anything but
 * a dependency (Arrow IPC or Parquet would need decoding into the same arrays).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The header's size: the arrays start here, 4-byte aligned. */
const HEADER_BYTES = 4096;
const MAGIC = 'BENCHLAB-POSTINGS-1\n';
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** What a postings file must match to be used: the dataset's import and its sizes. */
export interface PostingsStamp {
  dataset: string;
  /** datasets.imported_at, as DatasetInfo.importedAt gives it (ISO 8601). */
  importedAt: string;
  docCount: number;
  totalTokens: number;
  terms: number;
  postings: number;
}

/** The arrays a postings file holds, in SharedArrayBuffers so worker threads can score over them. */
export interface PostingsArrays {
  docs: Int32Array;
  tfs: Int32Array;
  docLengths: Int32Array;
}

/** FILE.postings/DATASET.bin for a database file; undefined for an in-memory database. */
export function postingsFilePath(dbPath: string, dataset: string): string | undefined {
  if (dbPath === '' || dbPath === ':memory:') return undefined;
  return path.join(`${dbPath}.postings`, `${dataset}.bin`);
}

/** An Int32Array over a SharedArrayBuffer (zero-filled), shareable with worker threads. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(length, 0) * 4));
}

function bytesOf(values: Int32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function sameStamp(a: PostingsStamp, b: PostingsStamp): boolean {
  return (
    a.dataset === b.dataset &&
    a.importedAt === b.importedAt &&
    a.docCount === b.docCount &&
    a.totalTokens === b.totalTokens &&
    a.terms === b.terms &&
    a.postings === b.postings
  );
}

/** Reads `target.byteLength` bytes at `position` into target; false when the file is shorter. */
function readFully(fd: number, target: Uint8Array, position: number): boolean {
  let done = 0;
  while (done < target.byteLength) {
    const n = fs.readSync(fd, target, done, target.byteLength - done, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

function writeFully(fd: number, source: Uint8Array, position: number): void {
  let done = 0;
  while (done < source.byteLength) done += fs.writeSync(fd, source, done, source.byteLength - done, position + done);
}

/**
 * The dataset's postings from its file, or undefined when there is no file or it does not belong
 * to this import (stamp, sizes or magic differ). `docLengthsSize` sizes the lengths array as the
 * engine wants it (at least one slot).
 */
export function readPostingsFile(dbPath: string, expected: PostingsStamp, docLengthsSize: number): PostingsArrays | undefined {
  const file = postingsFilePath(dbPath, expected.dataset);
  if (!file || !LITTLE_ENDIAN) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    if (!readFully(fd, header, 0)) return undefined;
    if (header.toString('utf8', 0, MAGIC.length) !== MAGIC) return undefined;
    const jsonLength = header.readUInt32LE(MAGIC.length);
    if (jsonLength > HEADER_BYTES - MAGIC.length - 4) return undefined;
    let stamp: PostingsStamp;
    try {
      stamp = JSON.parse(header.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as PostingsStamp;
    } catch {
      return undefined;
    }
    if (!sameStamp(stamp, expected)) return undefined;
    const { postings, docCount } = expected;
    if (fs.fstatSync(fd).size !== HEADER_BYTES + 8 * postings + 4 * docCount) return undefined;
    const docs = sharedInt32(postings);
    const tfs = sharedInt32(postings);
    const docLengths = sharedInt32(Math.max(docLengthsSize, docCount));
    if (!readFully(fd, bytesOf(docs), HEADER_BYTES)) return undefined;
    if (!readFully(fd, bytesOf(tfs), HEADER_BYTES + 4 * postings)) return undefined;
    if (!readFully(fd, bytesOf(docLengths.subarray(0, docCount)), HEADER_BYTES + 8 * postings)) return undefined;
    return { docs, tfs, docLengths };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a postings file part by part into a temp file beside its place; `finish` renames it into
 * place, `abort` removes it. Created by `openPostingsFile`, which gives undefined where no file
 * can be kept (an in-memory database, a big-endian machine).
 */
export class PostingsFileWriter {
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly temp: string,
    private readonly file: string,
    private readonly postings: number,
  ) {}

  /** Opens the temp file for `postings` postings; throws when the folder or file cannot be made. */
  static open(dbPath: string, dataset: string, postings: number): PostingsFileWriter | undefined {
    const file = postingsFilePath(dbPath, dataset);
    if (!file || !LITTLE_ENDIAN) return undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    return new PostingsFileWriter(fs.openSync(temp, 'w'), temp, file, postings);
  }

  /** The postings from position `at` (in (term_no, doc_no) order) on. */
  writePart(at: number, docs: Int32Array, tfs: Int32Array): void {
    writeFully(this.fd, bytesOf(docs), HEADER_BYTES + 4 * at);
    writeFully(this.fd, bytesOf(tfs), HEADER_BYTES + 4 * (this.postings + at));
  }

  /** Writes the lengths and the header, flushes, and renames the file into place. */
  finish(stamp: PostingsStamp, docLengths: Int32Array): void {
    if (stamp.postings !== this.postings) throw new Error(`postings file for ${stamp.dataset}: ${stamp.postings} postings stamped, ${this.postings} written`);
    writeFully(this.fd, bytesOf(docLengths.subarray(0, stamp.docCount)), HEADER_BYTES + 8 * this.postings);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'utf8');
    const json = Buffer.from(JSON.stringify(stamp), 'utf8');
    if (json.length > HEADER_BYTES - MAGIC.length - 4) throw new Error(`postings file for ${stamp.dataset}: header too long`);
    header.writeUInt32LE(json.length, MAGIC.length);
    json.copy(header, MAGIC.length + 4);
    writeFully(this.fd, header, 0);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
    fs.renameSync(this.temp, this.file);
  }

  /** Removes the temp file (after a failure); the file in place, if any, is left as it was. */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    fs.rmSync(this.temp, { force: true });
  }
}

/** Removes the dataset's postings file (a removal, or a re-import before it writes its own). */
export function removePostingsFile(dbPath: string, dataset: string): void {
  const file = postingsFilePath(dbPath, dataset);
  if (file) fs.rmSync(file, { force: true });
}
