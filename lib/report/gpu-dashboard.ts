/**
 * The GPU dashboard, reports/gpu.html: per device utilization, memory, power and temperature
 * over time with the runs shaded and their phase marks, alert markers and tables (temperature
 * over the threshold, memory near full, throttling, a lost GPU, tool problems), the models
 * Ollama had loaded and how much of each sat in GPU memory, and the GPU summary of each run
 * (energy, Wh per 1,000 tokens, peaks) from summarizeGpuRun. The data is aggregated in DuckDB
 * (lib/gpu/gpu-dashboard-data.ts, gathered by lib/publish), so a week of 1-second samples stays a page of a few hundred KB.
 * Every text from the store (GPU names, model names, messages) is escaped.
 */
import { chartFigure, chartScripts, renderChart, type Chart, type ChartSpec } from './chart';
import { formatCount, formatMetric, formatRate, formatTime } from './format';
import { alertKindInfo, sortAlertKinds } from './gpu-alert-kinds';
import { gpuTimelineSpec, ollamaModelsSpec } from './gpu-dashboard-charts';
import {
  DEFAULT_WINDOW_DAYS, MAX_DEVICES, MAX_PHASE_MARKS, MAX_PS_SEGMENTS, MAX_PS_SERIES, MAX_RUN_OVERLAYS,
  type AlertRow, type GpuDashboardData, type GpuDashboardWindowOptions, type GpuDevice, type GpuWindow, type RunGpuSummary,
} from '../gpu/gpu-dashboard-data';
import { describeBucket } from '../gpu/gpu-time-buckets';
import { html, renderPage, type SafeHtml } from './html-page';
import { runReportFileName, standardNav, type ReportContext, GPU_DASHBOARD_FILE } from './report-files';
import { MISSING, renderTable } from './table';
import type { GpuGroupSummary } from '../gpu/run-summary';
import { ALERT_KIND } from '../gpu/gpu-alerts';

/** The dashboard's file in the reports folder. */
export { GPU_DASHBOARD_FILE };

const MIB_PER_GIB = 1024;
const ISO_SECONDS_LENGTH = 19;
const ENERGY_DECIMALS = 3;
const ONE_DECIMAL = 1;
const TWO_DECIMALS = 2;
/** Alert lists up to this long are shown unfolded. */
const ALERT_ROWS_OPEN = 20;

/** "2026-01-01 12:00:05 UTC": alerts need seconds. */
function formatSeconds(date: Date): string {
  return `${date.toISOString().slice(0, ISO_SECONDS_LENGTH).replace('T', ' ')} UTC`;
}

const gib = (mib: number | null) => (mib === null ? MISSING : formatMetric(mib / MIB_PER_GIB, TWO_DECIMALS));
const one = (v: number | null) => formatMetric(v, ONE_DECIMAL);

function runLink(runId: string, reportFiles: ReadonlySet<string>): string | SafeHtml {
  const file = runReportFileName(runId);
  return reportFiles.has(file) ? html`<a href="${file}">${runId}</a>` : runId;
}

function onGpu(group: GpuGroupSummary): string {
  if (group.fullyOnGpu === null) return MISSING;
  if (group.fullyOnGpu) return 'fully';
  return group.minOffloadShare === null ? 'partly' : `partly (min ${formatRate(group.minOffloadShare)})`;
}

function alertValue(row: Pick<AlertRow, 'kind'>, value: number | null): string {
  if (value === null) return MISSING;
  return row.kind === ALERT_KIND.memory ? formatRate(value) : one(value);
}

