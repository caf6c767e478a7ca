/**
 * Reading a BEIR zip archive (as published at public.ukp.informatik.tu-darmstadt.de/thakur/BEIR)
 * as a `DocumentStream` for streaming import, or into a `ParsedCollection`, through the one BEIR
 * parser (`streamBeir` in ./beir.ts).
 *
 * Owns: finding the BEIR files in the archive, unpacking just those into a temp folder (counting
 * the corpus's documents on the way, for the progress), handing the folder to `streamBeir`,
 * naming the archive (not the temp folder) in errors and warnings, and removing the folder.
 *
 * Zip reader: yauzl (github.com/thejoshwolfe/yauzl, MIT, one small dependency, maintained since
 * 2014 and the reader under extract-zip and electron tooling). It was chosen because it
 *   - reads the central directory, the authoritative list of entries, so archives written by
 *     streaming zippers (data descriptors, as macOS and Java write them) read correctly; a
 *     streaming local-header parser has to guess where such entries end;
 *   - streams each entry through zlib, so memory stays flat however large the entry (the
 *     trec-covid corpus is hundreds of MB unpacked);
 *   - validates entry names (no absolute paths, no '..') and checks each entry's uncompressed
 *     size against the directory, which bounds zip bombs;
 *   - supports ZIP64 (large archives).
 * yauzl does not check CRC-32s, so this module does, with node's zlib.crc32, on the bytes
 * unpacked. Only `corpus.jsonl`, `queries.jsonl` and `qrels/<split>.tsv` are unpacked, each to a
 * path this module builds itself: names in the archive never choose where a file is written.
 *
 * Layout accepted: the three files at the archive root, or under one folder (`nfcorpus/...`, as
 * BEIR publishes them). `__MACOSX/` and `._*` entries are ignored. An archive holding several
 * collections (e.g. cqadupstack's sub-forums) is refused with their names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import * as yauzl from 'yauzl';
import { InputError } from '../input-error';
import { streamBeir } from './beir';
import { collectStream, type DocumentStream } from './document-stream';
import { DatasetParseError } from './parse-error';
import { silentPullProgress, type PullProgress } from './pull-progress';
import type { ParsedCollection } from './types';

export interface BeirArchiveOptions {
  /** Which `qrels/<split>.tsv` to read. Default `test`. */
  split?: string;
  /** Folder for the temporary unpacked files (removed afterwards). Default: the archive's folder. */
  workDir?: string;
  progress?: PullProgress;
}

/** Where the BEIR files sit inside an archive. */
export interface BeirArchiveLayout {
  /** Folder prefix inside the archive, '' or ending in '/' (e.g. 'nfcorpus/'). */
  root: string;
  corpus: yauzl.Entry;
  queries: yauzl.Entry;
  /** split name -> its `qrels/<split>.tsv` entry. */
  qrels: Map<string, yauzl.Entry>;
}

export class BeirArchiveError extends InputError {
  constructor(archive: string, reason: string) {
    super(`${archive}: ${reason}`);
    this.name = 'BeirArchiveError';
  }
}

/** Temp folders are `<workDir>/.unpack-<archive>-<pid>-<random>`; pull.ts removes those of dead processes. */
export const UNPACK_PREFIX = '.unpack-';

const EXPECTED = 'a BEIR archive holds [FOLDER/]corpus.jsonl, queries.jsonl and qrels/<split>.tsv';

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

function ignored(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || path.posix.basename(name).startsWith('._');
}

function sample(names: string[], n = 8): string {
  if (names.length === 0) return 'nothing';
  return names.slice(0, n).join(', ') + (names.length > n ? `, ... (${names.length} entries)` : '');
}

