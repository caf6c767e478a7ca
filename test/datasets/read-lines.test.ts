import { describe, expect, it } from 'vitest';
import { firstNonBlankLines, forEachLine, readAllLines } from '../../lib/datasets/read-lines';
import { parseError, tmpDir, write } from './helpers';

describe('read-lines', () => {
  it('numbers lines from 1, strips CR and a BOM, delivers a last line without newline', async () => {
    const f = write(tmpDir(), 'a.txt', '\uFEFFone\r\ntwo\n\r\nthree');
    expect(await readAllLines(f)).toEqual([
      { text: 'one', line: 1 },
      { text: 'two', line: 2 },
      { text: '', line: 3 },
      { text: 'three', line: 4 },
    ]);
  });

  it('reads an empty file as no lines', async () => {
    expect(await readAllLines(write(tmpDir(), 'e.txt', ''))).toEqual([]);
  });

  it('keeps multi-byte characters and line numbers across chunk boundaries', async () => {
    const line = '\u00e9\u4e2d\u{1F600} abc';
    const n = 200_000; // ~2.6 MB: several 1 MiB chunks
    const f = write(tmpDir(), 'big.txt', Array.from({ length: n }, () => line).join('\r\n') + '\r\n');
    let count = 0;
    let bad = 0;
    const total = await forEachLine(f, (text, no) => {
      count++;
      if (text !== line || no !== count) bad++;
    });
    expect(total).toBe(n);
    expect(count).toBe(n);
    expect(bad).toBe(0);
  });

  it('stops on a handler error and reports a missing file as a DatasetParseError', async () => {
    const f = write(tmpDir(), 'a.txt', 'a\nb\nc\n');
    await expect(
      forEachLine(f, (_t, no) => {
        if (no === 2) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const err = await parseError(readAllLines(`${f}.missing`));
    expect(err.message).toBe(`${f}.missing: file not found`);
  });

  it('sniffs the first non-blank lines', () => {
    const f = write(tmpDir(), 's.txt', '\uFEFF\n  \n<top>\r\n<num> 1\n');
    expect(firstNonBlankLines(f, 1)).toEqual([{ text: '<top>', line: 3 }]);
  });
});