function deviceTable(devices: GpuDevice[]): SafeHtml {
  return renderTable({
    caption: 'Devices in the window (hover a name for its uuid, host and tool)',
    rows: devices,
    columns: [
      { header: 'device', cell: (d) => html`<span title="${`${d.uuid} on ${d.host}, read with ${d.source}`}">${d.label}</span>` },
      { header: 'memory GiB', numeric: true, cell: (d) => gib(d.memoryTotalMib) },
      { header: 'samples', numeric: true, title: 'readings the rows stand for (downsampled rows count every sample they summarize)', cell: (d) => formatCount(d.samples) },
      {
        header: 'resolution', title: 'seconds between samples; two values: older rows were downsampled by the retention job',
        cell: (d) => (d.finestResolutionS === d.coarsestResolutionS ? `${d.finestResolutionS} s` : `${d.finestResolutionS}–${d.coarsestResolutionS} s`),
        className: () => 'nowrap',
      },
      { header: 'last seen', cell: (d) => formatTime(d.lastAt), className: () => 'nowrap' },
      { header: 'mean util %', numeric: true, cell: (d) => one(d.meanUtilizationPct) },
      { header: 'peak util %', numeric: true, cell: (d) => one(d.peakUtilizationPct) },
      { header: 'peak mem GiB', numeric: true, cell: (d) => gib(d.peakMemoryUsedMib) },
      { header: 'mean W', numeric: true, cell: (d) => one(d.meanPowerW) },
      { header: 'peak W', numeric: true, cell: (d) => one(d.peakPowerW) },
      { header: 'energy Wh', numeric: true, title: 'power integrated over time (trapezoids); gaps longer than 3 sample intervals are not bridged', cell: (d) => formatMetric(d.energyWh, ENERGY_DECIMALS) },
      { header: 'peak °C', numeric: true, cell: (d) => one(d.peakTemperatureC) },
    ],
  });
}

function alertTables(data: GpuDashboardData): SafeHtml {
  const labels = new Map(data.devices.map((d) => [`${d.host}\u0000${d.uuid}`, d.label]));
  const device = (a: AlertRow) => (a.gpuUuid === null ? 'the tool' : labels.get(`${a.host}\u0000${a.gpuUuid}`) ?? a.gpuUuid);
  const order = sortAlertKinds(data.alertKinds.map((k) => k.kind));
  const kinds = [...data.alertKinds].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const counts = renderTable({
    caption: 'Alerts per kind in the window',
    rows: kinds,
    empty: 'No alerts in the window: no temperature over the threshold, no memory near full, no throttling, no lost GPU, no tool problem.',
    columns: [
      { header: 'alert', cell: (k) => html`<span style="color:${alertKindInfo(k.kind).color}">●</span> ${alertKindInfo(k.kind).label}` },
      { header: 'kind', cell: (k) => html`<span class="mono">${k.kind}</span>` },
      { header: 'count', numeric: true, cell: (k) => formatCount(k.count) },
      { header: 'GPUs', numeric: true, title: 'distinct GPUs named by these alerts (0: about the tool, not a GPU)', cell: (k) => formatCount(k.gpus) },
      { header: 'first', cell: (k) => formatSeconds(k.first), className: () => 'nowrap' },
      { header: 'last', cell: (k) => formatSeconds(k.last), className: () => 'nowrap' },
    ],
  });
  if (data.alerts.length === 0) return counts;
  const shown = data.totals.alerts > data.alerts.length ? `the newest ${formatCount(data.alerts.length)} of ${formatCount(data.totals.alerts)}` : 'newest first';
  const rows = renderTable({
    rows: data.alerts,
    columns: [
      { header: 'raised', cell: (a) => formatSeconds(a.raisedAt), className: () => 'nowrap' },
      { header: 'alert', cell: (a) => alertKindInfo(a.kind).label, className: (a) => (alertKindInfo(a.kind).gpu ? 'error' : undefined) },
      { header: 'device', cell: (a) => device(a) },
      { header: 'message', cell: (a) => a.message },
      { header: 'value', numeric: true, cell: (a) => alertValue(a, a.value) },
      { header: 'threshold', numeric: true, cell: (a) => alertValue(a, a.threshold) },
      { header: 'run', cell: (a) => a.runId, className: () => 'nowrap' },
    ],
  });
  // A long list stays folded, so the sections after it are a short scroll away.
  const open = data.alerts.length <= ALERT_ROWS_OPEN;
  return html`${counts}
<details${open ? html` open` : ''}><summary>Alerts (${shown})</summary>
${rows}
</details>`;
}

