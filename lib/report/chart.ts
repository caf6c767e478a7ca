/**
 * Charts: a Vega-Lite spec is compiled with vega-lite and rendered to static SVG in Node with
 * vega (no browser). A page embeds that SVG for reading and printing, and the chart loader
 * script re-renders the same spec with vega-embed (tooltips, zoom) from the report folder's
 * assets/, replacing the static copy once the interactive one is drawn.
 */
import { html, jsonForScript, trusted, type SafeHtml } from './html-page';

/**
 * vega and vega-lite are ESM-only: loaded with a real dynamic import. Their types are taken
 * from these imports (a type-position import of an ESM package from CommonJS needs syntax
 * that older TypeScript versions cannot parse).
 */
const importVega = () => import('vega');
const importVegaLite = () => import('vega-lite');
type VegaModule = Awaited<ReturnType<typeof importVega>>;
type VegaLiteModule = Awaited<ReturnType<typeof importVegaLite>>;

/** A Vega-Lite top-level spec (vega-lite's TopLevelSpec). */
export type ChartSpec = Parameters<VegaLiteModule['compile']>[0];

export interface Chart {
  /** HTML id of the chart's container, unique within a page. */
  id: string;
  /** The spec, with the shared report config applied. */
  spec: ChartSpec;
  /** Static SVG rendered by vega in Node. */
  svg: string;
  /** What vega-lite warned about while compiling (kept off the console). */
  warnings: string[];
}

/** Element ids: a letter, then letters, digits and dashes. */
const CHART_ID = /^[a-z][a-z0-9-]*$/;

/** Prefix of the chart containers' element ids, so they never clash with a page's own anchors. */
export const CHART_ELEMENT_PREFIX = 'chart-';

/** The element id of a chart's interactive container (its static copy adds '-static'). */
export function chartElementId(chartId: string): string {
  return `${CHART_ELEMENT_PREFIX}${chartId}`;
}

/** The element holding every chart spec of a page as JSON. */
export const CHART_SPECS_ELEMENT_ID = 'benchlab-chart-specs';

/** The three embedding libraries, in load order, as copied into <outDir>/assets/. */
export const EMBED_SCRIPTS = ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js'] as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const LABEL_FONT_SIZE = 11;
const TITLE_FONT_SIZE = 12;
const CHART_TITLE_FONT_SIZE = 14;
const LABEL_LIMIT_PX = 260;

/** Shared look of every report chart: readable labels, left-aligned titles, no frame. */
export const CHART_CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: LABEL_FONT_SIZE, titleFontSize: TITLE_FONT_SIZE, titleFontWeight: 600, labelLimit: LABEL_LIMIT_PX, gridColor: '#e6e9ee' },
  header: { labelFontSize: TITLE_FONT_SIZE, titleFontSize: TITLE_FONT_SIZE, labelFontWeight: 600 },
  legend: { labelFontSize: LABEL_FONT_SIZE, titleFontSize: TITLE_FONT_SIZE, labelLimit: LABEL_LIMIT_PX },
  title: { fontSize: CHART_TITLE_FONT_SIZE, anchor: 'start', fontWeight: 600, offset: 10 },
} as const;

let libraries: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** Loads vega and vega-lite once. */
function loadLibraries(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  libraries ??= Promise.all([importVega(), importVegaLite()]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return libraries;
}

/** The vega-lite version, for page footers. */
export async function vegaLiteVersion(): Promise<string> {
  return (await loadLibraries()).vegaLite.version;
}

/**
 * Gives the ids inside one SVG (clip paths, gradients) the chart's prefix, so several static
 * charts on one page, and the interactive ones drawn beside them, never share an id.
 */
function prefixSvgIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`);
}

/** Compiles and renders a chart. Its spec must carry its data inline (no URLs are ever loaded). */
export async function renderChart(id: string, spec: ChartSpec): Promise<Chart> {
  if (!CHART_ID.test(id)) throw new Error(`chart id '${id}' must match ${CHART_ID}`);
  const { vega, vegaLite } = await loadLibraries();
  const configured = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as ChartSpec;
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  const compiled = vegaLite.compile(configured, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    return { id, spec: configured, svg: prefixSvgIds(svg, id), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * A chart as a figure: the static SVG (vega escaped every text in it), an empty container the
 * loader draws the interactive chart into, and a caption.
 */
export function chartFigure(chart: Chart, caption: string | SafeHtml): SafeHtml {
  return html`<figure class="chart" data-chart="${chart.id}">
<div class="chart-static" id="${chartElementId(chart.id)}-static">${trusted(chart.svg)}</div>
<div class="chart-live" id="${chartElementId(chart.id)}"></div>
<figcaption>${caption}</figcaption>
</figure>`;
}

/** The loader: scripts from assets/, the specs as inert JSON, and vegaEmbed over each spec. */
export function chartScripts(charts: Chart[], assetsHref: string): SafeHtml {
  if (charts.length === 0) return html``;
  const specs = Object.fromEntries(charts.map((c) => [chartElementId(c.id), c.spec]));
  return html`${EMBED_SCRIPTS.map((file) => html`<script src="${assetsHref}/${file}"></script>\n`)}<script type="application/json" id="${CHART_SPECS_ELEMENT_ID}">${trusted(jsonForScript(specs))}</script>
<script>
(function () {
  if (typeof vegaEmbed !== 'function') return;
  var specs = JSON.parse(document.getElementById('${CHART_SPECS_ELEMENT_ID}').textContent);
  Object.keys(specs).forEach(function (id) {
    var live = document.getElementById(id);
    vegaEmbed(live, specs[id], { actions: false, renderer: 'svg' }).then(function () {
      var staticCopy = document.getElementById(id + '-static');
      if (staticCopy) staticCopy.remove();
    }).catch(function (error) {
      live.textContent = '';
      console.warn('interactive chart ' + id + ' unavailable, the static one stays: ' + error);
    });
  });
})();
</script>
`;
}
