/**
 * Golden comparison against the real trec_eval binary.
 *
 * Each directory under test/fixtures/trec-eval/ holds synthetic qrels.txt / run.txt and the
 * verbatim output of
 *   trec_eval -c -M 1000 -q -m map -m ndcg_cut.5,10,20 -m P.5,10 -m recall.10,100,1000
 *             -m recip_rank -m num_ret -m num_rel -m num_rel_ret qrels.txt run.txt
 * (see test/fixtures/trec-eval/README.md). Inputs are read with the library readers and scored
 * with evaluateRun; every per-query value and every `all` value must match trec_eval to within
 * half of its printed precision (%6.4f -> 0.00005). num_* counts are printed as integers and
 * must match exactly.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { evaluateRun } from '../../lib/evaluation/evaluate';
import { readQrelsFile } from '../../lib/evaluation/qrels-file';
import { readRunFile } from '../../lib/evaluation/run-file';

const FIXTURE_ROOT = join(__dirname, '..', 'fixtures', 'trec-eval');

/** Same measures and depth as the trec_eval command line the fixtures were produced with. */
const DEPTH = 1000;
const MEASURES = [
  'map',
  'ndcg_cut_5',
  'ndcg_cut_10',
  'ndcg_cut_20',
  'P_5',
  'P_10',
  'recall_10',
  'recall_100',
  'recall_1000',
  'recip_rank',
  'num_ret',
  'num_rel',
  'num_rel_ret',
] as const;
const COUNT_MEASURES: ReadonlySet<string> = new Set(['num_ret', 'num_rel', 'num_rel_ret']);

/** trec_eval prints %6.4f; a correct value can differ from the printed one by at most half a unit. */
const TOLERANCE = 0.00005;
/** Slack for the rounding of the printed decimal itself. */
const PRINT_SLACK = 1e-12;
const SUMMARY_QID = 'all';

/** qid (or 'all') -> measure -> printed value. */
type TrecEvalTable = Map<string, Map<string, number>>;

/** Parses trec_eval's `measure<spaces>\tqid\tvalue` lines. */
function parseTrecEvalOutput(text: string): TrecEvalTable {
  const table: TrecEvalTable = new Map();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (fields.length !== 3) throw new Error(`unexpected trec_eval line: ${JSON.stringify(line)}`);
    const [rawMeasure, qid, rawValue] = fields as [string, string, string];
    const measure = rawMeasure.trim();
    const value = Number(rawValue.trim());
    if (Number.isNaN(value)) throw new Error(`unparsable value in trec_eval line: ${JSON.stringify(line)}`);
    let row = table.get(qid);
    if (row === undefined) {
      row = new Map();
      table.set(qid, row);
    }
    if (row.has(measure)) throw new Error(`duplicate trec_eval value for ${measure} ${qid}`);
    row.set(measure, value);
  }
  return table;
}

const cases = readdirSync(FIXTURE_ROOT)
  .filter((name) => statSync(join(FIXTURE_ROOT, name)).isDirectory())
  .sort();

describe('evaluateRun agrees with real trec_eval output (golden fixtures)', () => {
  it('has fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(cases)('%s', (caseName) => {
    const dir = join(FIXTURE_ROOT, caseName);

    it('matches every per-query and summary value', async () => {
      const qrels = await readQrelsFile(join(dir, 'qrels.txt'));
      const run = await readRunFile(join(dir, 'run.txt'));
      const expected = parseTrecEvalOutput(readFileSync(join(dir, 'trec-eval-output.txt'), 'utf8'));
      const result = evaluateRun(run, qrels, MEASURES, { depth: DEPTH });

      // Same set of evaluated queries (trec_eval -c: every qrels query, no run-only query).
      const expectedQids = [...expected.keys()].filter((qid) => qid !== SUMMARY_QID).sort();
      expect([...result.perQuery.keys()].sort()).toEqual(expectedQids);
      expect(result.judgedQueries).toBe(expectedQids.length);

      const mismatches: string[] = [];
      let compared = 0;
      const check = (qid: string, measure: string, actual: number | undefined, wanted: number | undefined): void => {
        compared++;
        if (actual === undefined || wanted === undefined) {
          mismatches.push(`${measure} ${qid}: ours=${actual} trec_eval=${wanted}`);
          return;
        }
        const ok = COUNT_MEASURES.has(measure)
          ? actual === wanted
          : Math.abs(actual - wanted) <= TOLERANCE + PRINT_SLACK;
        if (!ok) mismatches.push(`${measure} ${qid}: ours=${actual} trec_eval=${wanted}`);
      };

      for (const qid of expectedQids) {
        const row = expected.get(qid);
        const ours = result.perQuery.get(qid);
        expect([...(row?.keys() ?? [])].sort()).toEqual([...MEASURES].sort());
        for (const measure of MEASURES) check(qid, measure, ours?.[measure], row?.get(measure));
      }
      const summary = expected.get(SUMMARY_QID);
      expect(summary).toBeDefined();
      for (const measure of MEASURES) check(SUMMARY_QID, measure, result.mean[measure], summary?.get(measure));

      expect(mismatches).toEqual([]);
      expect(compared).toBe((expectedQids.length + 1) * MEASURES.length);
    });
  });
});
