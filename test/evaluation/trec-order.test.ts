import { describe, expect, it } from 'vitest';

import { compareStrcmp, sortTrecEval } from '../../lib/evaluation/trec-order';

const ids = (docs: { docId: string }[]) => docs.map((doc) => doc.docId);

describe('sortTrecEval', () => {
  it('orders by score descending regardless of input order', () => {
    const docs = [
      { docId: 'low', score: 1 },
      { docId: 'high', score: 3 },
      { docId: 'mid', score: 2 },
    ];
    expect(ids(sortTrecEval('q', docs))).toEqual(['high', 'mid', 'low']);
  });

  it("breaks score ties by docid in descending strcmp order: 'd9' before 'd10' because '9' > '1'", () => {
    const docs = [
      { docId: 'd10', score: 1 },
      { docId: 'd9', score: 1 },
      { docId: 'd100', score: 1 },
    ];
    // strcmp: 'd9' > 'd100' > 'd10' ('9' > '1'; then 'd100' extends 'd10')
    expect(ids(sortTrecEval('q', docs))).toEqual(['d9', 'd100', 'd10']);
  });

  it('uses byte order, not locale order, for ties', () => {
    // bytes: 'a' = 0x61 > 'Z' = 0x5a > 'B' = 0x42; localeCompare would say B < Z but a < B
    const docs = [
      { docId: 'B', score: 0 },
      { docId: 'a', score: 0 },
      { docId: 'Z', score: 0 },
    ];
    expect(ids(sortTrecEval('q', docs))).toEqual(['a', 'Z', 'B']);
  });

  it('does not modify its input', () => {
    const docs = [
      { docId: 'x', score: 1 },
      { docId: 'y', score: 2 },
    ];
    sortTrecEval('q', docs);
    expect(ids(docs)).toEqual(['x', 'y']);
  });

  it('rejects NaN scores naming the query and document', () => {
    expect(() => sortTrecEval('q7', [{ docId: 'd1', score: Number.NaN }])).toThrow(/q7.*d1.*NaN/);
  });
});

describe('compareStrcmp', () => {
  it('matches UTF-8 byte comparison, including characters above U+FFFF', () => {
    const samples = ['', 'a', 'ab', 'b', 'A', '\u00e9', '\uffff', '\ue000', '\u{1f600}', '\u{10000}', 'z\u{1f600}', 'z\uffff'];
    for (const a of samples) {
      for (const b of samples) {
        const expected = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareStrcmp(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(expected);
      }
    }
  });

  it('differs from UTF-16 order where strcmp does: U+1F600 sorts after U+FFFF', () => {
    expect('\u{1f600}' < '\uffff').toBe(true); // UTF-16 code units: 0xD83D < 0xFFFF
    expect(compareStrcmp('\u{1f600}', '\uffff')).toBeGreaterThan(0); // UTF-8: F0 9F.. > EF BF BF
  });
});