function runTables(summaries: RunGpuSummary[], total: number, reportFiles: ReadonlySet<string>): SafeHtml {
  const caption = total > summaries.length ? `GPU per run (the newest ${formatCount(summaries.length)} of ${formatCount(total)} runs with samples)` : 'GPU per run (newest first)';
  const runs = renderTable({
    caption,
    rows: summaries,
    empty: 'No samples in the window belong to a run. Benchmark runs sample the GPU while they call an LLM (suite gpu_sampling, on by default); `benchlab gpu` and the gpu-sample job record samples without a run.',
    columns: [
      { header: 'run', cell: (r) => runLink(r.runId, reportFiles), className: () => 'nowrap' },
      { header: 'suite', cell: (r) => r.suite ?? r.kind },
      { header: 'started', cell: (r) => formatTime(r.startedAt), className: () => 'nowrap' },
      { header: 'GPUs', numeric: true, cell: (r) => formatCount(r.summary.total.gpus) },
      { header: 'samples', numeric: true, cell: (r) => formatCount(r.summary.total.samples) },
      { header: 'mean util %', numeric: true, cell: (r) => one(r.summary.total.meanUtilizationPct) },
      { header: 'peak util %', numeric: true, cell: (r) => one(r.summary.total.peakUtilizationPct) },
      { header: 'peak mem GiB', numeric: true, cell: (r) => gib(r.summary.total.peakMemoryUsedMib) },
      { header: 'mean W', numeric: true, title: 'mean power of one GPU reading', cell: (r) => one(r.summary.total.meanPowerW) },
      { header: 'energy Wh', numeric: true, title: 'all GPUs together', cell: (r) => formatMetric(r.summary.total.energyWh, ENERGY_DECIMALS) },
      { header: 'eval tokens', numeric: true, title: 'tokens generated by the run\u2019s uncached LLM calls', cell: (r) => formatCount(r.summary.total.evalTokens) },
      { header: 'Wh / 1k tokens', numeric: true, cell: (r) => formatMetric(r.summary.total.whPer1kTokens, ENERGY_DECIMALS) },
      { header: 'peak °C', numeric: true, cell: (r) => one(r.summary.total.peakTemperatureC) },
      { header: 'on GPU', title: 'whether Ollama held the models fully in GPU memory (size_vram = size)', cell: (r) => onGpu(r.summary.total) },
      {
        header: 'alerts', numeric: true, title: 'alerts raised during the run (hover a count for the kinds)',
        cell: (r) => {
          const kinds = Object.entries(r.summary.alerts);
          if (kinds.length === 0) return null;
          const total = kinds.reduce((n, [, count]) => n + count, 0);
          return html`<span title="${kinds.map(([k, n]) => `${alertKindInfo(k).label} ×${n}`).join(', ')}">${formatCount(total)}</span>`;
        },
      },
    ],
  });
  const groups = summaries.flatMap((r) => r.summary.groups.filter((g) => g.model !== null).map((g) => ({ runId: r.runId, group: g })));
  if (groups.length === 0) return runs;
  const perModel = renderTable({
    caption: 'GPU per run, model and phase (samples attributed to the model whose phase or LLM call was under way)',
    rows: groups,
    rowClass: (row, i) => (i > 0 && groups[i - 1]?.runId !== row.runId ? 'group-start' : undefined),
    columns: [
      { header: 'run', cell: (r) => runLink(r.runId, reportFiles), className: () => 'nowrap' },
      { header: 'model', cell: (r) => r.group.model },
      { header: 'phase', cell: (r) => r.group.phase },
      { header: 'samples', numeric: true, cell: (r) => formatCount(r.group.samples) },
      { header: 'mean util %', numeric: true, cell: (r) => one(r.group.meanUtilizationPct) },
      { header: 'peak mem GiB', numeric: true, cell: (r) => gib(r.group.peakMemoryUsedMib) },
      { header: 'mean W', numeric: true, cell: (r) => one(r.group.meanPowerW) },
      { header: 'energy Wh', numeric: true, cell: (r) => formatMetric(r.group.energyWh, ENERGY_DECIMALS) },
      { header: 'eval tokens', numeric: true, cell: (r) => formatCount(r.group.evalTokens) },
      { header: 'Wh / 1k tokens', numeric: true, cell: (r) => formatMetric(r.group.whPer1kTokens, ENERGY_DECIMALS) },
      { header: 'on GPU', cell: (r) => onGpu(r.group) },
    ],
  });
  return html`${runs}\n${perModel}`;
}

