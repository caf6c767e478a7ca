/**
 * Compares two runs (or two generators) metric by metric, the way `benchlab compare` prints it.
 * When both sides scored the same questions of the same dataset the items are paired and the
 * paired tests are used (paired t for quality measures, Wilcoxon signed-rank for latency and
 * counts); otherwise the unpaired ones (Welch t, Mann-Whitney U). Repeats of a question are
 * averaged first, so a question is one observation. p-values are Holm-adjusted across all the
 * metrics compared, and each metric says how many items would be needed to detect the observed
 * difference with 80% power. Differences are B minus A.
 *
 * Each verdict takes its direction from the location estimate of the test that was used (the
 * mean difference for t-tests, the Hodges-Lehmann estimate for rank tests; metric-test.ts), and
 * which direction is better comes from orientation.ts; the rules are in decideVerdict. Latency
 * leaves a cold start's model load out (compare-metrics.ts), and the cold starts are counted
 * apart per side.
 *
 * Next to the tests, each side's answer format is described (not tested): the share of answers
 * read strictly by the declared schema, of items with a usable query, and of generated queries
 * that parse, as the run summary (summarizeBenchRun) computes them.
 */
import type { Store } from '../store/store';
import { getRun, loadRunItems, type RunItem, type RunInfo } from '../runs/run-items';
import { summarizeBenchRun } from '../runs/bench-summary';
import { COLD_START_MS } from '../llm/types';
import { adjustPValues, DEFAULT_ALPHA, mean } from '../stats/index';
import { formatLevel, formatNumber } from '../stats/format-sentence';
import { InputError } from '../input-error';
import { coldLoadMs, parseCompareMetric, DEFAULT_COMPARE_METRICS, type CompareMetric, type ScoredItem } from './compare-metrics';
import { testMetric, type MetricTest } from './metric-test';
import { decideVerdict, directionPhrase, favouredWords, orientationSign, winTieLoss, type Better, type Verdict, type WinTieLoss } from './orientation';

export type { Verdict } from './orientation';

/** Fewer common questions than this and the comparison is unpaired. */
export const MIN_PAIRS = 2;

export interface CompareOptions {
  metrics?: string[];
  /** Generator in both runs; or `[generatorA, generatorB]` to compare two generators. */
  generators?: [string, string];
  alpha?: number;
}

