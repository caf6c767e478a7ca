/**
 * Compares every pair of generators within one run (`benchlab compare RUN --all-generators`,
 * and the run report's all-pairs section): items pair by question and repeat, so each pair of
 * generators is tested with the paired tests (paired t for quality measures, Wilcoxon
 * signed-rank for latency and counts; metric-test.ts), the verdict following the test's location
 * estimate (orientation.ts). The p-values of all pairs and all metrics together are one family,
 * Holm-adjusted, so the table can mark significant differences as IR papers do: each generator
 * has a letter, and a generator's mean carries the letters of the generators it is significantly
 * better than (for a metric with no better direction, significantly higher than). Each pair also
 * counts B's wins, ties (within 1e-9) and losses per question, repeats averaged. Differences are
 * B − A with A the generator first in name order.
 */
import type { Store } from '../store/store';
import { getRun, itemMeasureColumns, type RunInfo } from '../runs/run-items';
import { COLD_START_MS } from '../llm/types';
import { adjustPValues, DEFAULT_ALPHA, meanOrNull } from '../stats/index';
import { InputError } from '../input-error';
import { parseCompareMetric, DEFAULT_COMPARE_METRICS, type CompareMetric, type ScoredItem } from './compare-metrics';
import { coldStartsOf, locationSentence, MIN_PAIRS, type ColdStartSide } from './compare-runs';
import { testMetric, type LocationEstimate } from './metric-test';
import { decideVerdict, winTieLoss, type Better, type Verdict, type WinTieLoss } from './orientation';

export interface GeneratorPairsOptions {
  metrics?: string[];
  alpha?: number;
}

/** One metric of one pair of generators, B against A. */
export interface PairMetric {
  metric: string;
  label: string;
  better: Better;
  /** Items (question × repeat) both generators scored: the pairs the test uses. */
  pairs: number;
  /** Questions both scored: the units of wins, ties and losses. */
  questions: number;
  meanA: number | null;
  meanB: number | null;
  location: LocationEstimate;
  test: string;
  statistic: number | null;
  pValue: number | null;
  /** Holm-adjusted across every pair and metric of the comparison. */
  adjustedPValue: number | null;
  verdict: Verdict;
  /** B's questions: better (higher), tied within 1e-9, worse (lower). */
  record: WinTieLoss;
  sentence: string;
}

export interface GeneratorPair {
  a: string;
  b: string;
  markerA: string;
  markerB: string;
  metrics: PairMetric[];
}

/** One generator's mean on one metric and the markers of the generators it significantly beats there. */
export interface GeneratorCell {
  metric: string;
  mean: number | null;
  /** Items with a value. */
  n: number;
  beats: string[];
}

export interface GeneratorRow {
  generator: string;
  marker: string;
  cells: GeneratorCell[];
}

export interface GeneratorPairsComparison {
  run: RunInfo;
  alpha: number;
  adjustment: 'holm';
  /** Tests in the Holm family: pairs × metrics with a p-value. */
  tests: number;
  metrics: { metric: string; label: string; better: Better; test: string }[];
  generators: GeneratorRow[];
  pairs: GeneratorPair[];
  /** Per generator: cold starts and their load time, left out of latency. */
  coldStarts: { thresholdMs: number; generators: ColdStartSide[] };
}

