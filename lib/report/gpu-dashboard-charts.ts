/**
 * The Vega-Lite specs of the GPU dashboard, from data DuckDB has already bucketed
 * (lib/gpu/gpu-dashboard-data.ts). The timeline stacks panels on one time axis: utilization, memory
 * (% of total, with the OOM-risk threshold), power and temperature (with the alert threshold)
 * per device, each drawing the bucket mean as a line over the lowest–highest band and the runs
 * as shaded intervals; then a strip of runs and their phase marks, and a strip of alert markers
 * per kind. A second chart shows the models Ollama had loaded over time, coloured by the share
 * of each in GPU memory.
 *
 * Hover targets (a dot per device and bucket with a tooltip) exist only in the interactive spec:
 * in the static SVG they would be thousands of invisible elements.
 */
import { DEFAULT_THRESHOLDS } from '../gpu/gpu-alerts';
import type { ChartSpec } from './chart';
import { alertKindInfo, sortAlertKinds } from './gpu-alert-kinds';
import type { AlertMark, GpuBucketPoint, GpuDevice, GpuWindow, PhaseMark, PsSegment, RunInterval } from '../gpu/gpu-dashboard-data';
import { describeBucket } from '../gpu/gpu-time-buckets';

const CHART_WIDTH = 820;
const PANEL_HEIGHT = 120;
const LANE_STEP = 20;
const PS_ROW_STEP = 22;
const LINE_WIDTH = 1.5;
const BAND_OPACITY = 0.18;
const RUN_SHADE = '#c9d6e6';
const RUN_SHADE_OPACITY = 0.45;
const RUN_BAR = '#7f9cc0';
const PHASE_TICK = '#1d2430';
const THRESHOLD_COLOR = '#b3261e';
const THRESHOLD_DASH = [5, 4];
const ISOLATED_POINT_SIZE = 16;
const HOVER_POINT_SIZE = 45;
const ALERT_SIZE_RANGE = [30, 260];
const DEVICE_SCHEME = 'tableau10';
const PERCENT = 100;
const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;
const CLOCK_FORMAT = '%H:%M:%S';
const TOOLTIP_TIME = '%Y-%m-%d %H:%M:%S';
const UTC_SECONDS = 'utcyearmonthdatehoursminutesseconds';
const NUMBER_FORMAT = ',.1f';
const SHARE_FORMAT = '.0%';
/** Offload share colours: all in system memory, half, fully on the GPU. */
const SHARE_DOMAIN = [0, 0.5, 1];
const SHARE_RANGE = ['#c0392b', '#e5b53b', '#2e8b57'];
const SHARE_UNKNOWN = '#b8c0cc';

interface MetricPanel {
  key: string;
  axisTitle: string;
  mean: keyof GpuBucketPoint;
  low: keyof GpuBucketPoint;
  high: keyof GpuBucketPoint;
  domain?: [number, number];
  threshold?: number;
}

export const METRIC_PANELS: readonly MetricPanel[] = [
  { key: 'util', axisTitle: 'utilization (%)', mean: 'util', low: 'utilMin', high: 'utilMax', domain: [0, PERCENT] },
  { key: 'memory', axisTitle: 'memory used (% of total)', mean: 'memPct', low: 'memPctMin', high: 'memPctMax', domain: [0, PERCENT], threshold: DEFAULT_THRESHOLDS.memoryFraction * PERCENT },
  { key: 'power', axisTitle: 'power (W)', mean: 'power', low: 'powerMin', high: 'powerMax' },
  { key: 'temp', axisTitle: 'temperature (°C)', mean: 'temp', low: 'tempMin', high: 'tempMax', threshold: DEFAULT_THRESHOLDS.temperatureC },
];

export interface TimelineInput {
  window: GpuWindow;
  devices: GpuDevice[];
  series: GpuBucketPoint[];
  runs: RunInterval[];
  phases: PhaseMark[];
  alertMarks: AlertMark[];
}

/** The time axis every panel shares: from the first row in the window to the end of the last bucket. */
export function timeDomain(window: GpuWindow): [number, number] {
  return [window.first.getTime(), window.until.getTime() + window.bucketS * MS_PER_SECOND];
}

/**
 * The shared time axis. Only one layer of the top panel states the domain (the window); the
 * others share the scale and their data lies inside it, so stating it again would only make
 * vega-lite merge equal domains (with a warning per layer).
 */
