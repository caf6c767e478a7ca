/**
 * Executed notebooks as results: the notebooks display their charts as Vega-Lite specs
 * (`tslab.display.raw('application/vnd.vegalite.v5+json', ...)`), which Jupyter draws with its
 * own renderer but nbconvert's HTML export drops (it has no Vega-Lite renderer and would load
 * one from a CDN). Here each such output gets a static SVG copy of the chart, rendered in Node
 * with vega (lib/report/chart.ts, as the HTML reports do), added to the same output bundle:
 * Jupyter keeps drawing the interactive spec, the HTML export shows the SVG. The HTML is made by
 * `jupyter nbconvert --to html` with the lab template minus everything it loads from outside
 * the page (require.js, MathJax), and with SVG outputs inlined as they are, so a page works
 * offline, from a file:// URL, with no script at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderChart, type ChartSpec } from '../report/chart';

/** Vega-Lite output bundles (any major version); the spec is a JSON object or its text. */
const VEGA_LITE_MIME = /^application\/vnd\.vegalite\.v\d+\+json$/;
const SVG_MIME = 'image/svg+xml';

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface NotebookJson {
  cells: { cell_type: string; source: string | string[]; metadata?: Record<string, unknown>; outputs?: NotebookOutput[] }[];
}

/**
 * Adds a static SVG rendering to every Vega-Lite output that has none, in place. Returns one
 * line per chart that could not be rendered (an invalid spec, or one that loads data by URL).
 */
export async function addStaticCharts(notebook: NotebookJson): Promise<{ charts: number; errors: string[] }> {
  let charts = 0;
  const errors: string[] = [];
  for (const [cellIndex, cell] of notebook.cells.entries()) {
    for (const [outputIndex, output] of (cell.outputs ?? []).entries()) {
      const data = output.data;
      if (!data || data[SVG_MIME] !== undefined) continue;
      const mime = Object.keys(data).find((m) => VEGA_LITE_MIME.test(m));
      if (!mime) continue;
      const where = `cell ${cellIndex + 1}, output ${outputIndex + 1}`;
      try {
        const raw = data[mime];
        const spec = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ChartSpec;
        const chart = await renderChart(`nb-c${cellIndex + 1}-o${outputIndex + 1}`, spec);
        data[SVG_MIME] = chart.svg;
        charts++;
      } catch (error) {
        errors.push(`${where}: the Vega-Lite chart could not be rendered to SVG: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { charts, errors };
}

/** The template's file name (written next to the notebook being exported). */
export const HTML_TEMPLATE_FILE = 'benchlab-notebook.html.j2';

/**
 * JupyterLab's HTML template without its external scripts: require.js (only for widgets and
 * JavaScript outputs, which these notebooks do not make) and MathJax (no formulas). SVG outputs
 * are inlined unchanged (nbconvert 6.5 would pass them through lxml's clean_html, which drops
 * SVG elements): they are vega's output or the notebooks' own renderChart SVG.
 */
export const HTML_TEMPLATE = `{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg %}
`;

/**
 * Exports an executed notebook to HTML beside it (<name>.html); returns the HTML's path, or an
 * error with what nbconvert printed.
 */
export function exportNotebookHtml(notebookFile: string, env: NodeJS.ProcessEnv = process.env): { html?: string; error?: string } {
  const dir = path.dirname(notebookFile);
  const name = path.basename(notebookFile, '.ipynb');
  const template = path.join(dir, HTML_TEMPLATE_FILE);
  fs.writeFileSync(template, HTML_TEMPLATE);
  try {
    const result = spawnSync(
      'jupyter',
      ['nbconvert', '--to', 'html', '--template-file', template, '--output-dir', dir, '--output', name, notebookFile],
      { encoding: 'utf8', env },
    );
    const html = path.join(dir, `${name}.html`);
    if (result.status !== 0 || !fs.existsSync(html)) return { error: `nbconvert --to html failed:\n${result.stdout}${result.stderr}` };
    return { html };
  } finally {
    fs.rmSync(template, { force: true });
  }
}
