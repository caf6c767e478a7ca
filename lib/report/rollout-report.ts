/**
 * Owns the HTML rollout report (`benchlab rollout report`, and `benchlab report` for every
 * experiment stored), rendered from its view model (lib/rollout/rollout-report-data.ts) with
 * lib/report's blocks
 * (page shell, Vega-Lite charts rendered to SVG, tables, assets): the current stage gauge; error
 * rate, processing time and cache hit rate over time per arm with their thresholds; the method
 * breakdown; the per-stage metrics table; the A/B result with its intervals; the gates and
 * triggers of the current look; the decision log; and documents for manual review.
 */
import { chartFigure, chartScripts, renderChart, type Chart, type ChartSpec } from './chart';
import { formatCount, formatDuration, formatMetric, formatMs, formatRate, formatTime } from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import { rolloutReportFileName, standardNav, type ReportContext } from './report-files';
import { renderTable } from './table';
import { ARMS, PERCENT, type Arm } from '../rollout/assignment';
import type { SummaryMetric } from '../rollout/experiment-config';
import type { RolloutReportData, StageMetrics } from '../rollout/rollout-report-data';
import type { ArmSummary } from '../rollout/metrics';

const CHART_WIDTH = 720;
const CHART_HEIGHT = 200;
const GAUGE_HEIGHT = 60;
const ARM_COLORS: Record<Arm, string> = { control: '#7a8595', treatment: '#1f5f9e' };
const THRESHOLD_COLOR = '#a33131';
const THRESHOLD_LABEL_SIZE = 10;
const SIGNIFICANT = 4;

export { rolloutReportFileName };

function round(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : String(Number(value.toPrecision(SIGNIFICANT)));
}

function gaugeSpec(data: RolloutReportData): ChartSpec {
  const { state } = data.assessment;
  return {
    width: CHART_WIDTH,
    height: GAUGE_HEIGHT,
    title: `Treatment share: ${state.percentage}% (stage '${state.config.stages[state.stageIndex]?.name}')`,
    layer: [
      { data: { values: [{ percentage: PERCENT }] }, mark: { type: 'bar', color: '#e6e9ee' }, encoding: { x: { field: 'percentage', type: 'quantitative', scale: { domain: [0, PERCENT] }, title: 'percent of units in treatment' } } },
      { data: { values: [{ percentage: state.percentage }] }, mark: { type: 'bar', color: ARM_COLORS.treatment }, encoding: { x: { field: 'percentage', type: 'quantitative' } } },
      {
        data: { values: state.config.stages.map((s, i) => ({ percentage: s.percentage, stage: `${s.name} ${s.percentage}%`, current: i === state.stageIndex })) },
        mark: { type: 'tick', thickness: 2, color: '#1d2430' },
        encoding: { x: { field: 'percentage', type: 'quantitative' }, tooltip: [{ field: 'stage', type: 'nominal' }] },
      },
    ],
  } as ChartSpec;
}

interface SeriesMetric {
  key: 'errorRate' | 'avgProcessingMs' | 'cacheHitRate';
  gateMetric: SummaryMetric;
  title: string;
  axis: string;
  format?: string;
}

const SERIES_METRICS: SeriesMetric[] = [
  { key: 'errorRate', gateMetric: 'error_rate', title: 'Error rate over time', axis: 'error rate', format: '.1%' },
  { key: 'avgProcessingMs', gateMetric: 'avg_processing_ms', title: 'Average processing time over time', axis: 'ms' },
  { key: 'cacheHitRate', gateMetric: 'cache_hit_rate', title: 'Cache hit rate over time', axis: 'cache hit rate', format: '.0%' },
];

/**
 * Every threshold the configuration sets on a metric (stage and A/B gates, triggers), one per
 * distinct value, labelled with everything set at that value ("gate < 0.05; error-spike > 0.05
 * (rollback)"), lowest first.
 */
