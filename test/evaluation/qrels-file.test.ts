import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { formatQrelsFile, parseQrelsFile, readQrelsFile, writeQrelsFile } from '../../lib/evaluation/qrels-file';
import type { Qrels } from '../../lib/evaluation/types';

const dir = mkdtempSync(join(tmpdir(), 'qrels-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qrels files', () => {
  it('writes qid 0 docid rel sorted by qid then docid (strcmp)', () => {
    const qrels: Qrels = new Map([
      ['q2', new Map([['d1', 1]])],
      ['q10', new Map([['d9', 2], ['d10', -1], ['D1', 0]])],
    ]);
    expect(formatQrelsFile(qrels)).toBe(['q10 0 D1 0', 'q10 0 d10 -1', 'q10 0 d9 2', 'q2 0 d1 1', ''].join('\n'));
  });

  it('parses 4-column lines, skipping blank and comment lines', () => {
    expect(parseQrelsFile('# c\nq1 0 a 2\n\nq1 Q0 b -1\nq2 0 a +1\n', 'q.txt')).toEqual(
      new Map([
        ['q1', new Map([['a', 2], ['b', -1]])],
        ['q2', new Map([['a', 1]])],
      ]),
    );
  });

  it('names file:line for malformed lines', () => {
    expect(() => parseQrelsFile('q1 0 a 1\nq1 0 b\n', 'q.txt')).toThrow(/^q\.txt:2: expected 4 fields/);
    expect(() => parseQrelsFile('q1 0 a 1 extra\n', 'q.txt')).toThrow(/^q\.txt:1: expected 4 fields/);
    expect(() => parseQrelsFile('q1 0 a 1\nq1 0 b 1.5\n', 'q.txt')).toThrow(/^q\.txt:2: relevance '1.5' is not an integer/);
    expect(() => parseQrelsFile('q1 0 a 1\nq1 0 a 0\n', 'q.txt')).toThrow(
      /^q\.txt:2: duplicate judgment of document 'a' for query 'q1' \(first at line 1\)/,
    );
  });

  it('refuses non-integer grades when writing', () => {
    expect(() => formatQrelsFile(new Map([['q1', new Map([['a', 0.5]])]]))).toThrow(/integers/);
  });

  it('round-trips through a file', async () => {
    const qrels: Qrels = new Map([
      ['q1', new Map([['a', 2], ['b', 0], ['c', -1]])],
      ['q2', new Map([['x', 1]])],
    ]);
    const path = join(dir, 'round.qrels');
    await writeQrelsFile(path, qrels);
    expect(await readQrelsFile(path)).toEqual(qrels);
  });
});
