/**
 * Compares two runs (or two generators) metric by metric, the way `benchlab compare` prints it.
 * When both sides scored the same questions of the same dataset the items are paired and the
 * paired tests are used (paired t for quality measures, Wilcoxon signed-rank for latency and
 * counts); otherwise the unpaired ones (Welch t, Mann-Whitney U). Repeats of a question are
 * averaged first, so a question is one observation. p-values are Holm-adjusted across all the
 * metrics compared, and each metric says how many items would be needed to detect the observed
 * difference with 80% power. Differences are B minus A.
 *
 * Next to the tests, each side's answer format is described (not tested): the share of answers
 * read strictly by the declared schema, of items with a usable query, and of generated queries
 * that parse, as the run summary (summarizeBenchRun) computes them.
 */
import type { Store } from '../store/store';
import { getRun, loadRunItems, type RunItem, type RunInfo } from '../runs/run-items';
import { summarizeBenchRun } from '../runs/bench-summary';
import {
  cohensD, cohensDz, holmAdjust, mannWhitneyU, pairedTTest, relativeLift, tTestSampleSize, welchTTest, wilcoxonSignedRank,
  DEFAULT_ALPHA, DEFAULT_POWER, type EstimateOutcome, type StatsResult,
} from '../stats/index';
import { InputError } from '../input-error';
import { parseCompareMetric, DEFAULT_COMPARE_METRICS, type CompareMetric } from './compare-metrics';

/** Fewer common questions than this and the comparison is unpaired. */
export const MIN_PAIRS = 2;

export interface CompareOptions {
  metrics?: string[];
  /** Generator in both runs; or `[generatorA, generatorB]` to compare two generators. */
  generators?: [string, string];
  alpha?: number;
}

export type Verdict = 'B better' | 'B worse' | 'no significant difference' | 'not testable';

export interface MetricComparison {
  metric: string;
  label: string;
  paired: boolean;
  /** Observations: pairs when paired, else questions per side. */
  nA: number;
  nB: number;
  meanA: number | null;
  meanB: number | null;
  difference: number | null;
  differenceInterval: [number, number] | null;
  relativeLift: number | null;
  liftInterval: [number, number] | null;
  test: string;
  statistic: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  effectSizeName: string;
  effectSize: number | null;
  effectSizeInterval: [number, number] | null;
  /** Items (pairs, or per group) for 80% power at the observed standardized effect. */
  itemsFor80Power: number | null;
  verdict: Verdict;
  sentence: string;
  /** Per question: A, B and B - A (paired only). */
  perItem: { questionId: string; a: number; b: number; difference: number }[];
}

/** How one side's generator kept to the answer format, from its run's summary. Descriptive: no test is run on it. */
export interface AnswerFormatSide {
  generator: string;
  items: number;
  /** Share of the answers received read strictly by the declared schema; null for baselines and fused items. */
  strictRate: number | null;
  /** Share of all items with at least one usable (valid) query. */
  usableRate: number | null;
  /** Share of the generated queries that parse. */
  syntaxValidRate: number | null;
  /** Items attempted that gave no usable query. */
  errors: number;
  /** Items never attempted (the model's circuit stayed open). */
  notAttempted: number;
}

export interface RunComparison {
  runA: RunInfo;
  runB: RunInfo;
  generatorA: string;
  generatorB: string;
  paired: boolean;
  alpha: number;
  adjustment: 'holm';
  comparisons: MetricComparison[];
  /** Each side's answer format (strict %, usable %, syntax-valid %), next to the metric comparisons. */
  answerFormat: { a: AnswerFormatSide; b: AnswerFormatSide };
}

/** The summary's recall cutoff; the answer-format figures read from it do not depend on it. */
const SUMMARY_RECALL_CUTOFF = 100;

/** One run's generator as its run summary describes the answer format (nulls when the run has no such items, e.g. a retrieval run). */
export async function answerFormatOf(store: Store, runId: string, generator: string): Promise<AnswerFormatSide> {
  const summary = await summarizeBenchRun(store, runId, SUMMARY_RECALL_CUTOFF);
  const g = summary.generators.find((s) => s.generator === generator);
  return {
    generator,
    items: g?.items ?? 0,
    strictRate: g?.strictRate ?? null,
    usableRate: g?.usableRate ?? null,
    syntaxValidRate: g?.syntaxValidRate ?? null,
    errors: g?.errors ?? 0,
    notAttempted: g?.notAttempted ?? 0,
  };
}

const mean = (v: readonly number[]): number | null => (v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length);

/** question id -> mean over repeats of the metric, for one generator's items. */
function perQuestion(items: RunItem[], generator: string, metric: CompareMetric): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const item of items) {
    if (item.generator !== generator) continue;
    const value = metric.value(item);
    if (value === undefined || !Number.isFinite(value)) continue;
    const entry = sums.get(item.questionId) ?? { sum: 0, n: 0 };
    entry.sum += value;
    entry.n += 1;
    sums.set(item.questionId, entry);
  }
  return new Map([...sums].map(([q, s]) => [q, s.sum / s.n]));
}

