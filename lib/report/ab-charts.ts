/**
 * The Vega-Lite specs of the A/B report, built from a RunComparison: the forest plot of each
 * metric's estimate of B − A with its interval (the location estimate of the test used: mean
 * difference or Hodges-Lehmann; one row per metric, each on its own scale, labelled with the
 * better direction, with the zero line), the forest plot of the relative lift (a shared percent
 * scale), and the sorted per-question differences of one metric. Points are coloured by the
 * verdict, bars by which side won the question; which side that is comes from
 * compare/orientation.ts.
 */
import type { ChartSpec } from './chart';
import type { MetricComparison, Verdict } from '../compare/compare-runs';
import { directionPhrase, favouredSide, favouredWords, orientationSign } from '../compare/orientation';

const CHART_WIDTH = 560;
const FOREST_ROW_HEIGHT = 26;
const ROW_STEP = 24;
const QUESTION_STEP = 14;
const RANK_CHART_HEIGHT = 200;
const POINT_SIZE = 80;
const RULE_WIDTH = 2;
const ZERO_DASH = [4, 3];
const PERCENT = 100;
const MUTED = '#7a8699';
const ZERO_COLOR = '#1d2430';
const NUMBER_FORMAT = '.3~g';
const PERCENT_FORMAT = '.1f';
const P_FORMAT = '.2~g';

/** Up to this many questions the per-question chart names each one; above it, it shows ranks. */
export const MAX_LABELLED_QUESTIONS = 40;

export const VERDICT_COLORS: Record<Verdict, string> = {
  'B better': '#1d6b36',
  'B worse': '#a33131',
  'B higher': '#2f5f98',
  'B lower': '#8a5a1e',
  'no significant difference': '#7a8699',
  'no difference': '#5b6573',
  'not testable': '#c3cad4',
};

export type ItemOutcome = 'B better' | 'B worse' | 'B higher' | 'B lower' | 'tie';

const OUTCOME_COLORS: Record<ItemOutcome, string> = { 'B better': '#1d6b36', 'B worse': '#a33131', 'B higher': '#2f5f98', 'B lower': '#8a5a1e', tie: '#a9b4c2' };

/** A metric's row label in the charts: its name and which direction is better. */
export function directedLabel(c: Pick<MetricComparison, 'label' | 'better'>): string {
  return `${c.label} (${directionPhrase(c.better)})`;
}

const verdictColor = {
  field: 'verdict',
  type: 'nominal',
  title: 'verdict',
  scale: { domain: Object.keys(VERDICT_COLORS), range: Object.values(VERDICT_COLORS) },
} as const;

const zeroRule = { mark: { type: 'rule', color: ZERO_COLOR, strokeDash: ZERO_DASH }, encoding: { x: { datum: 0, type: 'quantitative' } } } as const;

function forestRow(c: MetricComparison) {
  const interval = c.location.interval;
  return {
    metric: directedLabel(c),
    estimator: c.location.name,
    difference: c.location.estimate,
    meanDifference: c.difference,
    low: interval?.[0] ?? null,
    high: interval?.[1] ?? null,
    // What the interval line spans: the interval, or the point itself when there is none (so
    // every facet's line layer has data and its scale a finite extent).
    lineLow: interval?.[0] ?? c.location.estimate,
    lineHigh: interval?.[1] ?? c.location.estimate,
    lift: c.relativeLift === null ? null : c.relativeLift * PERCENT,
    liftLow: c.liftInterval ? c.liftInterval[0] * PERCENT : null,
    liftHigh: c.liftInterval ? c.liftInterval[1] * PERCENT : null,
    meanA: c.meanA,
    meanB: c.meanB,
    test: c.test,
    p: c.pValue,
    adjustedP: c.adjustedPValue,
    verdict: c.verdict,
  };
}

const forestTooltip = [
  { field: 'metric' },
  { field: 'meanA', type: 'quantitative', title: 'mean A', format: NUMBER_FORMAT },
  { field: 'meanB', type: 'quantitative', title: 'mean B', format: NUMBER_FORMAT },
  { field: 'estimator', title: 'estimate' },
  { field: 'difference', type: 'quantitative', title: 'B − A (estimate)', format: NUMBER_FORMAT },
  { field: 'low', type: 'quantitative', title: 'CI low', format: NUMBER_FORMAT },
  { field: 'high', type: 'quantitative', title: 'CI high', format: NUMBER_FORMAT },
  { field: 'meanDifference', type: 'quantitative', title: 'mean B − mean A', format: NUMBER_FORMAT },
  { field: 'lift', type: 'quantitative', title: 'lift (%)', format: PERCENT_FORMAT },
  { field: 'test' },
  { field: 'adjustedP', type: 'quantitative', title: 'Holm-adjusted p', format: P_FORMAT },
  { field: 'verdict' },
];

