import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { formatRunFile, parseRunFile, readRunFile, writeRunFile } from '../../lib/evaluation/run-file';
import type { Run } from '../../lib/evaluation/types';

const dir = mkdtempSync(join(tmpdir(), 'run-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('formatRunFile', () => {
  it('writes queries in strcmp order and docs in trec_eval order with ranks 1..n', () => {
    const run: Run = new Map([
      ['q2', [{ docId: 'x', score: 1 }]],
      ['q10', [
        { docId: 'd10', score: 0.5 },
        { docId: 'd9', score: 0.5 },
        { docId: 'top', score: 2.25 },
      ]],
    ]);
    expect(formatRunFile(run, 'bm25')).toBe(
      ['q10 Q0 top 1 2.25 bm25', 'q10 Q0 d9 2 0.5 bm25', 'q10 Q0 d10 3 0.5 bm25', 'q2 Q0 x 1 1 bm25', ''].join('\n'),
    );
  });

  it('refuses ids that cannot be a TREC field', () => {
    expect(() => formatRunFile(new Map([['q 1', []]]), 't')).toThrow(/query id/);
    expect(() => formatRunFile(new Map([['q1', [{ docId: 'a b', score: 1 }]]]), 't')).toThrow(/document id/);
    expect(() => formatRunFile(new Map([['#q', []]]), 't')).toThrow(/comment/);
    expect(() => formatRunFile(new Map(), 'my tag')).toThrow(/run tag/);
  });
});

describe('parseRunFile', () => {
  it('reads 6-column lines, skipping blank and comment lines, ignoring Q0 and rank', () => {
    const text = '# header\n\nq1 Q0 d1 7 1.5 tag\r\nq1\tQ0  d2 1 -2e-3 tag\nq2 Q0 d1 1 3 tag';
    expect(parseRunFile(text, 'run.txt')).toEqual(
      new Map([
        ['q1', [{ docId: 'd1', score: 1.5 }, { docId: 'd2', score: -0.002 }]],
        ['q2', [{ docId: 'd1', score: 3 }]],
      ]),
    );
  });

  it('names file:line for a line with the wrong number of fields', () => {
    const text = '# comment\nq1 Q0 d1 1 1.0 tag\nq1 Q0 d2 2 0.5\n';
    expect(() => parseRunFile(text, 'run.txt')).toThrow(/^run\.txt:3: expected 6 fields/);
  });

  it('names file:line for a score that is not a number', () => {
    expect(() => parseRunFile('q1 Q0 d1 1 high tag\n', 'r.run')).toThrow(/^r\.run:1: score 'high' is not a number/);
  });

  it('names file:line for a duplicate doc in one query', () => {
    const text = 'q1 Q0 d1 1 2 t\nq2 Q0 d1 1 2 t\nq1 Q0 d1 2 1 t\n';
    expect(() => parseRunFile(text, 'r.run')).toThrow(/^r\.run:3: duplicate document 'd1' for query 'q1' \(first at line 1\)/);
  });
});

describe('run file round trip', () => {
  it('reads back exactly what was written, scores and ties included', async () => {
    const run: Run = new Map([
      ['q1', [
        { docId: 'a', score: 0.1 + 0.2 },
        { docId: 'b', score: 0.30000000000000004 },
        { docId: 'c', score: 1e-300 },
        { docId: 'd', score: 123456789.12345679 },
        { docId: 'e', score: -0.5 },
      ]],
      ['q2', [{ docId: 'z', score: 5 }]],
    ]);
    const path = join(dir, 'round.run');
    await writeRunFile(path, run, 'tag');
    const back = await readRunFile(path);
    // Read order is the written (trec_eval) order: d, a|b tie -> 'b' > 'a', c, e
    expect(back.get('q1')).toEqual([
      { docId: 'd', score: 123456789.12345679 },
      { docId: 'b', score: 0.30000000000000004 },
      { docId: 'a', score: 0.30000000000000004 },
      { docId: 'c', score: 1e-300 },
      { docId: 'e', score: -0.5 },
    ]);
    expect(back.get('q2')).toEqual([{ docId: 'z', score: 5 }]);
    expect(formatRunFile(back, 'tag')).toBe(formatRunFile(run, 'tag'));
  });

  it('reports the real path in read errors', async () => {
    const path = join(dir, 'bad.run');
    writeFileSync(path, 'q1 Q0 d1 1 1 t\nbroken line\n');
    await expect(readRunFile(path)).rejects.toThrow(`${path}:2: expected 6 fields`);
  });
});
