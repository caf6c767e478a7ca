/**
 * The Vega-Lite specs of a run report, built from data that DuckDB has already aggregated:
 * quality with confidence intervals, quality against latency, latency quartiles, the LLM call
 * time histogram, tokens/s, item outcomes (error, not attempted, cached, fresh), and the
 * per-question heat map.
 * Every generator keeps one colour across the report's charts.
 */
import { PRIMARY_MEASURE } from '../evaluation/measure-registry';
import type { ChartSpec } from './chart';
import type { ErrorCounts, HeatCell, HistogramBin, LatencyBox, MeasureInterval, TokenRate } from '../runs/run-report-data';

const CHART_WIDTH = 640;
const FACET_WIDTH = 230;
const ROW_STEP = 24;
const POINT_SIZE = 70;
const BOX_SIZE = 14;
const RULE_WIDTH = 2;
const HISTOGRAM_HEIGHT = 110;
const SCATTER_HEIGHT = 340;
const HEAT_CELL = 18;
/** A log latency axis is used when the latencies span more than this factor. */
const LOG_SCALE_SPAN = 100;
/** Roughly how many labelled ticks a latency axis gets. */
const LATENCY_TICKS = 6;
const COLOR_SCHEME = 'tableau10';
const MUTED = '#7a8699';
const OUTCOME_COLORS = { error: '#c0392b', 'not attempted': '#e3a33b', cached: '#a9b4c2', fresh: '#2e6fb0' } as const;
/** Stacking order of the outcomes, left to right. */
const OUTCOME_ORDER: Record<keyof typeof OUTCOME_COLORS, number> = { error: 0, 'not attempted': 1, cached: 2, fresh: 3 };
const METRIC_FORMAT = '.3f';
const MS_FORMAT = ',.1f';

/** The colour scale shared by a report's charts: one colour per generator, in a fixed order. */
export function generatorColor(generators: readonly string[]) {
  return { field: 'generator', type: 'nominal', title: 'generator', scale: { domain: [...generators], scheme: COLOR_SCHEME } } as const;
}

/** Whether a latency axis should be logarithmic (all positive, spanning orders of magnitude). */
export function useLogScale(low: number, high: number): boolean {
  return low > 0 && high / low > LOG_SCALE_SPAN;
}

export function qualitySpec(quality: MeasureInterval[], generators: string[], measureOrder: string[], title: string): ChartSpec {
  const y = { field: 'generator', type: 'nominal', title: null, sort: generators } as const;
  return {
    title: { text: title, subtitle: 'mean over items (question × repeat); bars: 95% t-interval' },
    data: { values: quality.map((q) => ({ generator: q.generator, measure: q.label, mean: q.mean, low: q.low, high: q.high, n: q.n })) },
    facet: { column: { field: 'measure', type: 'nominal', title: null, sort: measureOrder } },
    spec: {
      width: FACET_WIDTH,
      height: { step: ROW_STEP },
      layer: [
        {
          mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED },
          encoding: { y, x: { field: 'low', type: 'quantitative', title: 'score (0–1)', scale: { domain: [0, 1] } }, x2: { field: 'high' } },
        },
        {
          mark: { type: 'point', filled: true, size: POINT_SIZE },
          encoding: {
            y,
            x: { field: 'mean', type: 'quantitative' },
            color: { ...generatorColor(generators), legend: null },
            tooltip: [
              { field: 'generator' }, { field: 'measure' },
              { field: 'mean', type: 'quantitative', format: METRIC_FORMAT },
              { field: 'low', type: 'quantitative', title: '95% CI low', format: METRIC_FORMAT },
              { field: 'high', type: 'quantitative', title: '95% CI high', format: METRIC_FORMAT },
              { field: 'n', type: 'quantitative', title: 'items' },
            ],
          },
        },
      ],
    },
  } as ChartSpec;
}

export interface TradeoffPoint {
  generator: string;
  latencyMs: number;
  ndcg10: number;
  low: number | null;
  high: number | null;
}