function chooseGenerators(itemsA: RunItem[], itemsB: RunItem[], requested: [string, string] | undefined): [string, string] {
  const a = new Set(itemsA.map((i) => i.generator));
  const b = new Set(itemsB.map((i) => i.generator));
  if (requested) {
    if (!a.has(requested[0])) throw new InputError(`run A has no generator '${requested[0]}'; it has: ${[...a].join(', ')}`);
    if (!b.has(requested[1])) throw new InputError(`run B has no generator '${requested[1]}'; it has: ${[...b].join(', ')}`);
    return requested;
  }
  const common = [...a].filter((g) => b.has(g));
  if (common.length === 1 && common[0] !== undefined) return [common[0], common[0]];
  throw new InputError(
    `choose what to compare with --generator NAME or --generator A_NAME,B_NAME; ` +
      (common.length > 1 ? `generators in both runs: ${common.join(', ')}` : `run A has ${[...a].join(', ')}; run B has ${[...b].join(', ')}`),
  );
}

function interval(r: StatsResult | EstimateOutcome): [number, number] | null {
  return r.degenerate || r.interval === undefined ? null : [r.interval[0], r.interval[1]];
}

function compareMetric(metric: CompareMetric, a: Map<string, number>, b: Map<string, number>, paired: boolean, alpha: number): Omit<MetricComparison, 'adjustedPValue' | 'verdict'> {
  const labels: [string, string] = ['B', 'A'];
  let xs: number[];
  let ys: number[];
  let perItem: MetricComparison['perItem'] = [];
  if (paired) {
    const questions = [...a.keys()].filter((q) => b.has(q)).sort();
    ys = questions.map((q) => a.get(q) as number);
    xs = questions.map((q) => b.get(q) as number);
    perItem = questions.map((q, i) => ({ questionId: q, a: ys[i] as number, b: xs[i] as number, difference: (xs[i] as number) - (ys[i] as number) }));
  } else {
    ys = [...a.values()];
    xs = [...b.values()];
  }
  const options = { labels, metric: metric.label, confidenceLevel: 1 - alpha } as const;
  const test: StatsResult = metric.rankBased
    ? paired ? wilcoxonSignedRank(xs, ys, { labels, metric: metric.label }) : mannWhitneyU(xs, ys, { labels, metric: metric.label })
    : paired ? pairedTTest(xs, ys, options) : welchTTest(xs, ys, options);
  // The t-interval of the mean difference, also for rank-tested metrics.
  const tInterval = paired ? pairedTTest(xs, ys, options) : welchTTest(xs, ys, options);
  const lift = relativeLift(xs, ys, { paired, confidenceLevel: 1 - alpha });
  const effect = paired ? cohensDz(xs, ys, { confidenceLevel: 1 - alpha }) : cohensD(xs, ys, { confidenceLevel: 1 - alpha });
  const d = effect.degenerate ? null : effect.estimate;
  let itemsFor80Power: number | null = null;
  if (d !== null && Number.isFinite(d) && d !== 0) {
    itemsFor80Power = tTestSampleSize(Math.abs(d), { design: paired ? 'paired' : 'unpaired', alpha, power: DEFAULT_POWER }).n;
  }
  const meanA = mean(ys);
  const meanB = mean(xs);
  return {
    metric: metric.name,
    label: metric.label,
    paired,
    nA: ys.length,
    nB: xs.length,
    meanA,
    meanB,
    difference: meanA !== null && meanB !== null ? meanB - meanA : null,
    differenceInterval: interval(tInterval),
    relativeLift: lift.degenerate ? null : lift.estimate,
    liftInterval: interval(lift),
    test: test.test,
    statistic: test.degenerate ? null : test.statistic,
    pValue: test.degenerate ? null : test.pValue,
    effectSizeName: effect.test,
    effectSize: d,
    effectSizeInterval: interval(effect),
    itemsFor80Power,
    sentence: test.sentence,
    perItem,
  };
}

export async function compareRuns(store: Store, runIdA: string, runIdB: string, options: CompareOptions = {}): Promise<RunComparison> {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be between 0 and 1, got ${alpha}`);
  const metrics = (options.metrics ?? DEFAULT_COMPARE_METRICS).map(parseCompareMetric);
  const [runA, runB] = [await getRun(store, runIdA), await getRun(store, runIdB)];
  const [itemsA, itemsB] = [await loadRunItems(store, runIdA), await loadRunItems(store, runIdB)];
  const [generatorA, generatorB] = chooseGenerators(itemsA, itemsB, options.generators);

  const sameDataset = runA.dataset !== null && runA.dataset === runB.dataset;
  const raw = metrics.map((metric) => {
    const a = perQuestion(itemsA, generatorA, metric);
    const b = perQuestion(itemsB, generatorB, metric);
    const common = [...a.keys()].filter((q) => b.has(q)).length;
    return compareMetric(metric, a, b, sameDataset && common >= MIN_PAIRS, alpha);
  });
  const testable = raw.filter((r) => r.pValue !== null);
  const adjusted = holmAdjust(testable.map((r) => r.pValue as number));
  const comparisons: MetricComparison[] = raw.map((r) => {
    const index = testable.indexOf(r);
    const adjustedPValue = index >= 0 ? adjusted[index] ?? null : null;
    const metric = metrics.find((m) => m.name === r.metric) as CompareMetric;
    let verdict: Verdict = 'not testable';
    if (adjustedPValue !== null && r.difference !== null) {
      if (adjustedPValue >= alpha || r.difference === 0) verdict = 'no significant difference';
      else verdict = r.difference > 0 === metric.higherIsBetter ? 'B better' : 'B worse';
    }
    return { ...r, adjustedPValue, verdict };
  });
  const answerFormat = { a: await answerFormatOf(store, runIdA, generatorA), b: await answerFormatOf(store, runIdB, generatorB) };
  return { runA, runB, generatorA, generatorB, paired: comparisons.some((c) => c.paired), alpha, adjustment: 'holm', comparisons, answerFormat };
}
