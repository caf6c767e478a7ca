/**
 * The trends report: each metric per generator and configuration across benchmark and
 * retrieval runs over time (runs' started_at), one chart per dataset (runs on different
 * datasets are not comparable), and a table of each series' latest run against its previous
 * one. A series is a generator in one configuration (TrendPoint.series): a changed
 * configuration starts a new, labelled line, so it never reads as a regression of the old one.
 * Renders only the points it is handed (lib/runs/trends-data.ts loads them).
 */
import { MAP_MEASURE, PRIMARY_MEASURE } from '../evaluation/measure-registry';
import { chartFigure, chartScripts, renderChart, type Chart, type ChartSpec } from './chart';
import { formatCount, formatMetric, formatMs, formatRate, formatTime, METRIC_DECIMALS } from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import { runReportFileName, standardNav, type ReportContext } from './report-files';
import { generatorColor } from './run-charts';
import { MISSING, renderTable } from './table';
import { MAX_TREND_RUNS, type TrendPoint } from '../runs/trends-data';

const CHART_WIDTH = 640;
const PANEL_HEIGHT = 130;
const METRIC_FORMAT = '.3f';
const POINT_SIZE = 45;
const LINE_WIDTH = 1.5;
const TIME_FORMAT = '%b %d %H:%M:%S';
const TOOLTIP_TIME_FORMAT = '%Y-%m-%d %H:%M:%S';
/** Time ticks are at least a second apart (labels show seconds at most). */
const MS_PER_SECOND = 1000;

interface TrendMetric {
  label: string;
  axisTitle: string;
  value: (p: TrendPoint) => number | null;
  unitRange: boolean;
}

const TREND_METRICS: TrendMetric[] = [
  { label: PRIMARY_MEASURE.label, axisTitle: `${PRIMARY_MEASURE.label} (0–1)`, value: (p) => p.ndcg10, unitRange: true },
  { label: 'recall@k', axisTitle: 'recall@k (0–1)', value: (p) => p.recall, unitRange: true },
  { label: MAP_MEASURE.label, axisTitle: `${MAP_MEASURE.label} (0–1)`, value: (p) => p.map, unitRange: true },
  { label: 'median latency', axisTitle: 'median latency (ms)', value: (p) => p.latencyP50Ms, unitRange: false },
  { label: 'error rate', axisTitle: 'error rate (share of items)', value: (p) => p.errorRate, unitRange: true },
];

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

/** Legend labels name the configuration in full (also in the static SVG): one per line, below the panels. */
const LEGEND_LABEL_LIMIT_PX = CHART_WIDTH;

/** The colour scale: one colour per series, in a fixed order, with the run reports' scheme. */
function seriesColor(series: readonly string[]) {
  return {
    ...generatorColor(series), field: 'series', title: 'generator (configuration)',
    legend: { orient: 'bottom', direction: 'vertical', columns: 1, labelLimit: LEGEND_LABEL_LIMIT_PX, titleLimit: LEGEND_LABEL_LIMIT_PX },
  } as const;
}

/** The series of some points, ordered by generator, then by when the series first ran. */
export function seriesOrder(points: readonly TrendPoint[]): string[] {
  const first = new Map<string, TrendPoint>();
  for (const p of points) {
    const seen = first.get(p.series);
    if (!seen || p.startedAt < seen.startedAt) first.set(p.series, p);
  }
  return [...first.values()]
    .sort((a, b) => (a.generator < b.generator ? -1 : a.generator > b.generator ? 1 : a.startedAt.getTime() - b.startedAt.getTime() || (a.series < b.series ? -1 : 1)))
    .map((p) => p.series);
}

