/**
 * Line reading shared by the dataset parsers (SMART, BEIR, TREC).
 *
 * Owns: turning a text file on disk into numbered lines without loading it whole (corpora can
 * be gigabytes, past V8's string limit). Lines are numbered from 1 as an editor shows them;
 * `\r\n`, `\n` and a lone trailing `\r` all end a line; a UTF-8 byte-order mark at the start of
 * the file is dropped. Files are decoded as UTF-8 (a split multi-byte character across chunk
 * boundaries is handled by the stream's decoder).
 *
 * A read failure (missing file, a directory, permissions) becomes a `DatasetParseError` naming
 * the file, so callers report every input problem the same way.
 */
import * as fs from 'node:fs';
import { DatasetParseError } from './parse-error';

/**
 * Called once per line; `line` is 1-based. Throw (e.g. a `DatasetParseError`) to stop reading.
 * A handler that returns a promise is awaited before the next line (streaming import writes
 * each batch of documents before reading on).
 */
export type LineHandler = (text: string, line: number) => void | Promise<void>;

const CHUNK_BYTES = 1 << 20;

function readFailure(file: string, err: unknown): DatasetParseError {
  const e = err as NodeJS.ErrnoException;
  const what =
    e?.code === 'ENOENT'
      ? 'file not found'
      : e?.code === 'EISDIR'
        ? 'is a directory, expected a file'
        : `cannot read: ${e?.message ?? String(err)}`;
  return new DatasetParseError(file, undefined, what);
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/**
 * Streams `file` and calls `onLine` for every line, in order. A final line without a newline
 * is still delivered; an empty file delivers nothing. Resolves to the number of lines read.
 */
export async function forEachLine(file: string, onLine: LineHandler): Promise<number> {
  let stream: fs.ReadStream;
  try {
    // Open synchronously so "file not found" is reported before any streaming starts.
    const fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    stream = fs.createReadStream(file, { fd, encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  } catch (err) {
    throw readFailure(file, err);
  }

  let carry = '';
  let lineNo = 0;
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = carry + (chunk as string);
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        lineNo++;
        const pending = onLine(stripCr(text.slice(start, nl)), lineNo);
        if (pending) await pending;
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof DatasetParseError) throw err;
    if ((err as NodeJS.ErrnoException)?.code !== undefined) throw readFailure(file, err);
    throw err;
  }
  if (carry.length > 0) {
    lineNo++;
    await onLine(stripCr(carry), lineNo);
  }
  return lineNo;
}

/** One line of a file with its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** Reads every line into memory: for files known to be small (queries, SMART judgments). */
export async function readAllLines(file: string): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  await forEachLine(file, (text, line) => {
    out.push({ text, line });
  });
  return out;
}

/**
 * The first `max` non-blank lines of a file, reading only its beginning (at most `maxBytes`):
 * for sniffing what a file is without streaming all of it.
 */
export function firstNonBlankLines(file: string, max: number, maxBytes = 256 * 1024): NumberedLine[] {
  let buf: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      if (fs.fstatSync(fd).isDirectory()) {
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
      buf = Buffer.alloc(maxBytes);
      const n = fs.readSync(fd, buf, 0, maxBytes, 0);
      buf = buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw readFailure(file, err);
  }
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  // The last piece may be cut mid-line when the file is longer than maxBytes: drop it then.
  if (buf.length === maxBytes) lines.pop();
  const out: NumberedLine[] = [];
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const t = stripCr(lines[i] ?? '');
    if (t.trim() !== '') out.push({ text: t, line: i + 1 });
  }
  return out;
}
