/**
 * `benchlab datasets pull NAME`: published BEIR collections on demand.
 *
 * Owns: getting a BEIR zip archive (download, cache, or a local copy given with `--from`),
 * checking it against the MD5 pinned in the registry (./beir-registry.ts), and importing it with
 * the existing pieces: ./beir-archive.ts unpacks it into a temp folder read by `streamBeir`, and
 * ./import.ts streams it into the store in batches (memory does not grow with the corpus). The
 * temp folder is removed once the import is done or has failed; a failed import leaves the
 * stored dataset as it was.
 *
 * Cache: `<cacheDir>/<NAME>.zip` (default `<project>/data/cache/`; a new cache folder gets a
 * `.gitignore` of `*`). A pull uses a cached archive without downloading, but hashes it again
 * first; a cached file that no longer matches is reported, dropped and downloaded anew.
 *
 * Never a poisoned cache: bytes stream (fetch body -> MD5 -> file, constant memory) into a temp
 * file in the cache folder, `.<NAME>.zip.<pid>.<random>.part`, which is renamed to `<NAME>.zip`
 * only once its MD5 matches. Any failure (HTTP error, connection cut, checksum mismatch) removes
 * the temp file. A `--from` copy is hashed while it is copied, so what is cached is exactly
 * what was checked.
 *
 * Names not in the registry are refused, listing the known ones, unless `--from` gives the
 * archive: then there is no pinned checksum, so it is read as is (with a warning) and not cached.
 *
 * Errors a user can act on are `InputError`s (exit code 3): unknown name, checksum mismatch
 * (expected and actual MD5), HTTP errors, network failures and cut-off downloads (naming the
 * URL), archives without the BEIR files.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { InputError } from '../input-error';
import type { AnalyzerSettings } from '../text/analyzer';
import { projectRoot } from '../store/db-path';
import type { Store } from '../store/store';
import { unpackBeirArchive, UNPACK_PREFIX } from './beir-archive';
import {
  findBeirDataset,
  loadBeirRegistry,
  UnknownBeirDatasetError,
  type BeirRegistry,
  type BeirRegistryEntry,
} from './beir-registry';
import { importDocumentStream, validateDatasetName, type ImportSummary } from './import';
import type { ImportProgress } from './import-progress';
import { silentPullProgress, type PullProgress } from './pull-progress';
import type { DocumentStream } from './document-stream';

export const DEFAULT_CACHE_RELATIVE = path.join('data', 'cache');

/** `<project>/data/cache`. */
export function defaultCacheDir(): string {
  return path.join(projectRoot(), DEFAULT_CACHE_RELATIVE);
}

/** A download that failed: HTTP status, network error, or a connection cut mid-body. */
export class DownloadError extends InputError {
  readonly url: string;
  constructor(url: string, message: string) {
    super(message);
    this.name = 'DownloadError';
    this.url = url;
  }
}

export class ChecksumMismatchError extends InputError {
  readonly expected: string;
  readonly actual: string;
  constructor(name: string, origin: string, expected: string, actual: string, note: string) {
    super(`checksum mismatch for ${name} from ${origin}: expected md5 ${expected}, got ${actual}; ${note}`);
    this.name = 'ChecksumMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

export interface FetchArchiveOptions {
  /** Registry name (e.g. `nfcorpus`); also the cache file name. */
  name: string;
  /** A local path, a file: URL or an http(s) URL to take the archive from instead of the registry URL. */
  from?: string;
  /** Cache folder; default `defaultCacheDir()`. */
  cacheDir?: string;
  /** The registry, or the path of a registry file; default `loadBeirRegistry()` (honours BENCHLAB_BEIR_REGISTRY). */
  registry?: BeirRegistry | string;
  progress?: PullProgress;
}

export interface ArchiveSource {
  name: string;
  /** The registry entry; undefined for a name only given with `--from`. */
  entry: BeirRegistryEntry | undefined;
  /** The zip to read. */
  archive: string;
  /** Where the bytes came from: a URL or a local path. */
  origin: string;
  /** `download`: fetched now; `cache`: the cached copy; `file`: a local `--from` file. */
  how: 'download' | 'cache' | 'file';
  md5: string;
  /** The MD5 matched the registry's pinned checksum. */
  verified: boolean;
  /** `archive` is the cache file. */
  cached: boolean;
  /** `archive` is a temp file to remove once read (a downloaded archive not in the registry). */
  temporary: boolean;
  warnings: string[];
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function resolveRegistry(registry: BeirRegistry | string | undefined): BeirRegistry {
  if (registry === undefined) return loadBeirRegistry();
  if (typeof registry === 'string') return loadBeirRegistry(registry);
  return registry;
}

/** Creates the cache folder; a folder created here gets a `.gitignore` so it never lands in git. */
function ensureCacheDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new InputError(`cache folder ${dir} is not a folder`);
    removeStaleTemps(dir);
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.gitignore'), '# downloaded archives (benchlab datasets pull)\n*\n');
}

const PART_FILE = /^\..+\.zip\.(\d+)\.[0-9a-f]+\.part$/;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files and unpack folders left in the cache folder by pulls that were killed
 * (their process is gone). They are never read as cache entries; this only frees the space.
 */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const part = PART_FILE.exec(n);
    const unpack = n.startsWith(UNPACK_PREFIX) ? /-(\d+)-[^-]+$/.exec(n) : null;
    const pid = Number((part ?? unpack)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      try {
        fs.rmSync(path.join(dir, n), { recursive: true, force: true });
      } catch {
        // another pull may be removing it too
      }
    }
  }
}

