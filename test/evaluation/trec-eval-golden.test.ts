/**
 * Golden comparison against the real trec_eval binary.
 *
 * Each directory under test/fixtures/trec-eval/ holds synthetic qrels.txt / run.txt and the
 * verbatim outputs of several trec_eval commands (GOLDEN_OUTPUTS below; the same table drives
 * test/fixtures/trec-eval/generate.py), e.g. trec-eval-output.txt from
 *   trec_eval -c -M 1000 -q -m map -m ndcg_cut.5,10,20 -m P.5,10 -m recall.10,100,1000
 *             -m recip_rank -m num_ret -m num_rel -m num_rel_ret qrels.txt run.txt
 * (see test/fixtures/trec-eval/README.md). Inputs are read with the library readers and scored
 * with evaluateRun at the command's -M depth; every per-query value and every `all` value must
 * match trec_eval to within half of its printed precision (%6.4f -> 0.00005). num_* counts are
 * printed as integers and must match exactly.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { evaluateRun } from '../../lib/evaluation/evaluate';
import { readQrelsFile } from '../../lib/evaluation/qrels-file';
import { readRunFile } from '../../lib/evaluation/run-file';

const FIXTURE_ROOT = join(__dirname, '..', 'fixtures', 'trec-eval');

interface GoldenOutput {
  /** Output file in each case directory. */
  readonly file: string;
  /** The trec_eval arguments it was produced with (before qrels.txt run.txt); documentation. */
  readonly command: string;
  /** trec_eval -M. */
  readonly depth: number;
  /** Benchlab names of the measures: exactly the names trec_eval printed. */
  readonly measures: readonly string[];
}

/**
 * The trec_eval commands behind the fixture files (same table as TREC_EVAL_OUTPUTS in
 * generate.py). set_F takes one parameter per trec_eval run, hence one file per parameter:
 * `-m set_F` prints `set_F` (x = 1), `-m set_F.3` prints `set_F_3`, `-m set_F.9` prints `set_F_9`
 * (F with beta = 3, since trec_eval's x is beta^2).
 */
const GOLDEN_OUTPUTS: readonly GoldenOutput[] = [
  {
    file: 'trec-eval-output.txt',
    command: '-c -M 1000 -q -m map -m ndcg_cut.5,10,20 -m P.5,10 -m recall.10,100,1000 -m recip_rank -m num_ret -m num_rel -m num_rel_ret',
    depth: 1000,
    measures: [
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
    ],
  },
  {
    file: 'trec-eval-set-output.txt',
    command: '-c -M 1000 -q -m set_P -m set_recall -m set_F -m num_ret',
    depth: 1000,
    measures: ['set_P', 'set_recall', 'set_F', 'num_ret'],
  },
  { file: 'trec-eval-set-f3-output.txt', command: '-c -M 1000 -q -m set_F.3', depth: 1000, measures: ['set_F_3'] },
  { file: 'trec-eval-set-f9-output.txt', command: '-c -M 1000 -q -m set_F.9', depth: 1000, measures: ['set_F_9'] },
  {
    file: 'trec-eval-set-m20-output.txt',
    command: '-c -M 20 -q -m set_P -m set_recall -m set_F.9 -m num_ret -m num_rel_ret',
    depth: 20,
    measures: ['set_P', 'set_recall', 'set_F_9', 'num_ret', 'num_rel_ret'],
  },
];
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

/** Values compared per case and output file, summed up in the last test. */
const comparedCounts = new Map<string, number>();

describe('evaluateRun agrees with real trec_eval output (golden fixtures)', () => {
  it('has fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(cases)('%s', (caseName) => {
    const dir = join(FIXTURE_ROOT, caseName);

    it.each(GOLDEN_OUTPUTS)('matches every per-query and summary value of $file', async ({ file, depth, measures }) => {
      const qrels = await readQrelsFile(join(dir, 'qrels.txt'));
      const run = await readRunFile(join(dir, 'run.txt'));
      const expected = parseTrecEvalOutput(readFileSync(join(dir, file), 'utf8'));
      const result = evaluateRun(run, qrels, measures, { depth });

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

      // trec_eval printed exactly the names Benchlab uses, for every query and the summary.
      for (const qid of [...expectedQids, SUMMARY_QID]) {
        expect([...(expected.get(qid)?.keys() ?? [])].sort()).toEqual([...measures].sort());
      }
      for (const qid of expectedQids) {
        const row = expected.get(qid);
        const ours = result.perQuery.get(qid);
        for (const measure of measures) check(qid, measure, ours?.[measure], row?.get(measure));
      }
      const summary = expected.get(SUMMARY_QID);
      for (const measure of measures) check(SUMMARY_QID, measure, result.mean[measure], summary?.get(measure));

      expect(mismatches).toEqual([]);
      expect(compared).toBe((expectedQids.length + 1) * measures.length);
      comparedCounts.set(`${caseName}/${file}`, compared);
    });
  });

  it('compared every value of every fixture file', () => {
    expect(comparedCounts.size).toBe(cases.length * GOLDEN_OUTPUTS.length);
    const total = [...comparedCounts.values()].reduce((a, b) => a + b, 0);
    // Printed so the number of golden values checked is visible in the test log.
    console.info(`trec_eval golden values compared: ${total} (${comparedCounts.size} files)`);
    expect(total).toBeGreaterThan(0);
  });
});