export function thresholds(data: RolloutReportData, metric: SummaryMetric): { value: number; label: string }[] {
  const config = data.assessment.state.config;
  const byValue = new Map<number, string[]>();
  const add = (value: number, label: string) => {
    const labels = byValue.get(value) ?? [];
    if (!labels.includes(label)) labels.push(label);
    byValue.set(value, labels);
  };
  for (const [label, gates] of [['gate', config.gates], ['A/B gate', config.ab_gates]] as const) {
    const bounds = gates[metric];
    if (bounds?.below !== undefined) add(bounds.below, `${label} < ${bounds.below}`);
    if (bounds?.above !== undefined) add(bounds.above, `${label} > ${bounds.above}`);
  }
  for (const t of config.triggers.filter((t) => t.metric === metric)) {
    if (t.above !== undefined) add(t.above, `${t.name} > ${t.above} (${t.action})`);
    if (t.below !== undefined) add(t.below, `${t.name} < ${t.below} (${t.action})`);
  }
  return [...byValue.entries()].sort(([a], [b]) => a - b).map(([value, labels]) => ({ value, label: labels.join('; ') }));
}

function seriesSpec(data: RolloutReportData, metric: SeriesMetric): ChartSpec {
  const values = data.series.filter((p) => p[metric.key] !== null).map((p) => ({ time: p.bucketStart.toISOString(), arm: p.arm, value: p[metric.key], events: p.events }));
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    title: metric.title,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'time', type: 'temporal', title: null },
          y: { field: 'value', type: 'quantitative', title: metric.axis, ...(metric.format ? { axis: { format: metric.format } } : {}) },
          color: { field: 'arm', type: 'nominal', scale: { domain: [...ARMS], range: ARMS.map((a) => ARM_COLORS[a]) } },
          tooltip: [{ field: 'time', type: 'temporal' }, { field: 'arm', type: 'nominal' }, { field: 'value', type: 'quantitative', format: metric.format ?? ',.0f' }, { field: 'events', type: 'quantitative' }],
        },
      },
      {
        data: { values: thresholds(data, metric.gateMetric) },
        mark: { type: 'rule', strokeDash: [4, 4], color: THRESHOLD_COLOR },
        encoding: { y: { field: 'value', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal' }] },
      },
      {
        // Each threshold's label, just above its line at the right edge.
        data: { values: thresholds(data, metric.gateMetric) },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -2, dy: -2, fontSize: THRESHOLD_LABEL_SIZE, color: THRESHOLD_COLOR },
        encoding: { y: { field: 'value', type: 'quantitative' }, x: { value: CHART_WIDTH }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  } as ChartSpec;
}

function armRow(arm: Arm, s: ArmSummary, method: string) {
  return { arm, method, s };
}

function summaryColumns<T>(get: (row: T) => ArmSummary) {
  return [
    { header: 'units', numeric: true, cell: (r: T) => formatCount(get(r).units) },
    { header: 'events', numeric: true, cell: (r: T) => formatCount(get(r).events) },
    { header: 'error rate', numeric: true, cell: (r: T) => formatRate(get(r).errorRate) },
    { header: 'avg time (ms)', numeric: true, cell: (r: T) => formatMs(get(r).avgProcessingMs) },
    { header: 'cache hit', numeric: true, cell: (r: T) => formatRate(get(r).cacheHitRate) },
    { header: 'keywords', numeric: true, cell: (r: T) => formatMetric(get(r).avgKeywordCount, 1) },
    { header: 'hallucinated', numeric: true, cell: (r: T) => formatRate(get(r).hallucinationRate) },
    { header: 'quality', numeric: true, cell: (r: T) => formatMetric(get(r).qualityMean) },
  ];
}

function abSection(data: RolloutReportData): SafeHtml {
  if (!data.ab) return html`<p class="note">The experiment has not reached its A/B stage yet.</p>`;
  const { analysis, period } = data.ab;
  const q = analysis.quality;
  const rows: { what: string; value: string; interval: string; note: string }[] = [];
  if (q.source !== 'none') {
    rows.push({ what: `quality, control (${q.source})`, value: round(q.controlMean), interval: '', note: `n = ${q.n.control}` });
    rows.push({ what: `quality, treatment (${q.source})`, value: round(q.treatmentMean), interval: '', note: `n = ${q.n.treatment}` });
    if (q.sequential && !q.sequential.degenerate) {
      const i = q.sequential.interval ?? [Number.NaN, Number.NaN];
      rows.push({ what: 'difference (treatment − control)', value: round(q.sequential.estimate), interval: `[${round(i[0])}, ${round(i[1])}]`, note: `confidence sequence, valid at every look; always-valid p = ${round(q.sequential.pValue)}` });
    } else if (q.sequential) rows.push({ what: 'difference', value: '–', interval: '–', note: q.sequential.reason });
    if (q.lift && !q.lift.degenerate) {
      rows.push({ what: 'relative lift', value: `${round(q.lift.estimate * PERCENT)}%`, interval: `[${round(q.lift.interval[0] * PERCENT)}%, ${round(q.lift.interval[1] * PERCENT)}%]`, note: q.lift.method });
    }
  }
  if (analysis.time.ratio !== null) {
    const lift = analysis.time.lift && !analysis.time.lift.degenerate ? analysis.time.lift : undefined;
    rows.push({
      what: 'processing time ratio (treatment / control)', value: round(analysis.time.ratio),
      interval: lift ? `[${round(1 + lift.interval[0])}, ${round(1 + lift.interval[1])}]` : '', note: `${formatMs(analysis.time.treatmentMs)} ms vs ${formatMs(analysis.time.controlMs)} ms`,
    });
  }
  if (analysis.srm) rows.push({ what: 'sample ratio', value: analysis.srm.degenerate ? '–' : `p = ${round(analysis.srm.pValue)}`, interval: '', note: analysis.srm.sentence });
  return html`<p class="note">A/B stage '${period.stage}' at ${period.percentage}%, ${formatTime(period.from)} – ${formatTime(period.to)}.
Significance is judged with an asymptotic confidence sequence (lib/stats), so the monitor's repeated looks do not inflate false alarms.</p>
${renderTable({
  columns: [
    { header: 'measure', cell: (r) => r.what },
    { header: 'value', numeric: true, cell: (r) => r.value },
    { header: 'interval', numeric: true, cell: (r) => r.interval },
    { header: 'how', cell: (r) => r.note },
  ],
  rows,
  empty: 'No A/B data yet.',
})}`;
}

function stageTable(periods: StageMetrics[]): SafeHtml {
  return renderTable({
    caption: 'Per stage (treatment arm, plus control where it ran)',
    columns: [
      { header: 'stage', cell: (p: StageMetrics) => `${p.stage} (${p.percentage}%)` },
      { header: 'from', cell: (p) => formatTime(p.from), className: () => 'nowrap' },
      { header: 'duration', cell: (p) => formatDuration(p.to.getTime() - p.from.getTime()), className: () => 'nowrap' },
      { header: 'entered by', cell: (p) => p.cause },
      ...summaryColumns<StageMetrics>((p) => p.summaries.treatment),
      { header: 'control error rate', numeric: true, cell: (p) => formatRate(p.summaries.control.errorRate) },
      { header: 'control time (ms)', numeric: true, cell: (p) => formatMs(p.summaries.control.avgProcessingMs) },
      { header: 'nDCG@10 plain / control / treatment', numeric: true, cell: (p) => (p.retrieval ? `${formatMetric(p.retrieval.plain)} / ${formatMetric(p.retrieval.control)} / ${formatMetric(p.retrieval.treatment)}` : '–') },
    ],
    rows: periods,
    empty: 'No stages yet.',
  });
}

function decisionTable(data: RolloutReportData): SafeHtml {
  return html`<p class="note">${data.routineLooks} routine monitor look(s) ('continue', 'ready') are not listed; 'benchlab rollout history' shows them.</p>
${renderTable({
  columns: [
    { header: 'decided at', cell: (d: RolloutReportData['decisions'][number]) => formatTime(d.decidedAt) },
    { header: 'decision', cell: (d) => d.decision },
    { header: 'by', cell: (d) => (d.automatic ? 'monitor' : 'person') },
    { header: 'stage', cell: (d) => (d.fromStage === d.toStage || d.fromStage === null ? String(d.toStage ?? '–') : `${d.fromStage} → ${d.toStage}`) },
    { header: 'why', cell: (d) => String(d.evidence['description'] ?? d.evidence['note'] ?? d.evidence['source'] ?? '') },
  ],
  rows: data.decisions,
  empty: 'No decisions yet.',
})}`;
}

function sampleTable(data: RolloutReportData): SafeHtml {
  return renderTable({
    columns: [
      { header: 'document', cell: (d: RolloutReportData['sample'][number]) => d.docId },
      { header: 'arm', cell: (d) => d.arm },
      { header: 'text', wide: true, cell: (d) => d.excerpt },
      { header: 'frequency keywords', cell: (d) => d.keywords.frequency?.join(', ') ?? '–' },
      { header: 'LLM keywords', cell: (d) => d.error ?? d.keywords.llm?.join(', ') ?? '–', className: (d) => (d.error ? 'error' : undefined) },
      { header: 'hallucinated', cell: (d) => d.hallucinated.join(', ') || '–' },
    ],
    rows: data.sample,
    empty: 'No enriched documents yet.',
  });
}

/** Renders the report page from its data. */
export async function renderRolloutReport(data: RolloutReportData, context: ReportContext): Promise<string> {
  const { state, readiness, triggers } = data.assessment;
  const charts: Chart[] = [await renderChart('rollout-gauge', gaugeSpec(data))];
  for (const metric of SERIES_METRICS) charts.push(await renderChart(`rollout-${metric.gateMetric.replace(/_/g, '-')}`, seriesSpec(data, metric)));
  const [gauge, ...series] = charts;
  const body = html`
<h2>Stage</h2>
${gauge ? chartFigure(gauge, `Stages: ${state.config.stages.map((s) => `${s.name} ${s.percentage}%`).join(' → ')}. Status: ${state.status}; stage started ${formatTime(state.stageStartedAt)}.`) : ''}
<h3>Gates of the current stage</h3>
${renderTable({
  columns: [
    { header: 'gate', cell: (g: (typeof readiness.gates)[number]) => g.gate },
    { header: 'outcome', cell: (g) => g.outcome, className: (g) => (g.outcome === 'fail' ? 'error' : undefined) },
    { header: 'requirement', cell: (g) => g.requirement },
    { header: 'detail', wide: true, cell: (g) => g.detail },
  ],
  rows: readiness.gates,
})}
<h3>Rollback triggers at this look</h3>
${renderTable({
  columns: [
    { header: 'trigger', cell: (t: (typeof triggers)[number]) => t.name },
    { header: 'condition', cell: (t) => t.condition },
    { header: 'value', numeric: true, cell: (t) => round(t.value) },
    { header: 'events', numeric: true, cell: (t) => t.support },
    { header: 'state', cell: (t) => (t.insufficient ? 'too few events' : !t.firing ? 'quiet' : t.acted ? `acted on; episode since ${t.since}` : `firing for ${formatDuration(t.heldMs)} of ${formatDuration(t.forMs)}`) },
    { header: 'action', cell: (t) => `${t.action} (${t.severity})` },
  ],
  rows: triggers,
})}
<h2>Over time</h2>
${series.map((chart, i) => chartFigure(chart, `Per arm, in buckets of ${formatDuration(data.bucketMs)}. Dashed lines: thresholds of gates and triggers on ${SERIES_METRICS[i]?.gateMetric}, each labelled with what is set there.`))}
<h2>Method breakdown</h2>
${renderTable({
  caption: 'Whole experiment, per arm',
  columns: [
    { header: 'arm', cell: (r: ReturnType<typeof armRow>) => r.arm },
    { header: 'method', cell: (r) => r.method },
    ...summaryColumns<ReturnType<typeof armRow>>((r) => r.s),
  ],
  rows: ARMS.map((arm) => armRow(arm, data.overall[arm], data.methods[arm])),
})}
<h2>Per-stage metrics</h2>
${stageTable(data.periods)}
<h2>A/B result</h2>
${abSection(data)}
<h2>Decision log</h2>
${decisionTable(data)}
<h2>Documents for review</h2>
${sampleTable(data)}
`;
  return renderPage({
    title: `Rollout ${state.key}`,
    nav: standardNav(),
    subtitle: `${state.config.description ?? 'staged rollout'} · ${state.status} · stage '${state.config.stages[state.stageIndex]?.name}' at ${state.percentage}%`,
    body,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