/** Plain statements first: what was measured, what went wrong, what was left out. */
function findings(data: GpuDashboardData, window: GpuWindow): SafeHtml {
  const lines: (string | SafeHtml)[] = [];
  const samples = data.devices.reduce((n, d) => n + d.samples, 0);
  const hosts = new Set(data.devices.map((d) => d.host)).size;
  if (data.devices.length > 0) {
    lines.push(`${formatCount(data.totals.devices)} GPU(s) on ${formatCount(hosts)} host(s), ${formatCount(samples)} sample(s) in ${formatCount(data.totals.sampleRows)} row(s), charted in ${describeBucket(window.bucketS)} buckets.`);
  } else {
    lines.push('No GPU samples in the window (only alerts or Ollama polls).');
  }
  const hot = [...data.devices].filter((d) => d.peakTemperatureC !== null).sort((a, b) => (b.peakTemperatureC ?? 0) - (a.peakTemperatureC ?? 0))[0];
  if (hot) lines.push(`Hottest: ${hot.label} at ${one(hot.peakTemperatureC)} °C.`);
  const energy = data.devices.reduce((wh, d) => wh + d.energyWh, 0);
  if (data.devices.length > 0) lines.push(`Energy over the window: ${formatMetric(energy, ENERGY_DECIMALS)} Wh (all GPUs, gaps not bridged).`);
  const gpuAlerts = data.alertKinds.filter((k) => alertKindInfo(k.kind).gpu);
  if (gpuAlerts.length > 0) lines.push(html`<strong>GPU alerts:</strong> ${gpuAlerts.map((k) => `${alertKindInfo(k.kind).label} ×${formatCount(k.count)}`).join(', ')}.`);
  const toolAlerts = data.alertKinds.filter((k) => !alertKindInfo(k.kind).gpu);
  if (toolAlerts.length > 0) lines.push(`Tool problems: ${toolAlerts.map((k) => `${alertKindInfo(k.kind).label} ×${formatCount(k.count)}`).join(', ')}.`);
  if (data.devices.some((d) => d.coarsestResolutionS > d.finestResolutionS)) lines.push('Some rows are downsampled (older samples kept as per-bucket means with min/max): their bands show the extremes the retention job kept.');
  const cut: string[] = [];
  if (data.totals.devices > data.devices.length) cut.push(`${MAX_DEVICES} of ${data.totals.devices} devices (most samples)`);
  if (data.totals.runs > data.runs.length) cut.push(`the newest ${MAX_RUN_OVERLAYS} of ${data.totals.runs} runs`);
  if (data.totals.phases > data.phases.length) cut.push(`the newest ${MAX_PHASE_MARKS} of ${data.totals.phases} phase marks`);
  if (data.totals.psSeries > MAX_PS_SERIES) cut.push(`${MAX_PS_SERIES} of ${data.totals.psSeries} Ollama models (most polled)`);
  if (data.totals.psSegments > MAX_PS_SEGMENTS) cut.push(`the newest ${MAX_PS_SEGMENTS} of ${data.totals.psSegments} model segments`);
  if (cut.length > 0) lines.push(`Charted: ${cut.join('; ')}.`);
  return html`<div class="findings"><strong>Summary</strong><ul>${lines.map((l) => html`<li>${l}</li>`)}</ul></div>`;
}

