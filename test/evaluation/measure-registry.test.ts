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

  it('parses the set measures with the names trec_eval prints', () => {
    expect(parseMeasure('set_P')).toEqual({ name: 'set_P', kind: 'set_P' });
    expect(parseMeasure('set_recall')).toEqual({ name: 'set_recall', kind: 'set_recall' });
    expect(parseMeasure('num_ret')).toEqual({ name: 'num_ret', kind: 'num_ret' });
    // -m set_F prints set_F (default x = 1.0); -m set_F.<s> prints set_F_<s> with <s> verbatim
    expect(parseMeasure('set_F')).toEqual({ name: 'set_F', kind: 'set_F', parameter: 1 });
    expect(parseMeasure('set_F_9')).toEqual({ name: 'set_F_9', kind: 'set_F', parameter: 9 });
    expect(parseMeasure('set_F_3')).toEqual({ name: 'set_F_3', kind: 'set_F', parameter: 3 });
    expect(parseMeasure('set_F_3.0')).toEqual({ name: 'set_F_3.0', kind: 'set_F', parameter: 3 });
    expect(parseMeasure('set_F_0.5')).toEqual({ name: 'set_F_0.5', kind: 'set_F', parameter: 0.5 });
    expect(parseMeasure('set_F_0')).toEqual({ name: 'set_F_0', kind: 'set_F', parameter: 0 });
  });

  it.each([
    'foo', 'P', 'P_0', 'P_010', 'p_10', 'map_5', 'recall', 'ndcg_cut_', 'ndcg_10', 'P_-1', 'P_1.5',
    'set_F_', 'set_F_-1', 'set_F_03', 'set_F_3.', 'set_F_.5', 'set_F_1e3', 'set_F.3', 'set_f', 'set_P_5',
    'set_recall_10', 'F_3',
  ])(
    "rejects '%s' listing the valid forms",
    (name) => {
      expect(() => parseMeasure(name)).toThrow(
        `unknown measure '${name}'; valid forms: map, recip_rank, num_ret, num_rel, num_rel_ret, set_P, set_recall, set_F, set_F_<x>, ndcg_cut_<k>, P_<k>, recall_<k>`,
      );
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

  it('dispatches the set measures, set_F with its parameter', () => {
    // P = 1/2, R = 1/2
    const query = judged(['r1', 'n'], { r1: 1, r2: 1, n: 0 });
    expect(computeMeasure(parseMeasure('set_P'), query)).toBe(1 / 2);
    expect(computeMeasure(parseMeasure('set_recall'), query)).toBe(1 / 2);
    expect(computeMeasure(parseMeasure('set_F'), query)).toBe(1 / 2);
    // P = 1/3, R = 1/2: F1 = 2/5, x = 9 (beta 3) = 10/21, x = 3 = 4/9
    const skewed = judged(['r1', 'n', 'm'], { r1: 1, r2: 1, n: 0 });
    expect(computeMeasure(parseMeasure('set_F'), skewed)).toBeCloseTo(2 / 5, 15);
    expect(computeMeasure(parseMeasure('set_F_9'), skewed)).toBeCloseTo(10 / 21, 15);
    expect(computeMeasure(parseMeasure('set_F_3'), skewed)).toBeCloseTo(4 / 9, 15);
    expect(computeMeasure(parseMeasure('set_F_3.0'), skewed)).toBe(computeMeasure(parseMeasure('set_F_3'), skewed));
  });

  it('sums count measures and averages the rest, like trec_eval', () => {
    expect(summaryRule(parseMeasure('num_ret'))).toBe('sum');
    expect(summaryRule(parseMeasure('num_rel_ret'))).toBe('sum');
    expect(summaryRule(parseMeasure('ndcg_cut_5'))).toBe('mean');
    expect(summaryRule(parseMeasure('set_P'))).toBe('mean');
    expect(summaryRule(parseMeasure('set_recall'))).toBe('mean');
    expect(summaryRule(parseMeasure('set_F_9'))).toBe('mean');
  });

  it("expands trec_eval's default cutoffs", () => {
    expect(cutoffMeasureNames('P')).toEqual(['P_5', 'P_10', 'P_15', 'P_20', 'P_30', 'P_100', 'P_200', 'P_500', 'P_1000']);
    expect(cutoffMeasureNames('ndcg_cut', [3])).toEqual(['ndcg_cut_3']);
  });
});