function timeX(domain: [number, number] | undefined, labels: AxisLabels | null, field = 't') {
  return {
    // domainMin/domainMax rather than domain: vega-lite warns about an explicit temporal domain on a mark with x2.
    field, type: 'temporal', scale: domain ? { type: 'utc', domainMin: domain[0], domainMax: domain[1] } : { type: 'utc' },
    axis: labels ? { title: 'time (UTC)', labelOverlap: true, ...labels } : { title: null, labels: false, ticks: false, domain: false },
  } as const;
}

interface AxisLabels {
  tickMinStep: number;
  format?: string;
}

/**
 * Time labels: ticks at least a bucket (and a second) apart, since vega would otherwise label
 * half seconds of a short window; clock times for a window under an hour, vega's own
 * multi-scale labels (days, hours) above.
 */
function axisLabels(window: GpuWindow): AxisLabels {
  const spanMs = window.until.getTime() - window.first.getTime();
  return { tickMinStep: Math.max(MS_PER_SECOND, window.bucketS * MS_PER_SECOND), ...(spanMs <= MS_PER_HOUR ? { format: CLOCK_FORMAT } : {}) };
}

const timeTooltip = (field: string, title: string) => ({ field, type: 'temporal', title, timeUnit: UTC_SECONDS, format: TOOLTIP_TIME }) as const;

function deviceColor(devices: GpuDevice[], legend: boolean) {
  return {
    field: 'device', type: 'nominal', title: 'device', scale: { domain: devices.map((d) => d.label), scheme: DEVICE_SCHEME },
    // Full-strength swatches: the legend would otherwise take the faint band's opacity.
    legend: legend ? { symbolOpacity: 1, symbolType: 'square' } : null,
  } as const;
}

const HOVER_TOOLTIP = [
  { field: 'device' },
  timeTooltip('t', 'bucket start (UTC)'),
  { field: 'samples', type: 'quantitative', title: 'samples' },
  { field: 'util', type: 'quantitative', title: 'utilization % (mean)', format: NUMBER_FORMAT },
  { field: 'utilMax', type: 'quantitative', title: 'utilization % (max)', format: NUMBER_FORMAT },
  { field: 'memGib', type: 'quantitative', title: 'memory used GiB (mean)', format: ',.2f' },
  { field: 'memTotalGib', type: 'quantitative', title: 'memory total GiB', format: ',.2f' },
  { field: 'memPctMax', type: 'quantitative', title: 'memory % (max)', format: NUMBER_FORMAT },
  { field: 'power', type: 'quantitative', title: 'power W (mean)', format: NUMBER_FORMAT },
  { field: 'powerMax', type: 'quantitative', title: 'power W (max)', format: NUMBER_FORMAT },
  { field: 'temp', type: 'quantitative', title: 'temperature °C (mean)', format: NUMBER_FORMAT },
  { field: 'tempMax', type: 'quantitative', title: 'temperature °C (max)', format: NUMBER_FORMAT },
];

/** Runs shaded behind a panel's lines (decorative there: the runs strip carries their tooltips). */
function runShade(x: ReturnType<typeof timeX>) {
  return {
    name: 'run_overlay',
    data: { name: 'runs' },
    mark: { type: 'rect', color: RUN_SHADE, opacity: RUN_SHADE_OPACITY, aria: false, clip: true },
    encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' } },
  };
}