function tempPathIn(dir: string, name: string): string {
  return path.join(dir, `.${name}.zip.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // best effort: the temp name is unique and never read as a cache entry
  }
}

/** MD5 of a file, streamed. */
export async function md5File(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The message of an error and of its causes, e.g. `fetch failed: connect ECONNREFUSED 127.0.0.1:9`. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    const text = typeof code === 'string' && !msg.includes(code) ? `${msg} (${code})` : msg;
    if (text !== '' && !parts.includes(text)) parts.push(text);
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

interface Streamed {
  md5: string;
  bytes: number;
}

/**
 * Streams `source` into `dest` (created, must not exist) while hashing it. Errors from the
 * writing side (disk full, permissions) are rethrown as they are; errors from the reading side
 * go to `onReadError`. `dest` is removed on any failure.
 */
async function streamHashed(
  source: Readable,
  dest: string,
  meter: { add(n: number): void },
  onReadError: (error: unknown, bytes: number) => Error,
): Promise<Streamed> {
  const hash = crypto.createHash('md5');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      meter.add(chunk.length);
      callback(null, chunk);
    },
  });
  const out = fs.createWriteStream(dest, { flags: 'wx' });
  let writeError: unknown;
  out.on('error', (e) => (writeError ??= e));
  try {
    await pipeline(source, counter, out);
  } catch (error) {
    removeQuietly(dest);
    if (writeError !== undefined) throw writeError;
    throw onReadError(error, bytes);
  }
  return { md5: hash.digest('hex'), bytes };
}

/** Downloads `url` into `dest`, streaming; throws `DownloadError` naming the URL on any network or HTTP failure. */
export async function downloadTo(
  url: string,
  dest: string,
  progress: PullProgress,
  label: string,
  expectedBytes?: number,
): Promise<Streamed> {
  let response: Response;
  try {
    // identity: the checksum is over the file's bytes, not a re-encoded body.
    response = await fetch(url, { redirect: 'follow', headers: { 'accept-encoding': 'identity' } });
  } catch (error) {
    throw new DownloadError(url, `cannot download ${url}: ${describeError(error)}`);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new DownloadError(url, `cannot download ${url}: ${status}`);
  }
  const lengthHeader = response.headers.get('content-length');
  const declared = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const total = declared ?? expectedBytes ?? 0;
  const meter = progress.bytes(label, total);
  let result: Streamed;
  try {
    const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    result = await streamHashed(body, dest, meter, (error, bytes) =>
      new DownloadError(
        url,
        `download of ${url} was cut off after ${bytes} bytes${declared !== undefined ? ` of ${declared}` : ''}: ${describeError(error)}`,
      ),
    );
  } finally {
    meter.done();
  }
  if (declared !== undefined && result.bytes !== declared) {
    removeQuietly(dest);
    throw new DownloadError(url, `download of ${url} was cut off after ${result.bytes} bytes of ${declared}`);
  }
  return result;
}

/** Copies a local file into `dest` while hashing it. */
async function copyHashed(file: string, dest: string, progress: PullProgress, label: string): Promise<Streamed> {
  const meter = progress.bytes(label, fs.statSync(file).size);
  try {
    return await streamHashed(fs.createReadStream(file), dest, meter, (error) =>
      new InputError(`cannot read ${file}: ${describeError(error)}`),
    );
  } finally {
    meter.done();
  }
}

function localPath(from: string): string {
  const p = path.resolve(from.toLowerCase().startsWith('file:') ? fileURLToPath(from) : from);
  if (!fs.existsSync(p)) throw new InputError(`--from ${from}: file not found`);
  if (!fs.statSync(p).isFile()) throw new InputError(`--from ${from}: not a file (give the .zip archive)`);
  return p;
}

/**
 * Gets the archive for `name`: from the cache when it is there and still matches its checksum,
 * else from `from` or the registry URL, verified before it enters the cache. See the module header.
 */
export async function fetchBeirArchive(options: FetchArchiveOptions): Promise<ArchiveSource> {
  const { name } = options;
  validateDatasetName(name);
  const registry = resolveRegistry(options.registry);
  const progress = options.progress ?? silentPullProgress;
  const entry = findBeirDataset(registry, name);
  const cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir());
  const warnings: string[] = [];

  if (!entry) {
    if (options.from === undefined) throw new UnknownBeirDatasetError(name, [...registry.datasets.keys()]);
    const note = `'${name}' is not in the BEIR registry (${registry.file}): no pinned checksum, so the archive is used unverified and not cached`;
    warnings.push(note);
    if (!isUrl(options.from)) {
      const file = localPath(options.from);
      const md5 = await md5File(file);
      return { name, entry, archive: file, origin: file, how: 'file', md5, verified: false, cached: false, temporary: false, warnings };
    }
    ensureCacheDir(cacheDir);
    const temp = tempPathIn(cacheDir, name);
    const { md5 } = await downloadTo(options.from, temp, progress, `download ${name}`);
    return { name, entry, archive: temp, origin: options.from, how: 'download', md5, verified: false, cached: false, temporary: true, warnings };
  }

  ensureCacheDir(cacheDir);
  const cacheFile = path.join(cacheDir, `${name}.zip`);
  const accept = (origin: string, how: ArchiveSource['how'], md5: string): ArchiveSource => ({
    name, entry, archive: cacheFile, origin, how, md5, verified: true, cached: true, temporary: false, warnings,
  });

  /** Verifies a temp file's checksum and renames it into the cache, or removes it and throws. */
  const admit = (temp: string, md5: string, origin: string, how: ArchiveSource['how']): ArchiveSource => {
    if (md5 !== entry.md5) {
      removeQuietly(temp);
      throw new ChecksumMismatchError(name, origin, entry.md5, md5, `the archive was not cached (${cacheFile})`);
    }
    fs.renameSync(temp, cacheFile);
    return accept(origin, how, md5);
  };

  if (options.from !== undefined) {
    if (isUrl(options.from)) {
      const temp = tempPathIn(cacheDir, name);
      const { md5 } = await downloadTo(options.from, temp, progress, `download ${name}`, entry.archiveBytes);
      return admit(temp, md5, options.from, 'download');
    }
    const file = localPath(options.from);
    if (file === cacheFile) {
      progress.step(`checksum ${file}`);
      const md5 = await md5File(file);
      if (md5 !== entry.md5) throw new ChecksumMismatchError(name, file, entry.md5, md5, 'the file is not used');
      return accept(file, 'file', md5);
    }
    const temp = tempPathIn(cacheDir, name);
    const { md5 } = await copyHashed(file, temp, progress, `copy ${path.basename(file)}`);
    return admit(temp, md5, file, 'file');
  }

  if (fs.existsSync(cacheFile)) {
    progress.step(`checksum ${cacheFile}`);
    const md5 = await md5File(cacheFile);
    if (md5 === entry.md5) return accept(entry.url, 'cache', md5);
    warnings.push(`cached ${cacheFile} has md5 ${md5}, expected ${entry.md5}: removed and downloaded again`);
    removeQuietly(cacheFile);
  }
  const temp = tempPathIn(cacheDir, name);
  const { md5 } = await downloadTo(entry.url, temp, progress, `download ${name}`, entry.archiveBytes);
  return admit(temp, md5, entry.url, 'download');
}

export interface PullOptions extends FetchArchiveOptions {
  /** Store name; default: `name`. */
  dataset?: string;
  /** Judgments split; default: the registry's split, else `test`. */
  split?: string;
  /** Fields to index; default `title`, `text`. */
  fields?: string[];
  analyzer?: AnalyzerSettings;
  /** The indexing bar (documents/s, ETA); default none. */
  importProgress?: ImportProgress;
}

/** An archive fetched, checked and unpacked into a temp folder, ready to be streamed into the store. */
export interface PreparedPull {
  source: ArchiveSource;
  /** The unpacked collection; the corpus is parsed as the import reads it. */
  stream: DocumentStream;
  /** Documents in the corpus, counted while unpacking (for the progress). */
  documents: number;
  /** Removes the unpacked files: `importPreparedPull` does, and a caller that never gets to it must. */
  dispose(): void;
  dataset: string;
  split: string;
}

export interface PullResult extends ImportSummary {
  name: string;
  split: string;
  how: ArchiveSource['how'];
  origin: string;
  /** The cache file, or the local file read; null when a temporary download was removed. */
  archive: string | null;
  md5: string;
  verified: boolean;
  cached: boolean;
}

/**
 * Everything before the store: checks the names and split, gets and verifies the archive, and
 * unpacks its BEIR files into a temp folder beside the cached archives. The store is not opened,
 * so a long download holds no database lock. The caller owns the temp folder: pass the result to
 * `importPreparedPull`, or call its `dispose`.
 */
export async function prepareBeirPull(options: PullOptions): Promise<PreparedPull> {
  validateDatasetName(options.name);
  const dataset = options.dataset ?? options.name;
  validateDatasetName(dataset);
  const registry = resolveRegistry(options.registry);
  const entry = findBeirDataset(registry, options.name);
  const split = options.split ?? entry?.split ?? 'test';
  if (entry?.splits && !entry.splits.includes(split)) {
    throw new InputError(`${options.name} has no split '${split}'; its splits: ${entry.splits.join(', ')}`);
  }
  const progress = options.progress ?? silentPullProgress;
  const source = await fetchBeirArchive({ ...options, registry, progress });
  try {
    const workDir = path.resolve(options.cacheDir ?? defaultCacheDir());
    ensureCacheDir(workDir); // the BEIR files are unpacked beside the archives, then removed
    const unpacked = await unpackBeirArchive(source.archive, { split, workDir, progress });
    return { source, ...unpacked, dataset, split };
  } finally {
    if (source.temporary) removeQuietly(source.archive);
  }
}

/** Warnings when the imported collection differs from the sizes the registry publishes. */
export function publishedSizeWarnings(
  entry: BeirRegistryEntry | undefined,
  split: string,
  summary: Pick<ImportSummary, 'documents' | 'judgedQueries'>,
): string[] {
  if (!entry) return [];
  const out: string[] = [];
  if (entry.documents !== undefined && summary.documents !== entry.documents) {
    out.push(`${entry.name}: ${summary.documents} documents imported, the registry says ${entry.documents}`);
  }
  if (split === entry.split && entry.judgedQueries !== undefined && summary.judgedQueries !== entry.judgedQueries) {
    out.push(`${entry.name}: ${summary.judgedQueries} judged queries in split ${split}, the registry says ${entry.judgedQueries}`);
  }
  return out;
}

/**
 * Streams a prepared pull into the store (`importDocumentStream`: batches, then one transaction
 * for the dataset), then removes its unpacked files, whether the import succeeded or not.
 */
export async function importPreparedPull(
  store: Store,
  prepared: PreparedPull,
  options: Pick<PullOptions, 'fields' | 'analyzer' | 'progress' | 'importProgress'> = {},
): Promise<PullResult> {
  const { source, stream, documents, dataset, split } = prepared;
  let summary: ImportSummary;
  try {
    (options.progress ?? silentPullProgress).step(`index ${documents} documents into dataset ${dataset}`);
    const sourcePaths = [...new Set([source.origin, ...(source.temporary ? [] : [source.archive])])];
    summary = await importDocumentStream(store, dataset, stream, {
      ...(options.fields && options.fields.length > 0 ? { fields: options.fields } : {}),
      ...(options.analyzer ? { analyzer: options.analyzer } : {}),
      ...(options.importProgress ? { progress: options.importProgress } : {}),
      sourcePaths,
    });
  } finally {
    prepared.dispose();
  }
  return {
    ...summary,
    warnings: [...source.warnings, ...summary.warnings, ...publishedSizeWarnings(source.entry, split, summary)],
    name: source.name,
    split,
    how: source.how,
    origin: source.origin,
    archive: source.temporary ? null : source.archive,
    md5: source.md5,
    verified: source.verified,
    cached: source.cached,
  };
}

/** Pull in one call: `prepareBeirPull` then `importPreparedPull`. */
export async function pullBeirDataset(store: Store, options: PullOptions): Promise<PullResult> {
  return importPreparedPull(store, await prepareBeirPull(options), options);
}