/** One metric compared: the test's result (metric-test.ts) plus what the comparison adds to it. */
export interface MetricComparison extends MetricTest {
  metric: string;
  label: string;
  /** Which direction is better (orientation.ts). */
  better: Better;
  /** The range a value of a bounded measure can take ([0, 1]); null when unbounded. */
  range: [number, number] | null;
  adjustedPValue: number | null;
  /** Questions where B is better (higher), tied within 1e-9, worse (lower); paired only. */
  record: WinTieLoss | null;
  verdict: Verdict;
  /** The estimate, its interval, the direction and the test, in words. */
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

/** A side's cold starts: items whose calls waited at least COLD_START_MS for a model load, left out of latency. */
export interface ColdStartSide {
  generator: string;
  coldStarts: number;
  /** Their load time in all, ms. */
  loadMs: number;
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
  /** Each side's cold starts (count and load time), reported apart from latency; threshold in ms. */
  coldStarts: { thresholdMs: number; a: ColdStartSide; b: ColdStartSide };
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

/** A generator's cold starts among `items`. */
export function coldStartsOf(items: readonly ScoredItem[], generator: string): ColdStartSide {
  let coldStarts = 0;
  let loadMs = 0;
  for (const item of items) {
    if (item.generator !== generator) continue;
    const load = coldLoadMs(item);
    if (load > 0) {
      coldStarts += 1;
      loadMs += load;
    }
  }
  return { generator, coldStarts, loadMs };
}

/** question id -> mean over repeats of the metric, for one generator's items. */
function perQuestion(items: RunItem[], generator: string, metric: CompareMetric): Map<string, number> {
  const values = new Map<string, number[]>();
  for (const item of items) {
    if (item.generator !== generator) continue;
    const value = metric.value(item);
    if (value === undefined || !Number.isFinite(value)) continue;
    const list = values.get(item.questionId);
    if (list) list.push(value);
    else values.set(item.questionId, [value]);
  }
  return new Map([...values].map(([q, v]) => [q, mean(v)]));
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

const signed = (x: number): string => `${x > 0 ? '+' : ''}${formatNumber(x)}`;

/**
 * The location estimate in words, with its interval and method, the direction it points,
 * B's record on the questions, and the test's summary.
 */
export function locationSentence(metric: CompareMetric, result: MetricTest, confidenceLevel: number, record: WinTieLoss | null): string {
  const loc = result.location;
  if (loc.estimate === null) return `${metric.label}: no estimate (${loc.method}). ${result.testSummary}`;
  const what = loc.name === 'Hodges-Lehmann'
    ? result.paired
      ? `Hodges-Lehmann estimate of B − A on ${metric.label} (median of the Walsh averages of the paired differences)`
      : `Hodges-Lehmann shift B − A on ${metric.label} (median of all differences B − A)`
    : `mean difference B − A on ${metric.label}`;
  const range = metric.range ? `[${metric.range[0] - metric.range[1]}, ${metric.range[1] - metric.range[0]}]` : '';
  const ci = loc.interval
    ? ` (${formatLevel(confidenceLevel)} CI ${formatNumber(loc.interval[0])} to ${formatNumber(loc.interval[1])}; ${loc.method}${loc.clipped ? `, cut to ${range}, the range a difference can take` : ''})`
    : ` (no interval: ${loc.method})`;
  const sign = orientationSign(metric.better);
  let direction: string;
  if (loc.estimate === 0) direction = 'no shift either way';
  else if (sign === 0) direction = `B is ${loc.estimate > 0 ? 'higher' : 'lower'} (${directionPhrase(metric.better)})`;
  else direction = `B is ${loc.estimate > 0 ? 'higher' : 'lower'}, ${loc.estimate * sign > 0 ? 'in B\'s favour' : 'in A\'s favour'} (${directionPhrase(metric.better)})`;
  const total = record ? record.wins + record.ties + record.losses : 0;
  const words = (side: 'B' | 'A'): string => favouredWords(side, metric.better).replace(/^B /, '');
  const questions = record
    ? ` B is ${words('B')} on ${record.wins}, tied on ${record.ties} and ${words('A')} on ${record.losses} of ${total} questions.`
    : '';
  return `The ${what} is ${signed(loc.estimate)}${ci}: ${direction}.${questions} ${result.testSummary}`;
}

function compareMetric(metric: CompareMetric, a: Map<string, number>, b: Map<string, number>, paired: boolean, alpha: number): Omit<MetricComparison, 'adjustedPValue' | 'verdict'> {
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
  const result = testMetric(metric, xs, ys, paired, alpha);
  const record = paired ? winTieLoss(perItem.map((p) => p.difference), metric.better) : null;
  return {
    metric: metric.name,
    label: metric.label,
    better: metric.better,
    range: metric.range,
    paired: result.paired,
    nA: result.nA,
    nB: result.nB,
    meanA: result.meanA,
    meanB: result.meanB,
    difference: result.difference,
    differenceInterval: result.differenceInterval,
    differenceClipped: result.differenceClipped,
    location: result.location,
    relativeLift: result.relativeLift,
    liftInterval: result.liftInterval,
    liftMethod: result.liftMethod,
    test: result.test,
    statistic: result.statistic,
    pValue: result.pValue,
    testSummary: result.testSummary,
    effectSizeName: result.effectSizeName,
    effectSize: result.effectSize,
    effectSizeInterval: result.effectSizeInterval,
    itemsFor80Power: result.itemsFor80Power,
    identical: result.identical,
    record,
    sentence: locationSentence(metric, result, 1 - alpha, record),
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
    return { metric, result: compareMetric(metric, a, b, sameDataset && common >= MIN_PAIRS, alpha) };
  });
  const testable = raw.filter((r) => r.result.pValue !== null);
  const adjusted = adjustPValues(testable.map((r) => r.result.pValue as number), 'holm');
  const comparisons: MetricComparison[] = raw.map((r) => {
    const index = testable.indexOf(r);
    const adjustedPValue = index >= 0 ? adjusted[index] ?? null : null;
    const verdict = decideVerdict({ identical: r.result.identical, adjustedPValue, estimate: r.result.location.estimate, better: r.metric.better, alpha });
    return { ...r.result, adjustedPValue, verdict };
  });
  const answerFormat = { a: await answerFormatOf(store, runIdA, generatorA), b: await answerFormatOf(store, runIdB, generatorB) };
  const coldStarts = { thresholdMs: COLD_START_MS, a: coldStartsOf(itemsA, generatorA), b: coldStartsOf(itemsB, generatorB) };
  return { runA, runB, generatorA, generatorB, paired: comparisons.some((c) => c.paired), alpha, adjustment: 'holm', comparisons, answerFormat, coldStarts };
}