/** One metric's panel; `domain` (the top panel only) goes on its band layer alone. */
function metricPanel(panel: MetricPanel, index: number, input: TimelineInput, domain: [number, number] | undefined, showAxis: boolean, interactive: boolean) {
  const labels = showAxis ? axisLabels(input.window) : null;
  const x = timeX(undefined, labels);
  const y = { field: panel.mean, type: 'quantitative', title: panel.axisTitle, scale: panel.domain ? { domain: panel.domain } : { zero: false, nice: true } } as const;
  const present = { filter: `isValid(datum.${panel.mean})` };
  // Every layer of the top panel keeps the legend (one null would drop the panel's merged legend); the others have none.
  const color = deviceColor(input.devices, index === 0);
  const layers: unknown[] = [
    // A layer over no rows makes vega warn about an empty extent: only drawn when there are runs.
    ...(input.runs.length > 0 ? [runShade(x)] : []),
    {
      name: `${panel.key}_band`,
      data: { name: 'samples' },
      transform: [{ filter: `isValid(datum.${panel.low}) && isValid(datum.${panel.high})` }],
      ...(index === 0 ? { params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }] } : {}),
      mark: { type: 'area', opacity: BAND_OPACITY, aria: false, clip: true },
      encoding: { x: timeX(domain, labels), y: { ...y, field: panel.low }, y2: { field: panel.high }, color, detail: { field: 'seg' } },
    },
    {
      name: `${panel.key}_line`,
      data: { name: 'samples' },
      transform: [present],
      mark: { type: 'line', strokeWidth: LINE_WIDTH, clip: true },
      encoding: { x, y, color, detail: { field: 'seg' } },
    },
  ];
  if (input.series.some((p) => p.iso === true && p[panel.mean] !== undefined)) {
    layers.push({
      name: `${panel.key}_dots`,
      data: { name: 'samples' },
      transform: [present, { filter: 'datum.iso === true' }],
      mark: { type: 'point', filled: true, size: ISOLATED_POINT_SIZE, clip: true },
      encoding: { x, y, color },
    });
  }
  if (panel.threshold !== undefined) {
    layers.push({
      name: `${panel.key}_threshold`,
      data: { values: [{ threshold: panel.threshold }] },
      mark: { type: 'rule', color: THRESHOLD_COLOR, strokeDash: THRESHOLD_DASH, aria: false },
      encoding: { y: { field: 'threshold', type: 'quantitative' } },
    });
  }
  if (interactive) {
    const hover = `hover_${panel.key}`;
    layers.push({
      name: `${panel.key}_hover`,
      data: { name: 'samples' },
      transform: [present],
      params: [{ name: hover, select: { type: 'point', on: 'pointerover', nearest: true, clear: 'pointerout' } }],
      mark: { type: 'point', filled: true, size: HOVER_POINT_SIZE, clip: true },
      encoding: {
        x, y, color,
        opacity: { condition: { param: hover, empty: false, value: 1 }, value: 0 },
        tooltip: HOVER_TOOLTIP,
      },
    });
  }
  return { width: CHART_WIDTH, height: PANEL_HEIGHT, layer: layers };
}

/** The strip under the metrics: one bar per run, one tick per phase mark (a lane only where there are rows). */
function runsStrip(input: TimelineInput, x: ReturnType<typeof timeX>) {
  const lane = { field: 'lane', type: 'nominal', title: null, sort: ['runs', 'phase marks'] } as const;
  const runs = {
    name: 'runs',
    data: { name: 'runs' },
    transform: [{ calculate: "'runs'", as: 'lane' }],
    mark: { type: 'rect', color: RUN_BAR, stroke: RUN_BAR, strokeWidth: 1, clip: true },
    encoding: {
      x: { ...x, field: 'start' }, x2: { field: 'end' }, y: lane,
      tooltip: [
        { field: 'runId', title: 'run' }, { field: 'kind' }, { field: 'suite' }, { field: 'dataset' }, { field: 'status' },
        timeTooltip('start', 'started (UTC)'), timeTooltip('end', 'ended (UTC)'),
      ],
    },
  };
  const phases = {
    name: 'phases',
    data: { name: 'phases' },
    transform: [{ calculate: "'phase marks'", as: 'lane' }],
    mark: { type: 'tick', orient: 'vertical', color: PHASE_TICK, thickness: 1.5, clip: true },
    encoding: {
      x, y: lane,
      tooltip: [{ field: 'runId', title: 'run' }, { field: 'phase' }, { field: 'model' }, timeTooltip('t', 'marked (UTC)')],
    },
  };
  return {
    width: CHART_WIDTH,
    height: { step: LANE_STEP },
    layer: [...(input.runs.length > 0 ? [runs] : []), ...(input.phases.length > 0 ? [phases] : [])],
  };
}

function alertsStrip(marks: AlertMark[], x: ReturnType<typeof timeX>) {
  const kinds = sortAlertKinds(marks.map((m) => m.kind));
  const labels = kinds.map((k) => alertKindInfo(k).label);
  return {
    name: 'alert_markers',
    width: CHART_WIDTH,
    height: { step: LANE_STEP },
    data: { name: 'alerts' },
    // No aria text per marker: there can be hundreds, and the alerts tables below list them.
    mark: { type: 'point', filled: true, opacity: 0.85, clip: true, aria: false },
    encoding: {
      x,
      y: { field: 'label', type: 'nominal', title: null, sort: labels },
      color: { field: 'label', type: 'nominal', scale: { domain: labels, range: kinds.map((k) => alertKindInfo(k).color) }, legend: null },
      size: { field: 'count', type: 'quantitative', scale: { type: 'sqrt', range: ALERT_SIZE_RANGE }, legend: null },
      tooltip: [{ field: 'label', title: 'alert' }, { field: 'kind' }, { field: 'count', type: 'quantitative', title: 'alerts in bucket' }, timeTooltip('t', 'bucket start (UTC)'), { field: 'message', title: 'first message' }],
    },
  };
}

