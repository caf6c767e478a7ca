/**
 * `benchlab compare RUN --all-generators`: every pair of one run's generators, items paired by
 * question and repeat, p-values Holm-adjusted across all pairs and metrics together (checked
 * against lib/stats' adjustPValues on tests recomputed here), markers as IR papers print them,
 * wins/ties/losses per question (repeats averaged, ties within 1e-9), and the JSON shape.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareGeneratorPairs, generatorMarker, type GeneratorPairsComparison } from '../../lib/compare/generator-pairs';
import type { ScoredItem } from '../../lib/compare/compare-metrics';
import { adjustPValues, pairedTTest, wilcoxonSignedRank, type StatsResult } from '../../lib/stats/index';
import { withStore } from '../../lib/store/store';
import { appendRows } from '../scoring/helpers';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

const GENERATORS = ['baseline:bm25-or', 'llm:big', 'llm:small'];
const QUESTIONS = Array.from({ length: 8 }, (_, i) => `q${i + 1}`);
const REPEATS = 2;

/** Deterministic values: llm:big clearly ahead on nDCG, llm:small tied with the baseline on one question, latency by model size. */
function ndcg(generator: string, q: number, r: number): number {
  const base = 0.3 + ((q * 7 + r * 3) % 10) / 50;
  if (generator === 'llm:big') return base + 0.15 + ((q + r) % 3) / 100;
  if (generator === 'llm:small') return q === 0 ? base + 1e-12 : base + ((q * 5 + r) % 7 - 3) / 100;
  return base;
}
function latency(generator: string, q: number, r: number): number {
  if (generator.startsWith('baseline')) return 1 + q / 10 + r / 100;
  return (generator === 'llm:big' ? 2000 : 900) + ((q * 37 + r * 11) % 50) * 3;
}

const ITEMS: ScoredItem[] = GENERATORS.flatMap((generator) =>
  QUESTIONS.flatMap((questionId, q) =>
    Array.from({ length: REPEATS }, (_, repeat) => ({
      generator, questionId, repeat, latencyMs: latency(generator, q, repeat), loadMs: generator === 'llm:big' && q === 0 && repeat === 0 ? 4000 : null,
      cacheHit: false, status: 'ok', docsFound: 10, metrics: { ndcg_cut_10: ndcg(generator, q, repeat) },
    })),
  ),
);

function pValue(r: StatsResult): number {
  if (r.degenerate) throw new Error(r.reason);
  return r.pValue;
}