/** Finds the BEIR files among the archive's entries; throws `BeirArchiveError` when they are not there. */
export function locateBeirFiles(archive: string, entries: readonly yauzl.Entry[]): BeirArchiveLayout {
  const files = entries.filter((e) => !ignored(e.fileName));
  const byName = new Map(files.map((e) => [e.fileName, e]));
  const corpora = files.filter((e) => path.posix.basename(e.fileName) === 'corpus.jsonl');
  if (corpora.length === 0) {
    throw new BeirArchiveError(archive, `no corpus.jsonl: not a BEIR archive (${EXPECTED}); it holds ${sample(files.map((e) => e.fileName))}`);
  }
  if (corpora.length > 1) {
    throw new BeirArchiveError(
      archive,
      `${corpora.length} BEIR collections in one archive (${sample(corpora.map((e) => e.fileName))}); ` +
        'unpack it and import one folder with benchlab import --format beir',
    );
  }
  const corpus = corpora[0] as yauzl.Entry;
  const root = corpus.fileName.slice(0, corpus.fileName.length - 'corpus.jsonl'.length);
  if (root.split('/').length > 2) {
    throw new BeirArchiveError(archive, `corpus.jsonl is nested too deep (${corpus.fileName}); ${EXPECTED}`);
  }
  const queries = byName.get(`${root}queries.jsonl`);
  if (!queries) throw new BeirArchiveError(archive, `no ${root}queries.jsonl beside ${corpus.fileName}; ${EXPECTED}`);
  const qrels = new Map<string, yauzl.Entry>();
  const qrelsDir = `${root}qrels/`;
  for (const e of files) {
    if (!e.fileName.startsWith(qrelsDir)) continue;
    const rest = e.fileName.slice(qrelsDir.length);
    if (!rest.includes('/') && rest.toLowerCase().endsWith('.tsv') && rest.length > 4) qrels.set(rest.slice(0, -4), e);
  }
  if (qrels.size === 0) throw new BeirArchiveError(archive, `no ${qrelsDir}*.tsv judgments; ${EXPECTED}`);
  return { root, corpus, queries, qrels };
}

/** A pass-through stream computing the CRC-32 of what flows through it. */
class Crc32Check extends Transform {
  crc = 0;
  constructor(private readonly onChunk: (chunk: Buffer) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.crc = zlib.crc32(chunk, this.crc);
    this.onChunk(chunk);
    callback(null, chunk);
  }
}

/**
 * Counts, chunk by chunk, the lines holding a byte other than ASCII whitespace: the documents of
 * a JSONL corpus, whose parser skips blank lines (for the "index N documents" progress line, so
 * the corpus is not read an extra time to count them).
 */
class DocumentLineCounter {
  private count = 0;
  private lineHasText = false;

  add(chunk: Buffer): void {
    for (let pos = 0; pos < chunk.length; ) {
      const newline = chunk.indexOf(10, pos);
      const end = newline < 0 ? chunk.length : newline;
      for (let i = pos; !this.lineHasText && i < end; i++) {
        const b = chunk[i] as number;
        if (b !== 0x20 && (b < 0x09 || b > 0x0d)) this.lineHasText = true;
      }
      if (newline < 0) break;
      if (this.lineHasText) this.count++;
      this.lineHasText = false;
      pos = newline + 1;
    }
  }

  total(): number {
    return this.count + (this.lineHasText ? 1 : 0);
  }
}

