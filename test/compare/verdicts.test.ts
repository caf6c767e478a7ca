/**
 * Verdicts that follow their tests (issue 12): the direction of each verdict is the sign of the
 * test's location estimate (mean difference for t-tests, Hodges-Lehmann for rank tests), latency
 * leaves a cold start's model load out, bounded measures keep their intervals inside what the
 * measure allows, a lift never goes below -100%, identical runs compare as "no difference", and
 * the set measures can be compared.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore, type Store } from '../../lib/store/store';
import { compareRuns, type RunComparison } from '../../lib/compare/compare-runs';
import { parseCompareMetric } from '../../lib/compare/compare-metrics';
import { decideVerdict, favouredSide } from '../../lib/compare/orientation';
import { COLD_START_MS } from '../../lib/llm/types';
import { pairedTTest, relativeLift, wilcoxonSignedRank } from '../../lib/stats/index';
import { appendRows } from '../scoring/helpers';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let dbPath: string;

const GENERATOR = 'llm:model';
const QUESTIONS = Array.from({ length: 12 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`);

interface ItemSpec {
  latency?: number;
  load?: number | null;
  cacheHit?: boolean;
  status?: string;
  metrics?: Record<string, number>;
}

async function addRun(store: Store, runId: string, items: ItemSpec[], dataset = 'sample', questions = QUESTIONS): Promise<void> {
  const now = new Date();
  await appendRows(store, 'runs', [{ run_id: runId, kind: 'bench', dataset, suite: 'verdicts', config: '{}', versions: '{}', host: 'host', status: 'completed', started_at: now, ended_at: now }]);
  const key = (q: string) => `r0|${GENERATOR}|${q}`;
  await appendRows(store, 'run_items', items.map((item, i) => ({
    run_id: runId, item_key: key(questions[i] as string), generator: GENERATOR, query_id: questions[i] as string, repeat_index: 0, generated_queries: '["x"]',
    parsed_count: 1, query_count: 1, docs_found: 10, latency_ms: item.latency ?? 100, load_ms: item.load ?? null, cache_hit: item.cacheHit ?? false,
    status: item.status ?? 'ok', created_at: now,
  })));
  const metrics = items.flatMap((item, i) => Object.entries(item.metrics ?? {}).map(([measure, value]) => ({ run_id: runId, item_key: key(questions[i] as string), measure, value })));
  if (metrics.length > 0) await appendRows(store, 'item_metrics', metrics);
}

// The motivating case: B is faster than A on 11 of 12 paired questions; B's first item waited
// for an Ollama model load (a cold start) and took 9 s.
const A_LATENCY = [820, 910, 760, 1005, 880, 930, 790, 860, 950, 840, 900, 870];
const B_SAVING = [0, 60, 45, 90, 70, 30, 55, 80, 40, 65, 75, 50];
const COLD_LOAD = 8400;
const COLD_TOTAL = 9000;
const B_LATENCY = A_LATENCY.map((a, i) => (i === 0 ? COLD_TOTAL : a - (B_SAVING[i] as number)));

// Recall with three questions where B is far ahead: a t interval would pass 1.
const BOUNDED_A = [0, 0, 0.1];
const BOUNDED_B = [1, 1, 0.9];
// nDCG where B collapses with a wide spread: GrowthBook's linear lift interval falls below -100%.
const LIFT_A = [0.5, 0.52, 0.48, 0.5];
const LIFT_B = [0, 0.6, 0, 0.02];

const SETS = { set_P: [0.2, 0.3, 0.25, 0.4, 0.35, 0.3], set_recall: [0.6, 0.7, 0.5, 0.8, 0.65, 0.7], set_F: [0.3, 0.42, 0.33, 0.53, 0.45, 0.42], set_F_9: [0.5, 0.6, 0.45, 0.72, 0.6, 0.63], num_ret: [50, 40, 60, 45, 55, 48] };
// B's gain per question: about 0.1 on the set measures, 8 to 15 on num_ret.
const SET_NOISE = [0.01, -0.02, 0.015, 0, 0.02, -0.01];
const NUM_RET_GAIN = [10, 12, 8, 15, 9, 11];

beforeAll(async () => {
  dir = tempDir('benchlab-verdicts-');
  dbPath = path.join(dir, 'verdicts.duckdb');
  await withStore({ dbPath }, async (store) => {
    const quality = (i: number) => ({ ndcg_cut_10: 0.3 + i / 40, recall_100: 0.6 + i / 50 });
    await addRun(store, 'runA', A_LATENCY.map((latency, i) => ({ latency, metrics: quality(i) })));
    // The load was not recorded (or the cold start not detected): only the test's estimate keeps the verdict right.
    await addRun(store, 'runB-unrecorded', B_LATENCY.map((latency, i) => ({ latency, metrics: quality(i) })));
    // The load was recorded: latency leaves it out. Small loads (a warm model) are not cold starts.
    await addRun(store, 'runB-recorded', B_LATENCY.map((latency, i) => ({ latency, load: i === 0 ? COLD_LOAD : 12, metrics: quality(i) })));
    // Same values as runA under another id: zero differences everywhere.
    await addRun(store, 'runA-again', A_LATENCY.map((latency, i) => ({ latency, metrics: quality(i) })));
    // Cache hits and items never attempted leave latency.
    await addRun(store, 'runB-cached', B_LATENCY.map((latency, i) => ({
      latency: i === 1 ? 1 : i === 2 ? 0 : latency, cacheHit: i === 1, status: i === 2 ? 'not-attempted' : 'ok', load: i === 0 ? COLD_LOAD : null,
    })));
    // The same latencies on another dataset: unpaired, so Mann-Whitney and the Hodges-Lehmann shift.
    await addRun(store, 'runB-other-dataset', B_LATENCY.map((latency, i) => ({ latency, load: i === 0 ? COLD_LOAD : null })), 'other');
    const three = QUESTIONS.slice(0, 3);
    await addRun(store, 'bounded-A', BOUNDED_A.map((v) => ({ metrics: { recall_100: v } })), 'sample', three);
    await addRun(store, 'bounded-B', BOUNDED_B.map((v) => ({ metrics: { recall_100: v } })), 'sample', three);
    const four = QUESTIONS.slice(0, 4);
    await addRun(store, 'lift-A', LIFT_A.map((v) => ({ metrics: { ndcg_cut_10: v } })), 'sample', four);
    await addRun(store, 'lift-B', LIFT_B.map((v) => ({ metrics: { ndcg_cut_10: v } })), 'sample', four);
    const six = QUESTIONS.slice(0, 6);
    const setItems = (b: boolean) => six.map((_, i) => ({
      metrics: Object.fromEntries(Object.entries(SETS).map(([m, v]) => {
        const gain = m === 'num_ret' ? (NUM_RET_GAIN[i] as number) : 0.1 + (SET_NOISE[i] as number);
        return [m, (v[i] as number) + (b ? gain : 0)];
      })),
    }));
    await addRun(store, 'sets-A', setItems(false), 'sample', six);
    await addRun(store, 'sets-B', setItems(true), 'sample', six);
  });
});
afterAll(() => removeDir(dir));

const compare = (a: string, b: string, metrics: string[]): Promise<RunComparison> =>
  withStore({ dbPath, readOnly: true }, (store) => compareRuns(store, a, b, { metrics }));

/** Median of all Walsh averages, listed by brute force. */
function walshMedian(d: readonly number[]): number {
  const w: number[] = [];
  d.forEach((x, i) => d.slice(i).forEach((y) => w.push((x + y) / 2)));
  w.sort((p, q) => p - q);
  return w.length % 2 === 1 ? (w[(w.length - 1) / 2] as number) : ((w[w.length / 2 - 1] as number) + (w[w.length / 2] as number)) / 2;
}

