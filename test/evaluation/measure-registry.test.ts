import { describe, expect, it } from 'vitest';

import { computeMeasure, cutoffMeasureNames, parseMeasure, summaryRule } from '../../lib/evaluation/measure-registry';
import { judged } from './judged';

describe('parseMeasure', () => {
  it('parses plain and cutoff names', () => {
    expect(parseMeasure('map')).toEqual({ name: 'map', kind: 'map' });
    expect(parseMeasure('recip_rank')).toEqual({ name: 'recip_rank', kind: 'recip_rank' });
    expect(parseMeasure('ndcg_cut_10')).toEqual({ name: 'ndcg_cut_10', kind: 'ndcg_cut', cutoff: 10 });
    expect(parseMeasure('P_10')).toEqual({ name: 'P_10', kind: 'P', cutoff: 10 });
    expect(parseMeasure('recall_1000')).toEqual({ name: 'recall_1000', kind: 'recall', cutoff: 1000 });
  });

  it.each(['foo', 'P', 'P_0', 'P_010', 'p_10', 'map_5', 'recall', 'ndcg_cut_', 'ndcg_10', 'P_-1', 'P_1.5'])(
    "rejects '%s' listing the valid forms",
    (name) => {
      expect(() => parseMeasure(name)).toThrow(`unknown measure '${name}'; valid forms: map, recip_rank, num_ret, num_rel, num_rel_ret, ndcg_cut_<k>, P_<k>, recall_<k>`);
    },
  );
});

describe('registry', () => {
  it('dispatches to the measure implementation with its cutoff', () => {
    // relevant r1 at rank 1 of ranking [r1, n]; r2 unretrieved
    const query = judged(['r1', 'n'], { r1: 1, r2: 1, n: 0 });
    expect(computeMeasure(parseMeasure('P_4'), query)).toBeCloseTo(1 / 4, 12);
    expect(computeMeasure(parseMeasure('recall_1'), query)).toBeCloseTo(1 / 2, 12);
    expect(computeMeasure(parseMeasure('map'), query)).toBeCloseTo(1 / 2, 12);
    expect(computeMeasure(parseMeasure('num_rel'), query)).toBe(2);
  });

  it('sums count measures and averages the rest, like trec_eval', () => {
    expect(summaryRule(parseMeasure('num_ret'))).toBe('sum');
    expect(summaryRule(parseMeasure('num_rel_ret'))).toBe('sum');
    expect(summaryRule(parseMeasure('ndcg_cut_5'))).toBe('mean');
  });

  it("expands trec_eval's default cutoffs", () => {
    expect(cutoffMeasureNames('P')).toEqual(['P_5', 'P_10', 'P_15', 'P_20', 'P_30', 'P_100', 'P_200', 'P_500', 'P_1000']);
    expect(cutoffMeasureNames('ndcg_cut', [3])).toEqual(['ndcg_cut_3']);
  });
});