async function unpackEntry(
  archive: string,
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  dest: string,
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  if (entry.isEncrypted() || !entry.canDecodeFileData()) {
    throw new BeirArchiveError(archive, `${entry.fileName}: encrypted or compressed with an unsupported method (${entry.compressionMethod})`);
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const check = new Crc32Check(onChunk);
  try {
    const source = await zip.openReadStreamPromise(entry);
    await pipeline(source, check, fs.createWriteStream(dest));
  } catch (error) {
    if (isSystemError(error)) throw error; // disk full, permissions: not the archive's fault
    throw new BeirArchiveError(archive, `corrupt entry ${entry.fileName}: ${(error as Error).message}`);
  }
  if (check.crc >>> 0 !== entry.crc32 >>> 0) {
    throw new BeirArchiveError(
      archive,
      `corrupt entry ${entry.fileName}: CRC-32 ${hex8(check.crc)} does not match the archive's ${hex8(entry.crc32)}`,
    );
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

async function openZip(archive: string): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (error) {
    if (isSystemError(error)) {
      throw new InputError(`cannot read ${archive}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    throw new BeirArchiveError(archive, `not a zip archive (${(error as Error).message})`);
  }
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) entries.push(entry);
  } catch (error) {
    zip.close();
    throw new BeirArchiveError(archive, `corrupt zip archive (${(error as Error).message})`);
  }
  return { zip, entries };
}

/** Lists where the BEIR files are in `archive` (reads the zip's directory only). */
export async function inspectBeirArchive(archive: string): Promise<BeirArchiveLayout> {
  const { zip, entries } = await openZip(archive);
  try {
    return locateBeirFiles(archive, entries);
  } finally {
    zip.close();
  }
}

/** Rewrites a parse error about an unpacked temp file so that it names the file in the archive. */
function relabel(error: DatasetParseError, tmp: string, archive: string, root: string): DatasetParseError {
  const rel = path.relative(tmp, error.file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return error;
  const inArchive = `${archive}!${root}${rel.split(path.sep).join('/')}`;
  return new DatasetParseError(inArchive, error.line, error.reason);
}

/** A BEIR archive's files unpacked into a temp folder, read as a stream. */
export interface UnpackedBeirArchive {
  /** The collection, read from the temp folder; its errors and warnings name `archive!entry`. */
  stream: DocumentStream;
  /** Documents in the corpus (its non-blank lines), counted while unpacking. */
  documents: number;
  /** Removes the temp folder; call it once the stream is read or given up (more calls do nothing). */
  dispose(): void;
}

/** `stream` with its parse errors and warnings naming the file in the archive instead of the temp folder. */
function namingArchive(stream: DocumentStream, tmp: string, archive: string, root: string): DocumentStream {
  const rename = (error: unknown): unknown => (error instanceof DatasetParseError ? relabel(error, tmp, archive, root) : error);
  const prefix = tmp + path.sep;
  const label = `${archive}!${root}`;
  return {
    format: stream.format,
    defaultFields: stream.defaultFields,
    size: stream.size,
    async forEachBatch(batchSize, onBatch) {
      try {
        await stream.forEachBatch(batchSize, onBatch);
      } catch (error) {
        throw rename(error);
      }
    },
    async finish() {
      try {
        const rest = await stream.finish();
        return { ...rest, warnings: rest.warnings.map((w) => w.split(prefix).join(label)) };
      } catch (error) {
        throw rename(error);
      }
    },
  };
}

/**
 * Unpacks the BEIR files of `archive` into a temp folder under `workDir` and opens them with
 * `streamBeir`. The caller reads the stream (the corpus is parsed as it is read) and then calls
 * `dispose`; on any failure here the folder is already removed.
 */
export async function unpackBeirArchive(archive: string, options: BeirArchiveOptions = {}): Promise<UnpackedBeirArchive> {
  const split = options.split ?? 'test';
  const progress = options.progress ?? silentPullProgress;
  const { zip, entries } = await openZip(archive);
  const workDir = options.workDir ?? path.dirname(archive);
  let tmp: string | undefined;
  const dispose = (): void => {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const layout = locateBeirFiles(archive, entries);
    const qrels = layout.qrels.get(split);
    if (!qrels) {
      throw new BeirArchiveError(
        archive,
        `no judgments for split '${split}' (${layout.root}qrels/${split}.tsv); available splits: ${[...layout.qrels.keys()].sort().join(', ')}`,
      );
    }
    fs.mkdirSync(workDir, { recursive: true });
    tmp = fs.mkdtempSync(path.join(workDir, `${UNPACK_PREFIX}${path.basename(archive, '.zip')}-${process.pid}-`));
    const wanted: [yauzl.Entry, string][] = [
      [layout.corpus, path.join(tmp, 'corpus.jsonl')],
      [layout.queries, path.join(tmp, 'queries.jsonl')],
      [qrels, path.join(tmp, 'qrels', `${split}.tsv`)],
    ];
    const meter = progress.bytes(`unpack ${path.basename(archive)}`, wanted.reduce((sum, [e]) => sum + e.uncompressedSize, 0));
    const documents = new DocumentLineCounter();
    try {
      for (const [entry, dest] of wanted) {
        const count = entry === layout.corpus;
        await unpackEntry(archive, zip, entry, dest, (chunk) => {
          meter.add(chunk.length);
          if (count) documents.add(chunk);
        });
      }
    } finally {
      meter.done();
    }
    zip.close();
    progress.step(`parse ${path.basename(archive)} (split ${split})`);
    let stream: DocumentStream;
    try {
      stream = streamBeir(tmp, { split });
    } catch (error) {
      if (error instanceof DatasetParseError) throw relabel(error, tmp, archive, layout.root);
      throw error;
    }
    return { stream: namingArchive(stream, tmp, archive, layout.root), documents: documents.total(), dispose };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    if (zip.isOpen) zip.close();
  }
}

/**
 * Reads `archive` into memory: `unpackBeirArchive`, the stream collected, the temp folder
 * removed. Errors and warnings name `archive!entry`, never the temp folder.
 */
export async function readBeirArchive(archive: string, options: BeirArchiveOptions = {}): Promise<ParsedCollection> {
  const unpacked = await unpackBeirArchive(archive, options);
  try {
    return await collectStream(unpacked.stream);
  } finally {
    unpacked.dispose();
  }
}