describe('compareGeneratorPairs', () => {
  const result = compareGeneratorPairs(ITEMS, { metrics: ['ndcg@10', 'latency'] });

  it('tests every pair on items paired by question and repeat, Holm-adjusted across all pairs and metrics', () => {
    expect(result.pairs.map((p) => [p.a, p.b])).toEqual([['baseline:bm25-or', 'llm:big'], ['baseline:bm25-or', 'llm:small'], ['llm:big', 'llm:small']]);
    const values = (g: string, f: (g: string, q: number, r: number) => number) => QUESTIONS.flatMap((_, q) => Array.from({ length: REPEATS }, (_, r) => f(g, q, r)));
    // Cold starts leave latency: llm:big's first item loses its 4000 ms load.
    const lat = (g: string, q: number, r: number) => latency(g, q, r) - (g === 'llm:big' && q === 0 && r === 0 ? 4000 : 0);
    const expected: number[] = [];
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
      const ga = GENERATORS[a] as string;
      const gb = GENERATORS[b] as string;
      // Pairs sorted by question then repeat, as the comparison pairs them.
      expected.push(pValue(pairedTTest(values(gb, ndcg), values(ga, ndcg))));
      expected.push(pValue(wilcoxonSignedRank(values(gb, lat).map((v) => Math.max(0, v)), values(ga, lat).map((v) => Math.max(0, v)))));
    }
    const got = result.pairs.flatMap((p) => p.metrics.map((m) => m.pValue));
    got.forEach((p, i) => expect(p).toBeCloseTo(expected[i] as number, 12));
    const adjusted = adjustPValues(expected, 'holm');
    result.pairs.flatMap((p) => p.metrics.map((m) => m.adjustedPValue)).forEach((p, i) => expect(p).toBeCloseTo(adjusted[i] as number, 12));
    expect(result.tests).toBe(6);
    expect(result.pairs.every((p) => p.metrics.every((m) => m.pairs === QUESTIONS.length * REPEATS && m.questions === QUESTIONS.length))).toBe(true);
  });

  it('marks each generator with the letters of those it significantly beats', () => {
    expect(result.generators.map((g) => [g.marker, g.generator])).toEqual([['a', 'baseline:bm25-or'], ['b', 'llm:big'], ['c', 'llm:small']]);
    const beats = Object.fromEntries(result.generators.map((g) => [g.generator, g.cells.map((c) => c.beats.join(''))]));
    expect(beats).toEqual({
      'baseline:bm25-or': ['', 'bc'], // fastest
      'llm:big': ['ac', ''], // best nDCG@10
      'llm:small': ['', 'b'], // faster than llm:big
    });
    for (const pair of result.pairs) {
      for (const [k, m] of pair.metrics.entries()) {
        const significant = m.adjustedPValue !== null && m.adjustedPValue < result.alpha;
        const winner = m.verdict === 'B better' ? pair.b : m.verdict === 'B worse' ? pair.a : null;
        expect(winner !== null, `${pair.a} vs ${pair.b} ${m.metric}`).toBe(significant);
        if (winner) {
          const loser = winner === pair.a ? pair.markerB : pair.markerA;
          expect(result.generators.find((g) => g.generator === winner)?.cells[k]?.beats).toContain(loser);
        }
      }
    }
  });

  it('counts wins, ties and losses per question with repeats averaged, ties within 1e-9', () => {
    const small = result.pairs[1]?.metrics[0];
    if (!small) throw new Error('no pair');
    const expected = { wins: 0, ties: 0, losses: 0 };
    QUESTIONS.forEach((_, q) => {
      const d = (ndcg('llm:small', q, 0) + ndcg('llm:small', q, 1)) / 2 - (ndcg('baseline:bm25-or', q, 0) + ndcg('baseline:bm25-or', q, 1)) / 2;
      if (Math.abs(d) <= 1e-9) expected.ties += 1;
      else if (d > 0) expected.wins += 1;
      else expected.losses += 1;
    });
    expect(small.record).toEqual(expected);
    expect(small.record.ties).toBeGreaterThanOrEqual(1); // q1 differs by 1e-12 only
    // Latency is lower-is-better: B (llm:big) is slower than the baseline on every question, so it loses all.
    expect(result.pairs[0]?.metrics[1]?.record).toEqual({ wins: 0, ties: 0, losses: QUESTIONS.length });
  });

  it('reports cold starts per generator', () => {
    expect(result.coldStarts.generators).toEqual([
      { generator: 'baseline:bm25-or', coldStarts: 0, loadMs: 0 },
      { generator: 'llm:big', coldStarts: 1, loadMs: 4000 },
      { generator: 'llm:small', coldStarts: 0, loadMs: 0 },
    ]);
  });

  it('names markers a..z, then aa, ab, ...', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(generatorMarker)).toEqual(['a', 'b', 'z', 'aa', 'ab', 'az', 'ba']);
  });

  it('says "no difference" for identical generators', () => {
    const twins = ITEMS.filter((i) => i.generator === 'llm:big').flatMap((i) => [i, { ...i, generator: 'llm:twin' }]);
    const pair = compareGeneratorPairs(twins, { metrics: ['ndcg@10', 'latency'] }).pairs[0];
    expect(pair?.metrics.map((m) => m.verdict)).toEqual(['no difference', 'no difference']);
  });
});