export function trendSpec(dataset: string, points: TrendPoint[], series: string[]): ChartSpec {
  const values = points.flatMap((p) =>
    TREND_METRICS.flatMap((m) => {
      const value = m.value(p);
      return value === null ? [] : [{
        metric: m.label, value, series: p.series, generator: p.generator, configuration: p.configuration, fingerprint: p.fingerprint,
        runId: p.runId, started: p.startedAt.toISOString(), status: p.status, items: p.items, k: p.recallCutoff,
      }];
    }),
  );
  // One time axis for every panel, also those without the retrieval runs (no latency or error rate).
  const times = points.map((p) => p.startedAt.getTime());
  const first = Math.min(...times);
  const last = Math.max(...times);
  const timeDomain = times.length > 0 && last > first ? { domain: [first, last] } : {};
  return {
    title: {
      text: `Metrics per generator and configuration over time on ${dataset}`,
      subtitle: 'one point per run and generator; a changed configuration starts a new line; drag to pan and scroll to zoom the time axis',
    },
    data: { values },
    vconcat: TREND_METRICS.map((m, i) => ({
      width: CHART_WIDTH,
      height: PANEL_HEIGHT,
      transform: [{ filter: { field: 'metric', equal: m.label } }],
      params: [{ name: `zoom${i}`, select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
      mark: { type: 'line', point: { size: POINT_SIZE }, strokeWidth: LINE_WIDTH },
      encoding: {
        x: {
          field: 'started', type: 'temporal', title: i === TREND_METRICS.length - 1 ? 'run started (UTC)' : null, scale: { type: 'utc', ...timeDomain },
          axis: { format: TIME_FORMAT, tickMinStep: MS_PER_SECOND, labelOverlap: true },
        },
        y: { field: 'value', type: 'quantitative', title: m.axisTitle, ...(m.unitRange ? { scale: { domain: [0, 1] } } : { scale: { zero: true } }) },
        color: seriesColor(series),
        tooltip: [
          { field: 'runId', title: 'run' }, { field: 'generator' }, { field: 'configuration' }, { field: 'fingerprint' }, { field: 'metric' },
          { field: 'value', type: 'quantitative', format: METRIC_FORMAT },
          { field: 'started', type: 'temporal', title: 'started (UTC)', timeUnit: 'utcyearmonthdatehoursminutesseconds', format: TOOLTIP_TIME_FORMAT },
          { field: 'status' }, { field: 'items', type: 'quantitative' }, { field: 'k', title: 'recall cutoff k' },
        ],
      },
    })),
    resolve: { scale: { color: 'shared' } },
  } as ChartSpec;
}

interface LatestRow {
  generator: string;
  latest: TrendPoint;
  /** The series' run before the latest: same generator, same configuration. */
  previous: TrendPoint | undefined;
}

function latestRows(points: TrendPoint[]): LatestRow[] {
  const bySeries = new Map<string, TrendPoint[]>();
  for (const p of points) {
    const list = bySeries.get(p.series);
    if (list) list.push(p);
    else bySeries.set(p.series, [p]);
  }
  return seriesOrder(points).flatMap((series) => {
    const sorted = [...(bySeries.get(series) ?? [])].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const latest = sorted[sorted.length - 1];
    return latest ? [{ generator: latest.generator, latest, previous: sorted[sorted.length - 2] }] : [];
  });
}

function change(latest: number | null, previous: number | null | undefined): string {
  if (latest === null || previous === null || previous === undefined) return MISSING;
  const diff = Number((latest - previous).toFixed(METRIC_DECIMALS));
  if (diff === 0) return (0).toFixed(METRIC_DECIMALS);
  return `${diff > 0 ? '+' : ''}${diff.toFixed(METRIC_DECIMALS)}`;
}

function latestTable(points: TrendPoint[], reportFiles: ReadonlySet<string>): SafeHtml {
  const runLink = (p: TrendPoint) => {
    const file = runReportFileName(p.runId);
    return reportFiles.has(file) ? html`<a href="${file}">${p.runId}</a>` : p.runId;
  };
  return renderTable({
    caption: 'Latest run per generator and configuration against its previous run in the same configuration',
    rows: latestRows(points),
    columns: [
      {
        header: 'generator',
        cell: (r) => (r.latest.configurationLabel === '' ? r.generator : html`${r.generator}<br><small class="caption">${r.latest.configurationLabel}</small>`),
      },
      { header: 'latest run', cell: (r) => runLink(r.latest), className: () => 'nowrap' },
      { header: 'started', cell: (r) => formatTime(r.latest.startedAt), className: () => 'nowrap' },
      { header: 'items', numeric: true, cell: (r) => formatCount(r.latest.items) },
      { header: PRIMARY_MEASURE.label, numeric: true, cell: (r) => formatMetric(r.latest.ndcg10) },
      { header: `Δ ${PRIMARY_MEASURE.label}`, numeric: true, title: 'latest minus previous run', cell: (r) => change(r.latest.ndcg10, r.previous?.ndcg10) },
      { header: 'recall@k', numeric: true, cell: (r) => formatMetric(r.latest.recall) },
      { header: MAP_MEASURE.label, numeric: true, cell: (r) => formatMetric(r.latest.map) },
      { header: `Δ ${MAP_MEASURE.label}`, numeric: true, cell: (r) => change(r.latest.map, r.previous?.map) },
      { header: 'median ms', numeric: true, cell: (r) => formatMs(r.latest.latencyP50Ms) },
      { header: 'error rate', numeric: true, title: 'share of items attempted that gave no usable query; items not attempted (circuit open) are not errors', cell: (r) => formatRate(r.latest.errorRate) },
      { header: 'previous run', cell: (r) => (r.previous ? runLink(r.previous) : null), className: () => 'nowrap' },
      { header: 'configuration', wide: true, title: 'the settings of this configuration; a label in the chart legend names those that differ between configurations', cell: (r) => r.latest.configuration },
      { header: 'fingerprint', title: 'hash of the dataset, generator and settings; runs with the same fingerprint are one line', cell: (r) => r.latest.fingerprint, className: () => 'nowrap' },
    ],
  });
}

/** The trends page. `reportFiles` are the file names in the output folder, for links to run reports. */
export async function renderTrendsPage(points: TrendPoint[], context: ReportContext, reportFiles: ReadonlySet<string>): Promise<string> {
  const datasets = [...new Set(points.map((p) => p.dataset))].sort();
  const benchRuns = new Set(points.filter((p) => p.kind === 'bench').map((p) => p.runId)).size;
  const retrievalRuns = new Set(points.filter((p) => p.kind === 'retrieve').map((p) => p.runId)).size;
  const charts: Chart[] = [];
  const sections: SafeHtml[] = [];
  for (const dataset of datasets) {
    const subset = points.filter((p) => p.dataset === dataset);
    const chart = await renderChart(`trend-${slug(dataset)}-${charts.length}`, trendSpec(dataset, subset, seriesOrder(subset)));
    charts.push(chart);
    sections.push(html`<section><h2>Dataset ${dataset}</h2>
${chartFigure(chart, `Means over each run's items per generator; one line per generator and configuration, labelled in the legend with the settings that differ. recall@k uses each run's own cutoff (the suite's top_k, a retrieval run's top). Median latency excludes cache hits, so a run answered from the cache has no latency point. Retrieval runs (retrieve:bm25, over the dataset's own queries) have no latency or error rate.`)}
${latestTable(subset, reportFiles)}
</section>`);
  }
  const body = points.length === 0
    ? html`<p class="note">No benchmark or retrieval runs yet. Run <code>benchlab run</code> or <code>benchlab retrieve</code>, then <code>benchlab report</code>.</p>`
    : html`<p class="note">${formatCount(benchRuns)} benchmark run(s) and ${formatCount(retrievalRuns)} retrieval run(s) on ${formatCount(datasets.length)} dataset(s), newest ${MAX_TREND_RUNS} runs at most. Runs are grouped by a fingerprint of their configuration: dataset, generator, model, prompt version, generation options and retrieval settings (top_k, BM25 k1 and b, baseline parameters such as the TF-IDF keywords). A changed configuration starts a new line, labelled with what changed.</p>
${sections}`;
  return renderPage({
    title: 'Trends across runs',
    subtitle: 'Quality, latency and errors per generator and configuration over time',
    nav: standardNav(),
    body,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