/** a, b, ..., z, aa, ab, ...: the marker of the generator at `index`. */
export function generatorMarker(index: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let i = index;
  let marker = '';
  do {
    marker = letters[i % letters.length] + marker;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return marker;
}

const pairKey = (item: ScoredItem): string => `${item.questionId}\u0001${item.repeat}`;

/** (question, repeat) -> value of one generator's items. */
function valuesOf(items: readonly ScoredItem[], generator: string, metric: CompareMetric): Map<string, { question: string; value: number }> {
  const values = new Map<string, { question: string; value: number }>();
  for (const item of items) {
    if (item.generator !== generator) continue;
    const value = metric.value(item);
    if (value === undefined || !Number.isFinite(value)) continue;
    values.set(pairKey(item), { question: item.questionId, value });
  }
  return values;
}

/** Per-question means of B − A over the paired items, repeats averaged. */
function questionDifferences(keys: readonly string[], a: Map<string, { question: string; value: number }>, b: Map<string, { question: string; value: number }>): number[] {
  const byQuestion = new Map<string, { a: number; b: number; n: number }>();
  for (const key of keys) {
    const va = a.get(key);
    const vb = b.get(key);
    if (!va || !vb) continue;
    const entry = byQuestion.get(va.question) ?? { a: 0, b: 0, n: 0 };
    entry.a += va.value;
    entry.b += vb.value;
    entry.n += 1;
    byQuestion.set(va.question, entry);
  }
  return [...byQuestion.values()].map((e) => e.b / e.n - e.a / e.n);
}

type Draft = Omit<PairMetric, 'adjustedPValue' | 'verdict'> & { identical: boolean };

function comparePair(metric: CompareMetric, a: Map<string, { question: string; value: number }>, b: Map<string, { question: string; value: number }>, alpha: number): Draft {
  const keys = [...a.keys()].filter((k) => b.has(k));
  const ys = keys.map((k) => (a.get(k) as { value: number }).value);
  const xs = keys.map((k) => (b.get(k) as { value: number }).value);
  const result = testMetric(metric, xs, ys, true, alpha, false);
  const differences = questionDifferences(keys, a, b);
  const record = winTieLoss(differences, metric.better);
  const testable = keys.length >= MIN_PAIRS;
  return {
    metric: metric.name,
    label: metric.label,
    better: metric.better,
    pairs: keys.length,
    questions: differences.length,
    meanA: result.meanA,
    meanB: result.meanB,
    location: result.location,
    test: result.test,
    statistic: testable ? result.statistic : null,
    pValue: testable ? result.pValue : null,
    record,
    sentence: locationSentence(metric, result, 1 - alpha, record),
    identical: result.identical,
  };
}

/**
 * Every pair of the generators among `items` (one run's), tested on each metric. The run is
 * filled in by compareAllGenerators; this part needs no store.
 */
export function compareGeneratorPairs(items: readonly ScoredItem[], options: GeneratorPairsOptions = {}): Omit<GeneratorPairsComparison, 'run'> {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be between 0 and 1, got ${alpha}`);
  const metrics = (options.metrics ?? DEFAULT_COMPARE_METRICS).map(parseCompareMetric);
  const names = [...new Set(items.map((i) => i.generator))].sort();
  const markers = new Map(names.map((g, i) => [g, generatorMarker(i)]));
  const values = new Map(names.map((g) => [g, metrics.map((m) => valuesOf(items, g, m))]));

  const drafts: { a: string; b: string; metrics: Draft[] }[] = [];
  for (let i = 0; i < names.length; i += 1) {
    for (let j = i + 1; j < names.length; j += 1) {
      const a = names[i] as string;
      const b = names[j] as string;
      const va = values.get(a) ?? [];
      const vb = values.get(b) ?? [];
      drafts.push({ a, b, metrics: metrics.map((m, k) => comparePair(m, va[k] ?? new Map(), vb[k] ?? new Map(), alpha)) });
    }
  }
  const family = drafts.flatMap((p) => p.metrics).filter((m) => m.pValue !== null);
  const adjusted = adjustPValues(family.map((m) => m.pValue as number), 'holm');
  const adjustedOf = new Map(family.map((m, i) => [m, adjusted[i] ?? null]));

  const beats = new Map(names.map((g) => [g, metrics.map(() => [] as string[])]));
  const pairs: GeneratorPair[] = drafts.map((p) => ({
    a: p.a,
    b: p.b,
    markerA: markers.get(p.a) ?? '',
    markerB: markers.get(p.b) ?? '',
    metrics: p.metrics.map((draft, k) => {
      const adjustedPValue = adjustedOf.get(draft) ?? null;
      const verdict = decideVerdict({ identical: draft.identical, adjustedPValue, estimate: draft.location.estimate, better: draft.better, alpha });
      const winner = verdict === 'B better' || verdict === 'B higher' ? p.b : verdict === 'B worse' || verdict === 'B lower' ? p.a : null;
      if (winner !== null) beats.get(winner)?.[k]?.push(markers.get(winner === p.a ? p.b : p.a) ?? '');
      const { identical: _identical, ...rest } = draft;
      return { ...rest, adjustedPValue, verdict };
    }),
  }));

  const generators: GeneratorRow[] = names.map((g) => ({
    generator: g,
    marker: markers.get(g) ?? '',
    cells: metrics.map((m, k) => {
      const v = [...(values.get(g)?.[k]?.values() ?? [])].map((e) => e.value);
      return { metric: m.name, mean: meanOrNull(v), n: v.length, beats: (beats.get(g)?.[k] ?? []).sort() };
    }),
  }));
  return {
    alpha,
    adjustment: 'holm',
    tests: family.length,
    metrics: metrics.map((m) => ({ metric: m.name, label: m.label, better: m.better, test: m.rankBased ? 'Wilcoxon signed-rank test' : 'Paired t-test' })),
    generators,
    pairs,
    coldStarts: { thresholdMs: COLD_START_MS, generators: names.map((g) => coldStartsOf(items, g)) },
  };
}

/**
 * A run's items with what the metrics read, the measures pivoted in DuckDB (only the ones
 * asked for), so a run of 100,000 items loads quickly.
 */
export async function loadScoredItems(store: Store, runId: string, metrics: readonly CompareMetric[]): Promise<ScoredItem[]> {
  const measures = [...new Set(metrics.flatMap((m) => (m.measure === null ? [] : [m.measure])))];
  const columns = await itemMeasureColumns(store, runId, measures);
  const [generator = [], query = [], repeat = [], latency = [], load = [], cache = [], status = [], docs = []] = columns;
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return generator.map((g, row) => {
    const values: Record<string, number> = {};
    measures.forEach((m, i) => {
      const v = num(columns[8 + i]?.[row]);
      if (v !== null) values[m] = v;
    });
    return {
      generator: String(g),
      questionId: String(query[row]),
      repeat: Number(repeat[row]),
      latencyMs: num(latency[row]),
      loadMs: num(load[row]),
      cacheHit: (cache[row] as boolean | null) ?? null,
      status: (status[row] as string | null) ?? null,
      docsFound: num(docs[row]),
      metrics: values,
    };
  });
}

/** Every pair of generators of a benchmark run. */
export async function compareAllGenerators(store: Store, runId: string, options: GeneratorPairsOptions = {}): Promise<GeneratorPairsComparison> {
  const run = await getRun(store, runId);
  if (run.kind === 'retrieve') throw new InputError(`run '${runId}' is a retrieval run: it has one system, so there are no generators to compare`);
  const metrics = (options.metrics ?? DEFAULT_COMPARE_METRICS).map(parseCompareMetric);
  const items = await loadScoredItems(store, runId, metrics);
  const generators = new Set(items.map((i) => i.generator));
  if (generators.size < 2) throw new InputError(`run '${runId}' has ${generators.size === 0 ? 'no generators' : `one generator (${[...generators].join('')})`}: --all-generators needs two or more`);
  return { run, ...compareGeneratorPairs(items, options) };
}