/** The timeline: metric panels per device, runs and phase marks, alert markers, on one time axis. */
export function gpuTimelineSpec(input: TimelineInput, options: { interactive: boolean }): ChartSpec {
  const domain = timeDomain(input.window);
  // Only panels with rows: an empty one would be blank, and vega warns about its extent.
  const metrics = input.series.length > 0 ? METRIC_PANELS : [];
  const order = [...metrics.map((p) => p.key), ...(input.runs.length + input.phases.length > 0 ? ['runs'] : []), ...(input.alertMarks.length > 0 ? ['alerts'] : [])];
  const first = order[0];
  const last = order[order.length - 1];
  const panels: unknown[] = metrics.map((p, i) => metricPanel(p, i, input, p.key === first ? domain : undefined, p.key === last, options.interactive));
  const labels = axisLabels(input.window);
  if (order.includes('runs')) panels.push(runsStrip(input, timeX(first === 'runs' ? domain : undefined, last === 'runs' ? labels : null)));
  if (order.includes('alerts')) panels.push(alertsStrip(input.alertMarks, timeX(first === 'alerts' ? domain : undefined, labels)));
  const clip = (v: number) => Math.min(Math.max(v, domain[0]), domain[1]);
  return {
    title: {
      text: metrics.length > 0 ? 'Utilization, memory, power and temperature per device' : 'Runs and alerts over time',
      subtitle: [
        `line: mean per ${describeBucket(input.window.bucketS)} bucket; band: lowest to highest reading; shaded: runs; dashed: alert thresholds`,
        ...(metrics.length > 0 ? ['drag or scroll on the top panel to zoom the time axis of every panel'] : []),
      ],
    },
    datasets: {
      samples: input.series,
      runs: input.runs.map((r) => ({ ...r, start: clip(r.start), end: clip(r.end) })),
      phases: input.phases,
      alerts: input.alertMarks.map((m) => ({ ...m, label: alertKindInfo(m.kind).label })),
    },
    vconcat: panels,
    spacing: 8,
    resolve: { scale: { x: 'shared', color: 'independent', size: 'independent' } },
  } as unknown as ChartSpec;
}

/** The models Ollama had loaded, as time segments coloured by the share in GPU memory. */
export function ollamaModelsSpec(segments: PsSegment[], window: GpuWindow): ChartSpec {
  const domain = timeDomain(window);
  const series = [...new Set(segments.map((s) => s.series))].sort();
  return {
    title: { text: 'Models loaded in Ollama', subtitle: 'from /api/ps polls; colour: share of the model in GPU memory (100% = fully on the GPU, less = partly offloaded to system memory)' },
    name: 'loaded_models',
    width: CHART_WIDTH,
    height: { step: PS_ROW_STEP },
    data: { values: segments.map((s) => ({ ...s, start: Math.max(s.start, domain[0]), end: Math.min(s.end, domain[1]) })) },
    mark: { type: 'rect', clip: true },
    encoding: {
      x: timeX(domain, axisLabels(window), 'start'),
      x2: { field: 'end' },
      y: { field: 'series', type: 'nominal', title: null, sort: series },
      color: {
        condition: { test: 'datum.share === null', value: SHARE_UNKNOWN },
        field: 'share', type: 'quantitative', title: 'in GPU memory',
        scale: { domain: SHARE_DOMAIN, range: SHARE_RANGE }, legend: { format: SHARE_FORMAT },
      },
      tooltip: [
        { field: 'model' }, { field: 'host' }, timeTooltip('start', 'from (UTC)'), timeTooltip('end', 'to (UTC)'),
        { field: 'sizeGib', type: 'quantitative', title: 'size GiB', format: ',.2f' },
        { field: 'vramGib', type: 'quantitative', title: 'in GPU memory GiB', format: ',.2f' },
        { field: 'share', type: 'quantitative', title: 'share in GPU memory', format: SHARE_FORMAT },
        { field: 'polls', type: 'quantitative', title: '/api/ps polls' },
      ],
    },
  } as unknown as ChartSpec;
}