/** The estimate of B − A per metric with its interval: one facet row per metric, each with its own x scale that includes 0. */
export function differenceForestSpec(comparisons: readonly MetricComparison[], levelPercent: number): ChartSpec {
  const x = { type: 'quantitative', title: null, scale: { zero: true } } as const;
  return {
    title: {
      text: 'Estimate of B − A per metric',
      subtitle: [
        `point: the location estimate of the test used (mean difference for t-tests, Hodges-Lehmann for rank tests); line: its ${levelPercent}% interval`,
        'dashed line: no difference; each metric on its own scale, in its own unit, labelled with the better direction',
      ],
    },
    data: { values: comparisons.map(forestRow) },
    facet: { row: { field: 'metric', type: 'nominal', title: null, sort: comparisons.map(directedLabel), header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: CHART_WIDTH,
      height: FOREST_ROW_HEIGHT,
      layer: [
        zeroRule,
        { mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED }, encoding: { x: { ...x, field: 'lineLow' }, x2: { field: 'lineHigh' } } },
        { mark: { type: 'point', filled: true, size: POINT_SIZE }, encoding: { x: { ...x, field: 'difference' }, color: verdictColor, tooltip: forestTooltip } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  } as ChartSpec;
}

/** Relative lift (B − A) ÷ A per metric in percent with its interval, on one shared scale. */
export function liftForestSpec(comparisons: readonly MetricComparison[], levelPercent: number): ChartSpec {
  const y = { field: 'metric', type: 'nominal', title: null, sort: comparisons.map(directedLabel) } as const;
  const x = { type: 'quantitative', title: 'relative lift of B over A (%)', scale: { zero: true } } as const;
  return {
    title: { text: 'Relative lift per metric', subtitle: `(mean B − mean A) ÷ mean A; line: ${levelPercent}% interval (delta method on the log ratio, never below −100%); dashed line: no change` },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values: comparisons.map(forestRow).filter((r) => r.lift !== null) },
    layer: [
      zeroRule,
      { mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED }, encoding: { y, x: { ...x, field: 'liftLow' }, x2: { field: 'liftHigh' } } },
      { mark: { type: 'point', filled: true, size: POINT_SIZE }, encoding: { y, x: { ...x, field: 'lift' }, color: verdictColor, tooltip: forestTooltip } },
    ],
  } as ChartSpec;
}

export interface ItemDifference {
  questionId: string;
  a: number;
  b: number;
  difference: number;
  outcome: ItemOutcome;
  /** 1 for the question where B gained most, counting down. */
  rank: number;
}

/**
 * The per-question differences sorted from B's largest gain to its largest loss (for a metric
 * with no better direction, from B's largest excess down); ties within 1e-9. The direction is
 * the comparison's own (`better`); the second argument, the higherIsBetter flag that callers
 * written before passed (the A/B notebook does), is accepted and not used.
 */
export function sortedItemDifferences(c: Pick<MetricComparison, 'perItem' | 'better'>, _legacyHigherIsBetter?: boolean): ItemDifference[] {
  const sign = orientationSign(c.better) || 1;
  return [...c.perItem]
    .sort((p, q) => sign * (q.difference - p.difference) || p.questionId.localeCompare(q.questionId))
    .map((item, index) => {
      const side = favouredSide(item.difference, c.better);
      return { ...item, outcome: side === 'tie' ? 'tie' : favouredWords(side, c.better), rank: index + 1 };
    });
}

/** Bars of B − A per question, sorted best to worst for B; named questions when few, ranks when many. */
export function itemDifferenceSpec(label: string, items: readonly ItemDifference[]): ChartSpec {
  const labelled = items.length <= MAX_LABELLED_QUESTIONS;
  const difference = { field: 'difference', type: 'quantitative', title: `${label}: B − A` } as const;
  const color = {
    field: 'outcome', type: 'nominal', title: 'on this question',
    scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) },
  } as const;
  const tooltip = [
    { field: 'questionId', title: 'question' },
    { field: 'a', type: 'quantitative', title: 'A', format: NUMBER_FORMAT },
    { field: 'b', type: 'quantitative', title: 'B', format: NUMBER_FORMAT },
    { field: 'difference', type: 'quantitative', title: 'B − A', format: NUMBER_FORMAT },
    { field: 'rank', type: 'quantitative' },
  ];
  const common = {
    title: { text: `${label} per question`, subtitle: `B − A for each of the ${items.length} questions both sides scored, sorted from B's largest gain to its largest loss` },
    data: { values: items },
  };
  if (labelled) {
    const y = { field: 'questionId', type: 'nominal', title: 'question', sort: items.map((i) => i.questionId) } as const;
    return {
      ...common,
      width: CHART_WIDTH,
      height: { step: QUESTION_STEP },
      layer: [
        { mark: { type: 'bar' }, encoding: { y, x: difference, color, tooltip } },
        { mark: { type: 'rule', color: ZERO_COLOR }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      ],
    } as ChartSpec;
  }
  return {
    ...common,
    width: CHART_WIDTH,
    height: RANK_CHART_HEIGHT,
    layer: [
      { mark: { type: 'bar' }, encoding: { x: { field: 'rank', type: 'ordinal', title: 'questions, sorted (hover for the id)', axis: { labels: false, ticks: false } }, y: difference, color, tooltip } },
      { mark: { type: 'rule', color: ZERO_COLOR }, encoding: { y: { datum: 0, type: 'quantitative' } } },
    ],
  } as ChartSpec;
}