/** The timeline's static SVG comes from the spec without hover targets; the page embeds the interactive one. */
async function timelineChart(data: GpuDashboardData, window: GpuWindow): Promise<Chart> {
  const input = { window, devices: data.devices, series: data.series, runs: data.runs, phases: data.phases, alertMarks: data.alertMarks };
  const chart = await renderChart('gpu-timeline', gpuTimelineSpec(input, { interactive: false }));
  const interactive = gpuTimelineSpec(input, { interactive: true });
  return { ...chart, spec: { ...interactive, config: (chart.spec as { config?: unknown }).config } as ChartSpec };
}

function emptyBody(data: GpuDashboardData, options: GpuDashboardWindowOptions): SafeHtml {
  if (!data.hasTelemetry) {
    return html`<p class="note">No GPU telemetry in this database yet: gpu_samples, gpu_alerts and ollama_ps_samples are empty. Record some with <code>benchlab gpu --duration 10m</code>, with a benchmark suite that calls an LLM (GPU sampling is on unless the suite sets <code>gpu_sampling: false</code>), or with the <code>gpu-sample</code> job in data/jobs.yaml.</p>`;
  }
  const days = options.days ?? DEFAULT_WINDOW_DAYS;
  const range = options.since
    ? `between ${formatTime(options.since)} and ${options.until ? formatTime(options.until) : 'the newest row'}`
    : options.until ? `in the ${days} day(s) before ${formatTime(options.until)}` : `in the last ${days} day(s) before the newest row`;
  return html`<p class="note">No GPU telemetry ${range}.</p>`;
}

/** The dashboard page for data already loaded. */
export async function renderGpuDashboardPage(data: GpuDashboardData, context: ReportContext, reportFiles: ReadonlySet<string>, options: GpuDashboardWindowOptions = {}): Promise<string> {
  const window = data.window;
  const charts: Chart[] = [];
  let body: SafeHtml;
  let subtitle = 'GPU telemetry: utilization, memory, power, temperature, alerts and Ollama models over time';
  if (!window) {
    body = emptyBody(data, options);
  } else {
    subtitle = `${formatTime(window.first)} to ${formatTime(window.until)} · ${formatCount(data.devices.length)} device(s) · ${describeBucket(window.bucketS)} buckets`;
    const timeline = data.devices.length > 0 || data.alertMarks.length > 0 ? await timelineChart(data, window) : undefined;
    if (timeline) charts.push(timeline);
    const ps = data.ps.length > 0 ? await renderChart('gpu-ollama-models', ollamaModelsSpec(data.ps, window)) : undefined;
    if (ps) charts.push(ps);
    body = html`${findings(data, window)}
<section><h2>Over time</h2>
${timeline
    ? chartFigure(timeline, `Each device's bucket mean (line) and its lowest to highest reading (band). Memory is the share of the device's total; the dashed lines are the default alert thresholds (memory above 95%, temperature over 85 °C). Grey intervals are runs (started_at to ended_at) from the runs table; the strip below them marks each run's phases (gpu_phases). Alert markers are grouped per bucket and kind; their size grows with the count.`)
    : html`<p class="note">No GPU samples in the window.</p>`}
</section>
<section><h2>Devices</h2>
${deviceTable(data.devices)}
</section>
<section><h2>Ollama models</h2>
${ps
    ? chartFigure(ps, 'Polled from Ollama\u2019s /api/ps while a sampler ran (every few seconds and at each run phase). A gap means the model was not loaded or nothing polled.')
    : html`<p class="note">No Ollama /api/ps polls in the window (the sampler polls OLLAMA_HOST while it runs).</p>`}
</section>
<section><h2>GPU per run</h2>
${runTables(data.runSummaries, data.totals.runSummaries, reportFiles)}
</section>
<section><h2>Alerts</h2>
${alertTables(data)}
</section>`;
  }
  return renderPage({
    title: 'GPU dashboard',
    subtitle,
    nav: standardNav(),
    body,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