/** nDCG@10 against median latency, one point per generator, with zoom and pan. */
export function tradeoffSpec(points: TradeoffPoint[], generators: string[]): ChartSpec {
  const latencies = points.map((p) => p.latencyMs);
  const log = useLogScale(Math.min(...latencies), Math.max(...latencies));
  const x = { field: 'latencyMs', type: 'quantitative', title: `median latency per item, non-cached (ms${log ? ', log scale' : ''})`, axis: { tickCount: LATENCY_TICKS }, scale: log ? { type: 'log' } : { type: 'linear', zero: false } } as const;
  return {
    title: { text: 'Quality against latency', subtitle: 'nDCG@10 mean with 95% t-interval; drag to pan, scroll to zoom' },
    width: CHART_WIDTH,
    height: SCATTER_HEIGHT,
    data: { values: points },
    layer: [
      { mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      {
        params: [{ name: 'zoom', select: 'interval', bind: 'scales' }],
        mark: { type: 'point', filled: true, size: POINT_SIZE * 2 },
        encoding: {
          x,
          y: { field: 'ndcg10', type: 'quantitative', title: 'nDCG@10 (0–1)', scale: { domain: [0, 1] } },
          color: generatorColor(generators),
          tooltip: [
            { field: 'generator' },
            { field: 'latencyMs', type: 'quantitative', title: 'median latency (ms)', format: MS_FORMAT },
            { field: 'ndcg10', type: 'quantitative', title: PRIMARY_MEASURE.label, format: METRIC_FORMAT },
          ],
        },
      },
    ],
  } as ChartSpec;
}

/** Box plot from SQL quantiles: whiskers 5th–95th percentile, box quartiles, tick median. */
export function latencyBoxSpec(boxes: LatencyBox[], generators: string[]): ChartSpec {
  const log = useLogScale(Math.min(...boxes.map((b) => b.p5)), Math.max(...boxes.map((b) => b.p95)));
  const y = { field: 'generator', type: 'nominal', title: null, sort: generators } as const;
  const x = { type: 'quantitative', title: `latency per item, non-cached (ms${log ? ', log scale' : ''})`, axis: { tickCount: LATENCY_TICKS }, scale: log ? { type: 'log' } : { type: 'linear', zero: true } } as const;
  const tooltip = [
    { field: 'generator' }, { field: 'n', type: 'quantitative', title: 'items' },
    ...(['p5', 'q1', 'median', 'q3', 'p95', 'max'] as const).map((f) => ({ field: f, type: 'quantitative', title: `${f} (ms)`, format: MS_FORMAT })),
  ];
  return {
    title: { text: 'Latency per item', subtitle: 'box: quartiles; line: median; whiskers: 5th–95th percentile; cached items excluded' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP + ROW_STEP / 2 },
    data: { values: boxes },
    layer: [
      { mark: { type: 'rule', color: MUTED }, encoding: { y, x: { ...x, field: 'p5' }, x2: { field: 'p95' } } },
      { mark: { type: 'bar', size: BOX_SIZE }, encoding: { y, x: { ...x, field: 'q1' }, x2: { field: 'q3' }, color: { ...generatorColor(generators), legend: null }, tooltip } },
      { mark: { type: 'tick', color: 'white', size: BOX_SIZE, thickness: RULE_WIDTH }, encoding: { y, x: { ...x, field: 'median' } } },
    ],
  } as ChartSpec;
}

/** Histogram of LLM call wall times (bins from SQL), one row per model. */
export function callLatencySpec(bins: HistogramBin[]): ChartSpec {
  return {
    title: { text: 'LLM call time distribution', subtitle: 'wall time per call as the client measured it; cache hits excluded' },
    data: { values: bins.map((b) => ({ model: b.group, start: b.start, end: b.end, calls: b.count })) },
    facet: { row: { field: 'model', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: CHART_WIDTH - FACET_WIDTH / 2,
      height: HISTOGRAM_HEIGHT,
      mark: { type: 'bar', color: '#2e6fb0', binSpacing: 1 },
      encoding: {
        x: { field: 'start', type: 'quantitative', title: 'wall time per call (ms)', bin: { binned: true } },
        x2: { field: 'end' },
        y: { field: 'calls', type: 'quantitative', title: 'calls' },
        tooltip: [
          { field: 'model' },
          { field: 'start', type: 'quantitative', title: 'from (ms)', format: MS_FORMAT },
          { field: 'end', type: 'quantitative', title: 'to (ms)', format: MS_FORMAT },
          { field: 'calls', type: 'quantitative' },
        ],
      },
    },
  } as ChartSpec;
}

export function tokenRateSpec(rates: TokenRate[]): ChartSpec {
  const y = { field: 'model', type: 'nominal', title: null } as const;
  return {
    title: { text: 'Generation speed', subtitle: 'tokens/s reported by the server (eval tokens ÷ eval time); bar: mean; line: 5th–95th percentile' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP + ROW_STEP / 2 },
    data: { values: rates.map((r) => ({ model: r.model, mean: r.mean, p5: r.p5, p95: r.p95, median: r.median, n: r.n })) },
    layer: [
      {
        mark: { type: 'bar', color: '#2e6fb0', size: BOX_SIZE },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative', title: 'tokens per second (generation)' },
          tooltip: [
            { field: 'model' }, { field: 'n', type: 'quantitative', title: 'calls' },
            ...(['mean', 'median', 'p5', 'p95'] as const).map((f) => ({ field: f, type: 'quantitative', title: `${f} (tokens/s)`, format: MS_FORMAT })),
          ],
        },
      },
      { mark: { type: 'rule', color: '#1d2430', strokeWidth: RULE_WIDTH }, encoding: { y, x: { field: 'p5', type: 'quantitative' }, x2: { field: 'p95' } } },
    ],
  } as ChartSpec;
}

/**
 * Share of items per generator that failed (attempted, nothing usable), were never attempted
 * (the model's circuit stayed open), came usable from the response cache, or were computed fresh.
 */
export function outcomeSpec(errors: ErrorCounts[], generators: string[]): ChartSpec {
  const values = errors.flatMap((e) => {
    const outcomes: [keyof typeof OUTCOME_COLORS, number][] = [
      ['error', e.errors],
      ['not attempted', e.notAttempted],
      ['cached', e.cachedOk],
      ['fresh', Math.max(0, e.items - e.errors - e.notAttempted - e.cachedOk)],
    ];
    return outcomes.map(([outcome, items]) => ({ generator: e.generator, outcome, rank: OUTCOME_ORDER[outcome], items, total: e.items }));
  });
  return {
    title: { text: 'Item outcomes', subtitle: 'share of items per generator: error (nothing usable came back), not attempted (circuit open), answered from the cache, or computed fresh' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'generator', type: 'nominal', title: null, sort: generators },
      x: { field: 'items', type: 'quantitative', stack: 'normalize', title: 'share of items', axis: { format: '%' } },
      color: {
        field: 'outcome', type: 'nominal', title: 'outcome',
        scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) },
      },
      order: { field: 'rank', type: 'quantitative', sort: 'ascending' },
      tooltip: [{ field: 'generator' }, { field: 'outcome' }, { field: 'items', type: 'quantitative' }, { field: 'total', type: 'quantitative', title: 'all items' }],
    },
  } as ChartSpec;
}