describe('the motivating case: B faster on 11 of 12 questions, one cold-start outlier', () => {
  it('says B better on latency from the Wilcoxon test and its negative Hodges-Lehmann estimate, though the mean says slower', async () => {
    const { comparisons: [latency] } = await compare('runA', 'runB-unrecorded', ['latency']);
    if (!latency) throw new Error('no latency comparison');
    expect(latency.test).toBe('Wilcoxon signed-rank test');
    // T = 12 (the outlier has the largest rank), n = 12, exact: 2 · 28/4096 = 0.0342, the p of the issue.
    expect(latency.statistic).toBe(12);
    expect(latency.pValue).toBeCloseTo(0.0341796875, 12);
    expect(latency.difference).toBeGreaterThan(0); // the mean, pulled up by the outlier: the old "B worse"
    const differences = B_LATENCY.map((b, i) => b - (A_LATENCY[i] as number));
    expect(latency.location.name).toBe('Hodges-Lehmann');
    expect(latency.location.estimate).toBe(walshMedian(differences));
    expect(latency.location.estimate).toBeLessThan(0);
    expect(latency.location.interval?.[1]).toBeLessThan(0);
    expect(latency.record).toEqual({ wins: 11, ties: 0, losses: 1 });
    expect(latency.verdict).toBe('B better');
    expect(latency.sentence).toMatch(/^The Hodges-Lehmann estimate of B − A on latency \(ms\) \(median of the Walsh averages of the paired differences\) is -[\d.]+ \(95% CI .*exact signed-rank distribution, achieved 9\d\.\d+%\): B is lower, in B's favour \(lower is better\)\. B is better on 11, tied on 0 and worse on 1 of 12 questions\. Wilcoxon signed-rank test: statistic 12, p = 0\.034 \(exact\)\.$/);
  });

  it('leaves the recorded model load out of the cold-start item and reports the cold starts apart', async () => {
    const result = await compare('runA', 'runB-recorded', ['latency']);
    const latency = result.comparisons[0];
    if (!latency) throw new Error('no latency comparison');
    expect(latency.perItem[0]).toEqual({ questionId: 'q01', a: 820, b: COLD_TOTAL - COLD_LOAD, difference: COLD_TOTAL - COLD_LOAD - 820 });
    // Loads below COLD_START_MS are a warm model: not subtracted.
    expect(COLD_START_MS).toBeGreaterThan(12);
    expect(latency.perItem[1]?.b).toBe(B_LATENCY[1]);
    expect(latency.record).toEqual({ wins: 12, ties: 0, losses: 0 });
    expect(latency.pValue).toBeCloseTo(2 / 4096, 15);
    expect(latency.difference).toBeLessThan(0);
    expect(latency.verdict).toBe('B better');
    expect(result.coldStarts).toEqual({
      thresholdMs: COLD_START_MS,
      a: { generator: GENERATOR, coldStarts: 0, loadMs: 0 },
      b: { generator: GENERATOR, coldStarts: 1, loadMs: COLD_LOAD },
    });
  });

  it('leaves cache hits and items never attempted out of latency', async () => {
    const { comparisons: [latency] } = await compare('runA', 'runB-cached', ['latency']);
    expect(latency?.perItem.map((p) => p.questionId)).toEqual(QUESTIONS.filter((q) => q !== 'q02' && q !== 'q03'));
    expect(latency?.perItem[0]?.b).toBe(COLD_TOTAL - COLD_LOAD);
  });

  it('prints the estimate, the record and the cold starts in the text output', async () => {
    const text = await runCli(['--db', dbPath, 'compare', 'runA', 'runB-recorded', '--metric', 'latency']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/B better/);
    expect(text.stdout).toMatch(/ HL/);
    expect(text.stdout).toMatch(/12\/0\/0/);
    expect(text.stdout).toContain(`cold starts (model load >= ${COLD_START_MS} ms, left out of latency): A none; B 1 (${COLD_LOAD} ms of model load)`);
    const json = JSON.parse((await runCli(['--db', dbPath, 'compare', 'runA', 'runB-recorded', '--metric', 'latency', '--json'])).stdout) as RunComparison;
    expect(json.coldStarts.b.coldStarts).toBe(1);
    expect(json.comparisons[0]?.location.name).toBe('Hodges-Lehmann');
  });
});

describe('unpaired latency', () => {
  it('follows the Mann-Whitney test with the Hodges-Lehmann shift, the median of all differences', async () => {
    const { comparisons: [latency], paired } = await compare('runA', 'runB-other-dataset', ['latency']);
    if (!latency) throw new Error('no latency comparison');
    expect(paired).toBe(false);
    expect(latency.test).toBe('Mann-Whitney U test');
    const b = B_LATENCY.map((v, i) => (i === 0 ? v - COLD_LOAD : v));
    const all = b.flatMap((x) => A_LATENCY.map((y) => x - y)).sort((p, q) => p - q);
    expect(latency.location.name).toBe('Hodges-Lehmann');
    expect(latency.location.estimate).toBe(((all[71] as number) + (all[72] as number)) / 2);
    expect(latency.location.interval?.[0]).toBeLessThan(latency.location.estimate ?? 0);
    expect(latency.record).toBeNull();
    expect(latency.sentence).toMatch(/^The Hodges-Lehmann shift B − A on latency \(ms\) \(median of all differences B − A\) is -/);
  });
});

describe('identical sides', () => {
  it('a run compared with itself: no difference on every metric, never worse', async () => {
    const result = await compare('runA', 'runA', ['ndcg@10', 'recall@100', 'latency']);
    expect(result.comparisons.map((c) => c.verdict)).toEqual(['no difference', 'no difference', 'no difference']);
    for (const c of result.comparisons) {
      expect(c.location.estimate).toBe(0);
      expect(c.record).toEqual({ wins: 0, ties: 12, losses: 0 });
    }
  });

  it('two runs with zero differences everywhere: no difference, in the text output too', async () => {
    const result = await compare('runA', 'runA-again', ['ndcg@10', 'recall@100', 'latency', 'docs']);
    expect(result.comparisons.map((c) => c.verdict)).toEqual(['no difference', 'no difference', 'no difference', 'no difference']);
    const text = await runCli(['--db', dbPath, 'compare', 'runA', 'runA-again', '--metric', 'ndcg@10,latency']);
    expect(text.stdout).toMatch(/no difference/);
    expect(text.stdout).not.toMatch(/B worse|B better/);
  });

  it('the verdict rules: identical first, then testable, then significant, then the estimate\'s direction', () => {
    const base = { identical: false, adjustedPValue: 0.01, estimate: -3, better: 'lower', alpha: 0.05 } as const;
    expect(decideVerdict({ ...base, identical: true })).toBe('no difference');
    expect(decideVerdict({ ...base, adjustedPValue: null })).toBe('not testable');
    expect(decideVerdict({ ...base, adjustedPValue: 0.05 })).toBe('no significant difference');
    expect(decideVerdict({ ...base, estimate: 0 })).toBe('no significant difference');
    expect(decideVerdict(base)).toBe('B better');
    expect(decideVerdict({ ...base, better: 'higher' })).toBe('B worse');
    expect(decideVerdict({ ...base, better: 'neither' })).toBe('B lower');
    expect(favouredSide(1e-10, 'higher')).toBe('tie');
    expect(favouredSide(-2e-9, 'lower')).toBe('B');
  });
});

describe('intervals inside what the measure allows', () => {
  it('cuts the t interval of a bounded measure at 1 and says so', async () => {
    const { comparisons: [recall] } = await compare('bounded-A', 'bounded-B', ['recall@100']);
    if (!recall) throw new Error('no recall comparison');
    const t = pairedTTest(BOUNDED_B, BOUNDED_A);
    if (t.degenerate || t.interval === undefined) throw new Error('unexpected');
    expect(t.interval[1]).toBeGreaterThan(1); // what the plain t interval would say
    expect(recall.location.interval).toEqual([t.interval[0], 1]);
    expect(recall.location.clipped).toBe(true);
    expect(recall.differenceInterval?.[1]).toBe(1);
    expect(recall.differenceClipped).toBe(true);
    expect(recall.sentence).toMatch(/cut to \[-1, 1\], the range a difference can take/);
    expect(recall.verdict).toBe('B better');
  });

  it('keeps a lift interval above -100% (log ratio) where the linear delta method goes below', async () => {
    const { comparisons: [ndcg] } = await compare('lift-A', 'lift-B', ['ndcg@10']);
    if (!ndcg) throw new Error('no nDCG comparison');
    const linear = relativeLift(LIFT_B, LIFT_A, { paired: true });
    if (linear.degenerate) throw new Error('unexpected');
    expect(linear.interval[0]).toBeLessThan(-1);
    expect(ndcg.liftInterval?.[0]).toBeGreaterThanOrEqual(-1);
    expect(ndcg.liftMethod).toBe('delta method on the log ratio');
    expect(ndcg.relativeLift).toBeCloseTo(linear.estimate, 15);
    // exp(log r ± z SE/r) - 1, by hand.
    const r = 1 + linear.estimate;
    const se = (linear.interval[1] - linear.estimate) / 1.959963984540054;
    expect(ndcg.liftInterval?.[0]).toBeCloseTo(r * Math.exp((-1.959963984540054 * se) / r) - 1, 12);
    expect(ndcg.liftInterval?.[1]).toBeCloseTo(r * Math.exp((1.959963984540054 * se) / r) - 1, 12);
  });

  it('never lets a difference interval of a [0, 1] measure leave [-1, 1], nor a lift go below -100%', async () => {
    for (const [a, b] of [['bounded-A', 'bounded-B'], ['lift-A', 'lift-B'], ['runA', 'runB-unrecorded']] as const) {
      const result = await compare(a, b, ['ndcg@10', 'recall@100']);
      for (const c of result.comparisons) {
        for (const interval of [c.location.interval, c.differenceInterval]) {
          if (!interval) continue;
          expect(interval[0]).toBeGreaterThanOrEqual(-1);
          expect(interval[1]).toBeLessThanOrEqual(1);
        }
        if (c.liftInterval) expect(c.liftInterval[0]).toBeGreaterThanOrEqual(-1);
      }
    }
  });
});

describe('set measures', () => {
  it('compares set_p, set_recall, set_f, f3 and num_ret from the trec_eval names', async () => {
    const result = await compare('sets-A', 'sets-B', ['set_p', 'set_recall', 'set_f', 'f3', 'num_ret']);
    expect(result.comparisons.map((c) => [c.metric, c.label, c.better])).toEqual([
      ['set_p', 'set_P', 'higher'], ['set_recall', 'set_recall', 'higher'], ['set_f', 'set_F', 'higher'], ['f3', 'F3 (set_F_9)', 'higher'], ['num_ret', 'num_ret', 'neither'],
    ]);
    const [setP, , , f3, numRet] = result.comparisons;
    expect((setP?.meanB ?? 0) - (setP?.meanA ?? 0)).toBeCloseTo(0.1 + SET_NOISE.reduce((s, v) => s + v, 0) / 6, 12);
    expect(f3?.meanA).toBeCloseTo(SETS.set_F_9.reduce((s, v) => s + v, 0) / 6, 12);
    expect(setP?.test).toBe('Paired t-test');
    expect(result.comparisons.slice(0, 4).map((c) => c.verdict)).toEqual(['B better', 'B better', 'B better', 'B better']);
    // num_ret: a count, tested by rank, with no better direction: B is higher, not "better".
    expect(numRet?.test).toBe('Wilcoxon signed-rank test');
    const w = wilcoxonSignedRank(SETS.num_ret.map((v, i) => v + (NUM_RET_GAIN[i] as number)), SETS.num_ret);
    expect(numRet?.pValue).toBe(w.degenerate ? null : w.pValue);
    expect(numRet?.pValue).toBeCloseTo(2 / 64, 15);
    expect(numRet?.location.estimate).toBe(walshMedian(NUM_RET_GAIN));
    expect(numRet?.record).toEqual({ wins: 6, ties: 0, losses: 0 });
    expect(numRet?.verdict).toBe('B higher');
    expect(parseCompareMetric('f3').measure).toBe('set_F_9');
    expect(parseCompareMetric('num_ret').range).toBeNull();
    expect(parseCompareMetric('set_recall').range).toEqual([0, 1]);
  });
});
