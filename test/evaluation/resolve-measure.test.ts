/**
 * resolveMeasure: one reading of user-typed measure names for every command, trec_eval's form
 * and the display form in any case, to the canonical (trec_eval) measure.
 */
import { describe, expect, it } from 'vitest';
import {
  CUTOFF_MEASURE_KINDS,
  PARAMETER_MEASURE_KINDS,
  PLAIN_MEASURE_KINDS,
  measureLabel,
  parseMeasure,
  resolveMeasure,
} from '../../lib/evaluation/measure-registry';
import { InputError } from '../../lib/input-error';

describe('resolveMeasure', () => {
  it.each([
    ['ndcg_cut_10', 'ndcg_cut_10'],
    ['nDCG@10', 'ndcg_cut_10'],
    ['ndcg@10', 'ndcg_cut_10'],
    ['NDCG_CUT_10', 'ndcg_cut_10'],
    ['P_10', 'P_10'],
    ['P@10', 'P_10'],
    ['p@10', 'P_10'],
    ['p_10', 'P_10'],
    ['recall_100', 'recall_100'],
    ['recall@100', 'recall_100'],
    ['Recall@1000', 'recall_1000'],
    ['map', 'map'],
    ['MAP', 'map'],
    ['recip_rank', 'recip_rank'],
    ['MRR', 'recip_rank'],
    ['set_P', 'set_P'],
    ['set_p', 'set_P'],
    ['set_recall', 'set_recall'],
    ['set_f', 'set_F'],
    ['set_f_9', 'set_F_9'],
    ['F3', 'set_F_9'],
    ['SET_F_3.0', 'set_F_3.0'],
    ['num_rel_ret', 'num_rel_ret'],
    ['NUM_REL', 'num_rel'],
    [' ndcg@5 ', 'ndcg_cut_5'],
  ])('%s is %s', (raw, canonical) => {
    expect(resolveMeasure(raw)).toEqual(parseMeasure(canonical));
  });

  it.each(['foo', 'ndcg', 'ndcg_10', 'ndcg@', 'ndcg@0', 'ndcg@010', 'ndcg@1.5', 'map@10', 'set_P@5', 'bleu@4', '', 'P_0'])(
    "rejects '%s' with an input error listing the accepted forms",
    (raw) => {
      const error = (() => {
        try {
          resolveMeasure(raw);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(`unknown measure '${raw}'; accepted: trec_eval names (map, recip_rank,`);
      expect((error as Error).message).toContain('nDCG@<k>, P@<k>, recall@<k>, MAP, MRR, F3 = set_F_9');
    },
  );

  it('never meets two kinds that differ only in case', () => {
    const kinds = [...PLAIN_MEASURE_KINDS, ...PARAMETER_MEASURE_KINDS, ...CUTOFF_MEASURE_KINDS].map((k) => k.toLowerCase());
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('labels measures in the display form', () => {
    expect(['ndcg_cut_10', 'P_5', 'recall_100', 'map', 'recip_rank', 'set_F_9', 'set_P', 'num_ret'].map((m) => measureLabel(parseMeasure(m)))).toEqual([
      'nDCG@10', 'P@5', 'recall@100', 'MAP', 'MRR', 'F3 (set_F_9)', 'set_P', 'num_ret',
    ]);
  });
});