/** nDCG@10 per question and generator (mean over repeats). */
export function heatmapSpec(cells: HeatCell[], generators: string[]): ChartSpec {
  return {
    title: { text: 'nDCG@10 per question', subtitle: 'mean over repeats; darker is better' },
    data: { values: cells },
    width: { step: HEAT_CELL * 2 },
    height: { step: HEAT_CELL },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: { field: 'generator', type: 'nominal', title: null, sort: generators, axis: { labelAngle: -30, labelAlign: 'right' } },
      y: { field: 'queryId', type: 'nominal', title: 'question' },
      color: { field: 'ndcg10', type: 'quantitative', title: PRIMARY_MEASURE.label, scale: { domain: [0, 1], scheme: 'blues' } },
      tooltip: [{ field: 'queryId', title: 'question' }, { field: 'generator' }, { field: 'ndcg10', type: 'quantitative', title: PRIMARY_MEASURE.label, format: METRIC_FORMAT }],
    },
  } as ChartSpec;
}

/** Histogram of one 0..1 measure over queries (retrieval runs). */
export function measureHistogramSpec(bins: HistogramBin[], label: string): ChartSpec {
  return {
    title: { text: `${label} per query`, subtitle: 'number of queries per score bin' },
    width: CHART_WIDTH,
    height: SCATTER_HEIGHT / 2,
    data: { values: bins.map((b) => ({ start: b.start, end: b.end, queries: b.count })) },
    mark: { type: 'bar', color: '#2e6fb0', binSpacing: 1 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: `${label} (0–1)`, bin: { binned: true }, scale: { domain: [0, 1] } },
      x2: { field: 'end' },
      y: { field: 'queries', type: 'quantitative', title: 'queries' },
      tooltip: [{ field: 'start', title: 'from', format: METRIC_FORMAT }, { field: 'end', title: 'to', format: METRIC_FORMAT }, { field: 'queries', type: 'quantitative' }],
    },
  } as ChartSpec;
}

/** Mean of each 0..1 measure with its 95% interval (retrieval runs: one system). */
export function measureMeansSpec(measures: MeasureInterval[]): ChartSpec {
  const y = { field: 'measure', type: 'nominal', title: null, sort: measures.map((m) => m.label) } as const;
  return {
    title: { text: 'Mean per measure', subtitle: 'mean over judged queries; line: 95% t-interval' },
    width: CHART_WIDTH,
    height: { step: ROW_STEP },
    data: { values: measures.map((m) => ({ measure: m.label, mean: m.mean, low: m.low, high: m.high, n: m.n })) },
    layer: [
      { mark: { type: 'rule', strokeWidth: RULE_WIDTH, color: MUTED }, encoding: { y, x: { field: 'low', type: 'quantitative', title: 'score (0–1)', scale: { domain: [0, 1] } }, x2: { field: 'high' } } },
      {
        mark: { type: 'point', filled: true, size: POINT_SIZE, color: '#2e6fb0' },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative' },
          tooltip: [
            { field: 'measure' }, { field: 'mean', type: 'quantitative', format: METRIC_FORMAT },
            { field: 'low', type: 'quantitative', title: '95% CI low', format: METRIC_FORMAT },
            { field: 'high', type: 'quantitative', title: '95% CI high', format: METRIC_FORMAT },
            { field: 'n', type: 'quantitative', title: 'queries' },
          ],
        },
      },
    ],
  } as ChartSpec;
}