describe('benchlab compare RUN --all-generators', () => {
  let dir: string;
  let dbPath: string;
  beforeAll(async () => {
    dir = tempDir('benchlab-pairs-');
    dbPath = path.join(dir, 'pairs.duckdb');
    await withStore({ dbPath }, async (store) => {
      const now = new Date();
      await appendRows(store, 'runs', ['multi', 'single'].map((run_id) => ({ run_id, kind: 'bench', dataset: 'sample', suite: 'pairs', config: '{}', versions: '{}', host: 'host', status: 'completed', started_at: now, ended_at: now })));
      const key = (i: ScoredItem) => `r${i.repeat}|${i.generator}|${i.questionId}`;
      const single = ITEMS.filter((i) => i.generator === 'llm:big');
      const rows = [...ITEMS.map((i) => ({ run: 'multi', i })), ...single.map((i) => ({ run: 'single', i }))];
      await appendRows(store, 'run_items', rows.map(({ run, i }) => ({
        run_id: run, item_key: key(i), generator: i.generator, query_id: i.questionId, repeat_index: i.repeat, latency_ms: i.latencyMs, load_ms: i.loadMs,
        cache_hit: false, status: 'ok', docs_found: 10, created_at: now,
      })));
      await appendRows(store, 'item_metrics', rows.map(({ run, i }) => ({ run_id: run, item_key: key(i), measure: 'ndcg_cut_10', value: i.metrics['ndcg_cut_10'] ?? 0 })));
    });
  });
  afterAll(() => removeDir(dir));

  it('prints the marked table and the pairs, and the same figures as JSON', async () => {
    const text = await runCli(['--db', dbPath, 'compare', 'multi', '--all-generators', '--metric', 'ndcg@10,latency']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/every pair of its 3 generators, paired by question and repeat/);
    expect(text.stdout).toMatch(/Holm\) across 6 tests/);
    expect(text.stdout).toMatch(/\(b\) llm:big\s+│ \d\.\d+ \^ac/);
    expect(text.stdout).toMatch(/\^x: significantly better than generator \(x\)/);
    expect(text.stdout).toMatch(/llm:big 1 \(4000 ms of model load\)/);
    const json = await runCli(['--db', dbPath, 'compare', 'multi', '--all-generators', '--metric', 'ndcg@10,latency', '--json']);
    const parsed = JSON.parse(json.stdout) as GeneratorPairsComparison;
    expect(Object.keys(parsed).sort()).toEqual(['adjustment', 'alpha', 'coldStarts', 'generators', 'metrics', 'pairs', 'run', 'tests']);
    expect(parsed.run.runId).toBe('multi');
    expect(parsed.adjustment).toBe('holm');
    expect(parsed.metrics).toEqual([
      { metric: 'ndcg@10', label: 'nDCG@10', better: 'higher', test: 'Paired t-test' },
      { metric: 'latency', label: 'latency (ms)', better: 'lower', test: 'Wilcoxon signed-rank test' },
    ]);
    expect(Object.keys(parsed.generators[0] ?? {}).sort()).toEqual(['cells', 'generator', 'marker']);
    expect(Object.keys(parsed.generators[0]?.cells[0] ?? {}).sort()).toEqual(['beats', 'mean', 'metric', 'n']);
    expect(Object.keys(parsed.pairs[0] ?? {}).sort()).toEqual(['a', 'b', 'markerA', 'markerB', 'metrics']);
    expect(Object.keys(parsed.pairs[0]?.metrics[0] ?? {}).sort()).toEqual([
      'adjustedPValue', 'better', 'label', 'location', 'meanA', 'meanB', 'metric', 'pValue', 'pairs', 'questions', 'record', 'sentence', 'statistic', 'test', 'verdict',
    ]);
    const inMemory = compareGeneratorPairs(ITEMS, { metrics: ['ndcg@10', 'latency'] });
    expect(parsed.pairs.map((p) => p.metrics.map((m) => m.adjustedPValue))).toEqual(inMemory.pairs.map((p) => p.metrics.map((m) => m.adjustedPValue)));
    expect(parsed.generators.map((g) => [g.marker, g.generator, g.cells.map((c) => [c.beats, c.n])])).toEqual(
      inMemory.generators.map((g) => [g.marker, g.generator, g.cells.map((c) => [c.beats, c.n])]),
    );
    parsed.generators.forEach((g, i) => g.cells.forEach((c, k) => expect(c.mean).toBeCloseTo(inMemory.generators[i]?.cells[k]?.mean ?? Number.NaN, 12)));
  });

  it('refuses what it cannot do', async () => {
    expect((await runCli(['--db', dbPath, 'compare', 'multi', 'single', '--all-generators'])).code).toBe(3);
    const one = await runCli(['--db', dbPath, 'compare', 'single', '--all-generators']);
    expect(one.code).toBe(3);
    expect(one.stderr).toMatch(/one generator \(llm:big\)/);
    expect((await runCli(['--db', dbPath, 'compare', 'multi'])).stderr).toMatch(/needs two runs/);
  });
});
