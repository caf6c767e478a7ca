import { describe, expect, it } from 'vitest';

import { DEFAULT_MEASURES, evaluateRun } from '../../lib/evaluation/evaluate';
import type { Qrels, Run } from '../../lib/evaluation/types';

const LOG2_3 = Math.log2(3);

// q1: a (1) and b (2) relevant, c judged 0. Run order after sorting: a, c, b, z.
// q2: d10 relevant; d10 and d9 tie on score -> 'd9' > 'd10' so d9 ranks first, d10 second.
// q3: judged (y relevant) but absent from the run -> scores 0 (trec_eval -c).
// q4: in the run only -> ignored.
const qrels: Qrels = new Map([
  ['q1', new Map([['a', 1], ['b', 2], ['c', 0]])],
  ['q2', new Map([['d10', 1]])],
  ['q3', new Map([['y', 1]])],
]);
const run: Run = new Map([
  ['q1', [
    { docId: 'b', score: 1 },
    { docId: 'z', score: 0.5 },
    { docId: 'a', score: 3 },
    { docId: 'c', score: 2 },
  ]],
  ['q2', [
    { docId: 'd10', score: 1 },
    { docId: 'd9', score: 1 },
  ]],
  ['q4', [{ docId: 'y', score: 1 }]],
]);

const MEASURES = ['map', 'ndcg_cut_10', 'P_10', 'recall_100', 'recip_rank', 'num_ret', 'num_rel', 'num_rel_ret'];

describe('evaluateRun', () => {
  const result = evaluateRun(run, qrels, MEASURES);

  it('scores each judged query by hand-computed values', () => {
    const q1 = result.perQuery.get('q1');
    // ranks: a=1 (rel 1), c=2 (0), b=3 (rel 2), z=4 (unjudged)
    expect(q1?.map).toBeCloseTo((1 / 1 + 2 / 3) / 2, 12); // 5/6
    // DCG = 1/log2(2) + 2/log2(4) = 2; IDCG = 2/log2(2) + 1/log2(3)
    expect(q1?.ndcg_cut_10).toBeCloseTo(2 / (2 + 1 / LOG2_3), 12);
    expect(q1?.P_10).toBeCloseTo(2 / 10, 12);
    expect(q1?.recall_100).toBeCloseTo(1, 12);
    expect(q1?.recip_rank).toBeCloseTo(1, 12);
    expect([q1?.num_ret, q1?.num_rel, q1?.num_rel_ret]).toEqual([4, 2, 2]);

    const q2 = result.perQuery.get('q2');
    // tie -> d9 rank 1, d10 rank 2: AP = (1/2)/1, RR = 1/2, nDCG = (1/log2(3)) / 1
    expect(q2?.map).toBeCloseTo(0.5, 12);
    expect(q2?.recip_rank).toBeCloseTo(0.5, 12);
    expect(q2?.ndcg_cut_10).toBeCloseTo(1 / LOG2_3, 12);
    expect(q2?.P_10).toBeCloseTo(0.1, 12);
  });

  it('scores a judged query missing from the run as 0, keeping its num_rel like trec_eval -c', () => {
    expect(result.perQuery.get('q3')).toEqual({
      map: 0, ndcg_cut_10: 0, P_10: 0, recall_100: 0, recip_rank: 0, num_ret: 0, num_rel: 1, num_rel_ret: 0,
    });
  });

  it('ignores run queries without qrels and lists queries in strcmp order', () => {
    expect([...result.perQuery.keys()]).toEqual(['q1', 'q2', 'q3']);
    expect(result.judgedQueries).toBe(3);
  });

  it('averages over every judged query and sums the counts', () => {
    expect(result.mean.map).toBeCloseTo((5 / 6 + 1 / 2 + 0) / 3, 12);
    expect(result.mean.ndcg_cut_10).toBeCloseTo((2 / (2 + 1 / LOG2_3) + 1 / LOG2_3 + 0) / 3, 12);
    expect(result.mean.ndcg_cut_10).toBeCloseTo(0.463705762334442, 12);
    expect(result.mean.P_10).toBeCloseTo((0.2 + 0.1 + 0) / 3, 12);
    expect(result.mean.recall_100).toBeCloseTo((1 + 1 + 0) / 3, 12);
    expect(result.mean.recip_rank).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(result.mean.num_ret).toBe(4 + 2 + 0);
    expect(result.mean.num_rel).toBe(2 + 1 + 1);
    expect(result.mean.num_rel_ret).toBe(2 + 1 + 0);
  });

  it('counts an empty ranking for a judged query as 0 in the mean', () => {
    const withEmpty: Run = new Map([...run, ['q3', []]]);
    const again = evaluateRun(withEmpty, qrels, ['map']);
    expect(again.perQuery.get('q3')?.map).toBe(0);
    expect(again.mean.map).toBeCloseTo((5 / 6 + 1 / 2 + 0) / 3, 12);
  });

  it('truncates each ranking at the depth', () => {
    // depth 2 keeps a, c for q1: AP = (1/1)/2, P_10 = 1/10, recall = 1/2, num_ret = 2
    const cut = evaluateRun(run, qrels, ['map', 'P_10', 'recall_100', 'num_ret'], { depth: 2 }).perQuery.get('q1');
    expect(cut?.map).toBeCloseTo(0.5, 12);
    expect(cut?.P_10).toBeCloseTo(0.1, 12);
    expect(cut?.recall_100).toBeCloseTo(0.5, 12);
    expect(cut?.num_ret).toBe(2);
  });

  it('reports the default measures when none are given', () => {
    expect(DEFAULT_MEASURES).toEqual(['map', 'ndcg_cut_10', 'P_10', 'recall_100', 'recall_1000', 'recip_rank']);
    expect(Object.keys(evaluateRun(run, qrels).mean)).toEqual([...DEFAULT_MEASURES]);
  });

  it('does not double-count a measure listed twice', () => {
    expect(evaluateRun(run, qrels, ['map', 'map']).mean.map).toBeCloseTo((5 / 6 + 1 / 2) / 3, 12);
  });

  it('rejects unknown measures before evaluating', () => {
    expect(() => evaluateRun(run, qrels, ['map', 'ndcg@10'])).toThrow(/unknown measure 'ndcg@10'; valid forms: .*ndcg_cut_<k>/);
  });

  it('rejects duplicate docs naming the query and doc', () => {
    const dup: Run = new Map([['q2', [{ docId: 'd10', score: 1 }, { docId: 'd10', score: 2 }]]]);
    expect(() => evaluateRun(dup, qrels, ['map'])).toThrow(/query 'q2': duplicate document 'd10'/);
  });

  it('returns zeros for empty qrels', () => {
    const empty = evaluateRun(run, new Map(), ['map', 'num_ret']);
    expect(empty).toEqual({ perQuery: new Map(), mean: { map: 0, num_ret: 0 }, judgedQueries: 0 });
  });
});
