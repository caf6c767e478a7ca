import { describe, expect, it } from 'vitest';

import { buildJudgedRanking, countRelevant, isRelevant } from '../../lib/evaluation/judged-ranking';

const judgments = new Map([
  ['a', 2],
  ['b', 0],
  ['c', -1],
]);

describe('buildJudgedRanking', () => {
  it('ranks the trec_eval way and looks up grades (null when not in the qrels)', () => {
    const query = buildJudgedRanking(
      'q1',
      [
        { docId: 'x', score: 1 },
        { docId: 'a', score: 5 },
        { docId: 'c', score: 1 },
      ],
      judgments,
    );
    // a (5) first; x and c tie at 1 -> 'x' > 'c' so x before c
    expect(query.ranked).toEqual([
      { docId: 'a', grade: 2 },
      { docId: 'x', grade: null },
      { docId: 'c', grade: -1 },
    ]);
    expect(query.judgments).toBe(judgments);
  });

  it('truncates at the depth after sorting', () => {
    const docs = [1, 2, 3, 4, 5].map((score) => ({ docId: `d${score}`, score }));
    const query = buildJudgedRanking('q1', docs, judgments, 3);
    expect(query.ranked.map((doc) => doc.docId)).toEqual(['d5', 'd4', 'd3']);
  });

  it('rejects a duplicate docid within the depth, naming query and doc', () => {
    const docs = [
      { docId: 'a', score: 2 },
      { docId: 'a', score: 1 },
    ];
    expect(() => buildJudgedRanking('q9', docs, judgments)).toThrow(/query 'q9': duplicate document 'a'/);
  });

  it('ignores a duplicate that falls below the depth, as trec_eval checks only kept docs', () => {
    const docs = [
      { docId: 'a', score: 3 },
      { docId: 'b', score: 2 },
      { docId: 'a', score: 1 },
    ];
    expect(buildJudgedRanking('q1', docs, judgments, 2).ranked.map((doc) => doc.docId)).toEqual(['a', 'b']);
  });

  it('rejects non-integer grades and bad depths', () => {
    expect(() => buildJudgedRanking('q1', [], new Map([['a', 0.5]]))).toThrow(/q1.*'a'.*integers/);
    expect(() => buildJudgedRanking('q1', [], judgments, 0)).toThrow(RangeError);
    expect(() => buildJudgedRanking('q1', [], judgments, 1.5)).toThrow(RangeError);
  });

  it('accepts Infinity as "no truncation"', () => {
    const docs = [{ docId: 'a', score: 1 }];
    expect(buildJudgedRanking('q1', docs, judgments, Number.POSITIVE_INFINITY).ranked).toHaveLength(1);
  });
});

describe('relevance', () => {
  it('is grade >= 1; zero, negative and unjudged are non-relevant', () => {
    expect([2, 1, 0, -1, null].map(isRelevant)).toEqual([true, true, false, false, false]);
    expect(countRelevant(judgments)).toBe(1);
  });
});
