/**
 * `datasets pull`: a local HTTP server (node:http on 127.0.0.1:0) serves tiny BEIR archives this
 * file zips itself (./zip-writer.ts, node:zlib only), and a test registry file points at it.
 * Covers: download + import + cache, a second pull from the cache (no request), a stale cache,
 * checksum mismatch, HTTP 404, a connection cut mid-body, a refused connection, `--from` a local
 * file, archives without BEIR files, and the built CLI (exit codes, BENCHLAB_BEIR_REGISTRY).
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDataset, loadQrels } from '../../lib/datasets/catalog';
import { BeirArchiveError, readBeirArchive } from '../../lib/datasets/beir-archive';
import { BEIR_REGISTRY_ENV, loadBeirRegistry, UnknownBeirDatasetError } from '../../lib/datasets/beir-registry';
import { DatasetParseError } from '../../lib/datasets/parse-error';
import { ChecksumMismatchError, DownloadError, pullBeirDataset, type PullOptions } from '../../lib/datasets/pull';
import { silentPullProgress, terminalPullProgress, type PullProgress } from '../../lib/datasets/pull-progress';
import { PassThrough } from 'node:stream';
import { InputError } from '../../lib/input-error';
import { withStore } from '../../lib/store/store';
import { closedPortUrl } from '../support/closed-port';
import { runCli } from '../support/run-cli';
import { tmpDir } from './helpers';
import { zipEntries, type ZipEntry } from './zip-writer';

// ---------------------------------------------------------------------------------------------
// A tiny BEIR collection: 4 documents, 3 queries, test judgments for 2 queries, dev for 1.

const CORPUS = [
  { _id: 'd1', title: 'Heart attack', text: 'Myocardial infarction and chest pain.' },
  { _id: 'd2', title: 'Diabetes', text: 'Insulin resistance and blood sugar.' },
  { _id: 3, title: 'Smoking', text: 'Tobacco smoke damages the lungs.' },
  { _id: 'd4', title: null, text: 'Vaccines prevent infectious disease.' },
];
const QUERIES = [
  { _id: 'q1', text: 'heart disease' },
  { _id: 'q2', text: 'lung damage from smoking' },
  { _id: 'q3', text: 'vaccination' },
];
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

function beirEntries(root = 'tiny/', corpus = jsonl(CORPUS)): ZipEntry[] {
  return [
    { name: root },
    { name: `${root}corpus.jsonl`, data: corpus },
    { name: `${root}queries.jsonl`, data: jsonl(QUERIES) },
    { name: `${root}qrels/` },
    { name: `${root}qrels/test.tsv`, data: 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\t3\t1\n' },
    { name: `${root}qrels/dev.tsv`, data: 'query-id\tcorpus-id\tscore\nq3\td4\t1\n' },
  ];
}

const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');

// With a __MACOSX resource fork entry, as archives zipped on a Mac have; it must be ignored.
const ARCHIVE = zipEntries([...beirEntries(), { name: '__MACOSX/tiny/._corpus.jsonl', data: 'junk' }]);
const ARCHIVE_MD5 = md5(ARCHIVE);

// 32 MiB, served chunk by chunk (the server holds 1 MiB), for the memory test.
const BIG_CHUNK = crypto.randomBytes(1 << 20);
const BIG_CHUNKS = 32;
const BIG_MD5 = (() => {
  const h = crypto.createHash('md5');
  for (let i = 0; i < BIG_CHUNKS; i++) h.update(BIG_CHUNK);
  return h.digest('hex');
})();

// ---------------------------------------------------------------------------------------------
// The server: /big.bin (32 MiB), /tiny.zip, /cut.zip (half the body, then the socket is destroyed), anything else 404.

let server: http.Server;
let base: string;
const requests: string[] = [];
const served = new Map<string, Buffer>();

beforeAll(async () => {
  served.set('/tiny.zip', ARCHIVE);
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    if (url === '/big.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG_CHUNK.length * BIG_CHUNKS });
      let sent = 0;
      const more = () => {
        while (sent < BIG_CHUNKS) {
          sent++;
          if (!res.write(BIG_CHUNK)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      return;
    }
    if (url === '/cut.zip') {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': ARCHIVE.length });
      res.write(ARCHIVE.subarray(0, Math.floor(ARCHIVE.length / 2)), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    const body = served.get(url);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------------------------------------

let dir: string;
let cacheDir: string;
let dbPath: string;
let registryFile: string;

interface TestEntry {
  url: string;
  md5: string;
  split?: string;
  splits?: string[];
  documents?: number;
  judgedQueries?: number;
}

function writeRegistry(datasets: Record<string, TestEntry>): string {
  const file = path.join(dir, `registry-${crypto.randomBytes(3).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify({ $comment: 'test registry', datasets }, null, 2));
  return file;
}

beforeEach(() => {
  dir = tmpDir();
  cacheDir = path.join(dir, 'cache');
  dbPath = path.join(dir, 'db.duckdb');
  registryFile = writeRegistry({
    tiny: { url: `${base}/tiny.zip`, md5: ARCHIVE_MD5, split: 'test', splits: ['dev', 'test'], documents: 4, judgedQueries: 2 },
    'tiny-bad-md5': { url: `${base}/tiny.zip`, md5: '0'.repeat(32) },
    'tiny-missing': { url: `${base}/missing.zip`, md5: ARCHIVE_MD5 },
    'tiny-cut': { url: `${base}/cut.zip`, md5: ARCHIVE_MD5 },
  });
  requests.length = 0;
});

function pull(options: Omit<PullOptions, 'registry' | 'cacheDir'> & { cacheDir?: string }) {
  return withStore({ dbPath }, (store) => pullBeirDataset(store, { registry: registryFile, cacheDir, ...options }));
}

/** Files in the cache folder (the .gitignore aside): no temp file or unpack folder may remain. */
function cacheListing(): string[] {
  if (!fs.existsSync(cacheDir)) return [];
  return fs.readdirSync(cacheDir).filter((n) => n !== '.gitignore').sort();
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('datasets pull: download, verify, cache, import', () => {
  it('downloads, checks the MD5, caches the archive and imports it with the BEIR parser', async () => {
    const result = await pull({ name: 'tiny' });
    expect(result).toMatchObject({
      dataset: 'tiny', format: 'beir', split: 'test', how: 'download', origin: `${base}/tiny.zip`,
      documents: 4, queries: 3, judgedQueries: 2, judgments: 3, indexedFields: ['title', 'text'],
      md5: ARCHIVE_MD5, verified: true, cached: true, archive: path.join(cacheDir, 'tiny.zip'),
    });
    expect(requests).toEqual(['/tiny.zip']);
    expect(result.warnings.join('\n')).not.toMatch(/registry says/);
    expect(cacheListing()).toEqual(['tiny.zip']);
    expect(fs.readFileSync(path.join(cacheDir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(md5(fs.readFileSync(path.join(cacheDir, 'tiny.zip')))).toBe(ARCHIVE_MD5);
    await withStore({ dbPath }, async (store) => {
      const info = await getDataset(store, 'tiny');
      expect(info).toMatchObject({ docCount: 4, queryCount: 3, judgmentCount: 3 });
      expect(info.sourcePaths).toEqual([`${base}/tiny.zip`, path.join(cacheDir, 'tiny.zip')]);
      expect((await loadQrels(store, 'tiny')).get('q2')).toEqual(new Map([['3', 1]]));
    });
  });

  it('a second pull uses the cache: no request, checksum checked again', async () => {
    await pull({ name: 'tiny' });
    expect(requests).toHaveLength(1);
    const again = await pull({ name: 'tiny', dataset: 'tiny-dev', split: 'dev' });
    expect(requests).toHaveLength(1);
    expect(again).toMatchObject({ how: 'cache', verified: true, dataset: 'tiny-dev', split: 'dev', judgedQueries: 1, judgments: 1 });
    expect(cacheListing()).toEqual(['tiny.zip']);
  });

  it('a cached archive that no longer matches its checksum is dropped and downloaded again', async () => {
    await pull({ name: 'tiny' });
    fs.writeFileSync(path.join(cacheDir, 'tiny.zip'), 'damaged');
    const result = await pull({ name: 'tiny' });
    expect(requests).toHaveLength(2);
    expect(result.how).toBe('download');
    expect(result.warnings.join('\n')).toMatch(/cached .*tiny\.zip has md5 [0-9a-f]{32}, expected [0-9a-f]{32}: removed and downloaded again/);
    expect(md5(fs.readFileSync(path.join(cacheDir, 'tiny.zip')))).toBe(ARCHIVE_MD5);
  });

  it('warns when the imported sizes differ from the sizes the registry publishes', async () => {
    registryFile = writeRegistry({ tiny: { url: `${base}/tiny.zip`, md5: ARCHIVE_MD5, documents: 5, judgedQueries: 2 } });
    const result = await pull({ name: 'tiny' });
    expect(result.warnings).toContain('tiny: 4 documents imported, the registry says 5');
  });
});

describe('datasets pull: failures keep the cache clean', () => {
  it('checksum mismatch: expected vs got, nothing cached, store untouched', async () => {
    const error = await rejection(pull({ name: 'tiny-bad-md5' }));
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `checksum mismatch for tiny-bad-md5 from ${base}/tiny.zip: expected md5 ${'0'.repeat(32)}, got ${ARCHIVE_MD5}; ` +
        `the archive was not cached (${path.join(cacheDir, 'tiny-bad-md5.zip')})`,
    );
    expect(cacheListing()).toEqual([]);
    await withStore({ dbPath }, async (store) => {
      await expect(getDataset(store, 'tiny-bad-md5')).rejects.toThrow(/unknown dataset/);
    });
  });

  it('HTTP 404: a clear error naming the URL', async () => {
    const error = await rejection(pull({ name: 'tiny-missing' }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toBe(`cannot download ${base}/missing.zip: HTTP 404 Not Found`);
    expect(cacheListing()).toEqual([]);
  });

  it('a connection cut mid-download: the partial file never reaches the cache', async () => {
    const error = await rejection(pull({ name: 'tiny-cut' }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(
      new RegExp(`^download of ${base}/cut\\.zip was cut off after \\d+ bytes of ${ARCHIVE.length}`),
    );
    expect(cacheListing()).toEqual([]);
  });

  it('a refused connection: a network error naming the URL', async () => {
    const url = `${await closedPortUrl()}/tiny.zip`;
    registryFile = writeRegistry({ tiny: { url, md5: ARCHIVE_MD5 } });
    const error = await rejection(pull({ name: 'tiny' }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(new RegExp(`^cannot download ${url.replace(/\./g, '\\.')}: fetch failed: .*ECONNREFUSED`));
    expect(cacheListing()).toEqual([]);
  });

  it('an unknown name lists the known ones, before any download', async () => {
    const error = await rejection(pull({ name: 'msmarco' }));
    expect(error).toBeInstanceOf(UnknownBeirDatasetError);
    expect(error.message).toBe(
      "unknown BEIR dataset 'msmarco'; known: tiny, tiny-bad-md5, tiny-cut, tiny-missing (or give the archive with --from FILE_OR_URL)",
    );
    expect(requests).toEqual([]);
    expect(fs.existsSync(cacheDir)).toBe(false);
  });

  it('a split the registry does not list is refused before any download', async () => {
    await expect(pull({ name: 'tiny', split: 'train' })).rejects.toThrow("tiny has no split 'train'; its splits: dev, test");
    expect(requests).toEqual([]);
  });

  it('stale temp files of killed pulls are removed; live ones are left', async () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    const dead = path.join(cacheDir, '.tiny.zip.999999999.abcd1234.part');
    const deadDir = path.join(cacheDir, '.unpack-tiny-999999999-Ab12Cd');
    const live = path.join(cacheDir, `.tiny.zip.${process.pid}.abcd1234.part`);
    fs.writeFileSync(dead, 'x');
    fs.mkdirSync(deadDir);
    fs.writeFileSync(live, 'x');
    await pull({ name: 'tiny' });
    expect(cacheListing()).toEqual([path.basename(live), 'tiny.zip']);
  });
});

describe('datasets pull --from', () => {
  it('a local copy of a known archive: checked, cached, imported, no request', async () => {
    const copy = path.join(dir, 'downloads', 'tiny.zip');
    fs.mkdirSync(path.dirname(copy));
    fs.writeFileSync(copy, ARCHIVE);
    const result = await pull({ name: 'tiny', from: copy });
    expect(result).toMatchObject({ how: 'file', origin: copy, verified: true, cached: true, documents: 4, judgedQueries: 2 });
    expect(requests).toEqual([]);
    expect(cacheListing()).toEqual(['tiny.zip']);
    // and the next pull needs neither the file nor the network
    fs.rmSync(copy);
    expect((await pull({ name: 'tiny' })).how).toBe('cache');
    expect(requests).toEqual([]);
  });

  it('a local copy that does not match the pinned checksum is refused and not cached', async () => {
    const other = path.join(dir, 'other.zip');
    fs.writeFileSync(other, zipEntries(beirEntries('other/')));
    const error = await rejection(pull({ name: 'tiny', from: other }));
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error.message).toMatch(new RegExp(`^checksum mismatch for tiny from ${other.replace(/[.\\]/g, '\\$&')}: expected md5 ${ARCHIVE_MD5}, got [0-9a-f]{32}`));
    expect(cacheListing()).toEqual([]);
  });

  it('a URL instead of the published one, still checksum-checked', async () => {
    served.set('/mirror/tiny.zip', ARCHIVE);
    const result = await pull({ name: 'tiny', from: `${base}/mirror/tiny.zip` });
    expect(result).toMatchObject({ how: 'download', origin: `${base}/mirror/tiny.zip`, verified: true, cached: true });
    expect(requests).toEqual(['/mirror/tiny.zip']);
    await expect(pull({ name: 'tiny-bad-md5', from: `${base}/mirror/tiny.zip` })).rejects.toThrow(ChecksumMismatchError);
  });

  it('a name not in the registry: imported unverified, with a warning, and not cached', async () => {
    const file = path.join(dir, 'mine.zip');
    fs.writeFileSync(file, zipEntries(beirEntries('mine/'), { dataDescriptors: true }));
    const result = await pull({ name: 'mine', from: file });
    expect(result).toMatchObject({ how: 'file', verified: false, cached: false, archive: file, documents: 4 });
    expect(result.warnings[0]).toMatch(/'mine' is not in the BEIR registry .*: no pinned checksum, so the archive is used unverified and not cached/);
    expect(cacheListing()).toEqual([]);
    expect(fs.existsSync(path.join(cacheDir, '.gitignore'))).toBe(true); // the unpack folder lived there
    // from a URL: downloaded to a temp file in the cache folder, which is removed afterwards
    served.set('/mine.zip', fs.readFileSync(file));
    const fromUrl = await pull({ name: 'mine', from: `${base}/mine.zip` });
    expect(fromUrl).toMatchObject({ how: 'download', verified: false, cached: false, archive: null, documents: 4 });
    expect(cacheListing()).toEqual([]);
  });

  it('a missing --from file is an input error', async () => {
    await expect(pull({ name: 'tiny', from: path.join(dir, 'nope.zip') })).rejects.toThrow(/--from .*nope\.zip: file not found/);
  });
});

describe('BEIR archives', () => {
  async function read(entries: ZipEntry[] | Buffer, split = 'test') {
    const file = path.join(dir, `a-${crypto.randomBytes(3).toString('hex')}.zip`);
    fs.writeFileSync(file, Buffer.isBuffer(entries) ? entries : zipEntries(entries));
    return { file, result: readBeirArchive(file, { split }) };
  }

  it('reads the files at the archive root, stored or deflated, with data descriptors', async () => {
    const entries = beirEntries('').filter((e) => e.name !== '').map((e, i) => ({ ...e, method: (i % 2 === 0 ? 0 : 8) as 0 | 8 }));
    const file = path.join(dir, 'root.zip');
    fs.writeFileSync(file, zipEntries(entries, { dataDescriptors: true }));
    const collection = await readBeirArchive(file, { split: 'dev' });
    expect(collection.documents.map((d) => d.id)).toEqual(['d1', 'd2', '3', 'd4']);
    expect(collection.qrels).toEqual([{ queryId: 'q3', docId: 'd4', grade: 1 }]);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.unpack-'))).toEqual([]);
  });

  it('an archive without the BEIR files says what it expected and what it found', async () => {
    const { file, result } = await read([{ name: 'data/readme.txt', data: 'hello' }, { name: 'data/docs.csv', data: 'a,b' }]);
    const error = await rejection(result);
    expect(error).toBeInstanceOf(BeirArchiveError);
    expect(error.message).toBe(
      `${file}: no corpus.jsonl: not a BEIR archive (a BEIR archive holds [FOLDER/]corpus.jsonl, queries.jsonl and qrels/<split>.tsv); ` +
        'it holds data/readme.txt, data/docs.csv',
    );
  });

  it('missing queries, missing judgments, a missing split', async () => {
    const noQueries = beirEntries().filter((e) => !e.name.endsWith('queries.jsonl'));
    expect((await rejection((await read(noQueries)).result)).message).toMatch(/no tiny\/queries\.jsonl beside tiny\/corpus\.jsonl/);
    const noQrels = beirEntries().filter((e) => !e.name.includes('qrels'));
    expect((await rejection((await read(noQrels)).result)).message).toMatch(/no tiny\/qrels\/\*\.tsv judgments/);
    expect((await rejection((await read(beirEntries(), 'train')).result)).message).toMatch(
      /no judgments for split 'train' \(tiny\/qrels\/train\.tsv\); available splits: dev, test/,
    );
  });

  it('a file that is not a zip, and a truncated zip', async () => {
    expect((await rejection((await read(Buffer.from('<html>not found</html>'))).result)).message).toMatch(/: not a zip archive \(/);
    const truncated = ARCHIVE.subarray(0, ARCHIVE.length - 30);
    expect(await rejection((await read(truncated)).result)).toBeInstanceOf(InputError);
  });

  it('a corrupt entry (CRC-32 mismatch) is caught', async () => {
    const zip = zipEntries([{ name: 't/corpus.jsonl', data: jsonl(CORPUS), method: 0 }, ...beirEntries('t/').slice(2)]);
    const at = zip.indexOf('Myocardial');
    zip[at] = 'm'.charCodeAt(0);
    const error = await rejection((await read(zip)).result);
    expect(error.message).toMatch(/corrupt entry t\/corpus\.jsonl: CRC-32 [0-9a-f]{8} does not match the archive's [0-9a-f]{8}/);
  });

  it('a malformed line is reported as archive!entry:line, not as a temp path', async () => {
    const { file, result } = await read(beirEntries('tiny/', '{"_id":"d1","text":"ok"}\n{"title":"no id"}\n'));
    const error = await rejection(result);
    expect(error).toBeInstanceOf(DatasetParseError);
    expect(error.message).toBe(`${file}!tiny/corpus.jsonl:2: _id: expected string or number, received undefined`);
  });

  it('several collections in one archive are refused with their names', async () => {
    const error = await rejection((await read([...beirEntries('a/'), ...beirEntries('b/')])).result);
    expect(error.message).toMatch(/2 BEIR collections in one archive \(a\/corpus\.jsonl, b\/corpus\.jsonl\)/);
  });
});

describe('the BEIR registry file', () => {
  it('the shipped registry pins the published MD5s of nfcorpus, scifact and trec-covid', () => {
    const registry = loadBeirRegistry(path.resolve(__dirname, '../../data/beir-datasets.json'));
    const pick = (name: string) => {
      const e = registry.datasets.get(name);
      return e && { url: e.url, md5: e.md5, split: e.split, documents: e.documents, judgedQueries: e.judgedQueries };
    };
    const url = (n: string) => `https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/${n}.zip`;
    expect(pick('nfcorpus')).toEqual({ url: url('nfcorpus'), md5: 'a89dba18a62ef92f7d323ec890a0d38d', split: 'test', documents: 3633, judgedQueries: 323 });
    expect(pick('scifact')).toEqual({ url: url('scifact'), md5: '5f7d1de60b170fc8027bb7898e2efca1', split: 'test', documents: 5183, judgedQueries: 300 });
    expect(pick('trec-covid')).toEqual({ url: url('trec-covid'), md5: 'ce62140cb23feb9becf6270d0d1fe6d1', split: 'test', documents: 171332, judgedQueries: 50 });
  });

  it('a malformed registry names the file and the field', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ datasets: { x: { url: 'ftp://x', md5: 'abc' } } }));
    expect(() => loadBeirRegistry(file)).toThrow(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}: invalid BEIR registry: datasets\\.x\\.url: expected an http\\(s\\) URL`));
  });
});

describe('datasets pull: streaming and progress', () => {
  it('reports download, unpack, parse and index stages to the progress', async () => {
    const events: string[] = [];
    const progress: PullProgress = {
      bytes(label, total) {
        let n = 0;
        return { add: (b) => void (n += b), done: () => void events.push(`${label}: ${n} of ${total}`) };
      },
      step: (label) => void events.push(label),
    };
    await pull({ name: 'tiny', progress });
    const unpacked = [jsonl(CORPUS), jsonl(QUERIES)].reduce((sum, t) => sum + Buffer.byteLength(t), 0) + 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\t3\t1\n'.length;
    expect(events).toEqual([
      `download tiny: ${ARCHIVE.length} of ${ARCHIVE.length}`,
      `unpack tiny.zip: ${unpacked} of ${unpacked}`,
      'parse tiny.zip (split test)',
      'index 4 documents into dataset tiny',
    ]);
    events.length = 0;
    await pull({ name: 'tiny', progress });
    expect(events[0]).toBe(`checksum ${path.join(cacheDir, 'tiny.zip')}`);
  });

  it('the terminal progress draws a bar on a TTY and nothing elsewhere', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
    let drawn = '';
    (tty as unknown as PassThrough).on('data', (c: Buffer) => (drawn += c.toString()));
    const meter = terminalPullProgress(tty).bytes('download tiny', 2_000_000);
    meter.add(1_000_000);
    meter.add(1_000_000);
    meter.done();
    expect(drawn).toMatch(/download tiny .*100% \| 2\.00 MB of 2\.00 MB/);
    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    expect(terminalPullProgress(pipe)).toBe(silentPullProgress);
  });

  it('memory stays flat: a 32 MiB download holds a few MiB at a time', async () => {
    registryFile = writeRegistry({ big: { url: `${base}/big.bin`, md5: BIG_MD5 } });
    // A child process with --expose-gc samples live buffer memory after full collections, so
    // garbage not yet collected does not count; buffering the body would hold all 32 MiB.
    const script = `
      const { fetchBeirArchive } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/lib/datasets/pull.js'))});
      let peak = 0;
      const timer = setInterval(() => { global.gc(); peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 20);
      fetchBeirArchive({ name: 'big', registry: ${JSON.stringify(registryFile)}, cacheDir: ${JSON.stringify(cacheDir)} })
        .then((s) => { clearInterval(timer); console.log(JSON.stringify({ peak, md5: s.md5, how: s.how })); })
        .catch((e) => { clearInterval(timer); console.error(e.message); process.exit(3); });`;
    const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { peak: number; md5: string; how: string };
    expect(report).toMatchObject({ md5: BIG_MD5, how: 'download' });
    expect(report.peak).toBeLessThan(16 * 2 ** 20);
    expect(fs.statSync(path.join(cacheDir, 'big.zip')).size).toBe(BIG_CHUNKS * BIG_CHUNK.length);
  });
});

function hasInfoZip(): boolean {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('archives written by other zippers', () => {
  it.skipIf(!hasInfoZip())('reads an archive made by Info-ZIP zip, written to a pipe (data descriptors)', async () => {
    const src = path.join(dir, 'src');
    for (const e of beirEntries('tiny/')) {
      const p = path.join(src, e.name);
      if (e.name.endsWith('/')) fs.mkdirSync(p, { recursive: true });
      else fs.writeFileSync(p, e.data ?? '');
    }
    const zipped = execFileSync('zip', ['-q', '-r', '-', 'tiny'], { cwd: src });
    const file = path.join(dir, 'infozip.zip');
    fs.writeFileSync(file, zipped);
    const collection = await readBeirArchive(file, { split: 'test' });
    expect(collection.documents).toHaveLength(4);
    expect(collection.qrels).toHaveLength(3);
  });
});

describe('the CLI (built, in dist/)', () => {
  it('pulls, then pulls from the cache; errors exit 3', async () => {
    const env = { [BEIR_REGISTRY_ENV]: registryFile, BENCHLAB_DB: dbPath };
    const first = await runCli(['datasets', 'pull', 'tiny', '--cache', cacheDir, '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ dataset: 'tiny', how: 'download', documents: 4, judgedQueries: 2, verified: true });

    const second = await runCli(['datasets', 'pull', 'tiny', '--cache', cacheDir, '--dataset', 'tiny2'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/tiny2/);
    expect(second.stdout).toContain('source: cache (no download)');
    expect(second.stdout).toContain(`md5: ${ARCHIVE_MD5} (matches the pinned checksum)`);
    expect(requests).toEqual(['/tiny.zip']);

    const listed = JSON.parse((await runCli(['datasets', '--json'], env)).stdout) as { name: string }[];
    expect(listed.map((d) => d.name)).toEqual(['tiny', 'tiny2']);

    const missing = await runCli(['datasets', 'pull', 'tiny-missing', '--cache', cacheDir], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(`benchlab: cannot download ${base}/missing.zip: HTTP 404 Not Found\n`);

    const unknown = await runCli(['datasets', 'pull', 'nope', '--cache', cacheDir], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/unknown BEIR dataset 'nope'; known: tiny, tiny-bad-md5, tiny-cut, tiny-missing/);

    const bad = await runCli(['datasets', 'pull', 'tiny-bad-md5', '--cache', cacheDir], env);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/checksum mismatch for tiny-bad-md5 .*expected md5 0{32}, got [0-9a-f]{32}/);

    const known = await runCli(['datasets', 'known', '--cache', cacheDir, '--json'], env);
    expect(known.code).toBe(0);
    const rows = (JSON.parse(known.stdout) as { datasets: { name: string; cached: boolean }[] }).datasets;
    expect(rows.map((r) => [r.name, r.cached])).toEqual([['tiny', true], ['tiny-bad-md5', false], ['tiny-cut', false], ['tiny-missing', false]]);
  });
});
