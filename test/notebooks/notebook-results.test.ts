/**
 * Notebooks as results, without Jupyter: where they go (option, env var, default), the static
 * SVG copy added to each Vega-Lite output, the HTML template's offline shape, and the reports
 * index's links to the notebook pages in the reports folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addStaticCharts, HTML_TEMPLATE, type NotebookJson } from '../../lib/notebooks/notebook-html';
import { DEFAULT_NOTEBOOKS_OUT_DIR, notebooksOutDir, NOTEBOOKS_OUT_ENV, parseOutArgument } from '../../lib/notebooks/notebook-runner';
import { renderIndexPage } from '../../lib/report/index-page';
import { listNotebookFiles, listReportFiles, notebookPages, NOTEBOOKS_DIR, TRENDS_FILE } from '../../lib/report/report-files';
import { removeDir, tempDir } from '../support/temp-store';

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { values: [{ x: 'a', y: 1 }, { x: 'b', y: 3 }] },
  mark: { type: 'bar', clip: true },
  encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative' } },
};

describe('where executed notebooks go', () => {
  it('takes the option, then BENCHLAB_NOTEBOOKS_OUT, then reports/notebooks under the project root', () => {
    expect(DEFAULT_NOTEBOOKS_OUT_DIR).toBe(path.join('reports', 'notebooks'));
    expect(notebooksOutDir('/project', undefined, {})).toBe(path.join('/project', 'reports', 'notebooks'));
    expect(notebooksOutDir('/project', undefined, { [NOTEBOOKS_OUT_ENV]: '' })).toBe(path.join('/project', 'reports', 'notebooks'));
    expect(notebooksOutDir('/project', undefined, { [NOTEBOOKS_OUT_ENV]: '/tmp/nb' })).toBe('/tmp/nb');
    expect(notebooksOutDir('/project', '/elsewhere', { [NOTEBOOKS_OUT_ENV]: '/tmp/nb' })).toBe('/elsewhere');
    expect(notebooksOutDir('/project', 'relative', {})).toBe(path.resolve('relative'));
  });

  it('reads --out DIR and --out=DIR from the command line', () => {
    expect(parseOutArgument([])).toBeUndefined();
    expect(parseOutArgument(['--out', '/tmp/a'])).toBe('/tmp/a');
    expect(parseOutArgument(['--out=/tmp/b'])).toBe('/tmp/b');
    expect(() => parseOutArgument(['--out'])).toThrow(/needs a folder/);
  });

  it('is git-ignored by default (reports/ is)', () => {
    const ignore = fs.readFileSync(path.join(__dirname, '..', '..', '.gitignore'), 'utf8').split('\n');
    expect(ignore).toContain('reports/*');
  });
});

describe('addStaticCharts', () => {
  it('adds an SVG copy to each Vega-Lite output (spec as text or as JSON) and keeps the spec', async () => {
    const notebook: NotebookJson = {
      cells: [
        { cell_type: 'markdown', source: '# title' },
        {
          cell_type: 'code',
          source: 'chart',
          outputs: [
            { output_type: 'stream', name: 'stdout', text: 'hello\n' },
            { output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': JSON.stringify(SPEC) }, metadata: {} },
            { output_type: 'display_data', data: { 'application/vnd.vegalite.v4+json': SPEC }, metadata: {} },
            { output_type: 'display_data', data: { 'image/svg+xml': '<svg class="mine"></svg>' }, metadata: {} },
          ],
        },
      ],
    };
    const result = await addStaticCharts(notebook);
    expect(result).toEqual({ charts: 2, errors: [] });
    const outputs = notebook.cells[1]?.outputs ?? [];
    for (const output of [outputs[1], outputs[2]]) {
      const svg = String(output?.data?.['image/svg+xml']);
      expect(svg).toMatch(/^<svg[^>]*class="marks"[\s\S]*<\/svg>$/);
      expect(svg).toContain('mark-rect');
    }
    expect(outputs[1]?.data?.['application/vnd.vegalite.v5+json']).toBe(JSON.stringify(SPEC));
    expect(outputs[3]?.data?.['image/svg+xml']).toBe('<svg class="mine"></svg>'); // already an SVG: left alone
    // Each chart's SVG ids (its clip path here) are its own, so several on one page never clash.
    expect(String(outputs[1]?.data?.['image/svg+xml'])).toMatch(/id="nb-c2-o2-[^"]+"/);
    expect(String(outputs[2]?.data?.['image/svg+xml'])).toMatch(/id="nb-c2-o3-[^"]+"/);
  });

  it('reports a chart that cannot be rendered', async () => {
    const notebook: NotebookJson = {
      cells: [{ cell_type: 'code', source: '', outputs: [{ output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': '{not json' } }] }],
    };
    const result = await addStaticCharts(notebook);
    expect(result.charts).toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^cell 1, output 1: the Vega-Lite chart could not be rendered/);
  });
});

describe('the HTML template', () => {
  it('extends the lab template and drops what it would load from outside the page', () => {
    expect(HTML_TEMPLATE).toMatch(/^\{%- extends 'lab\/index\.html\.j2' -%\}/);
    for (const block of ['html_head_js_requirejs', 'html_head_js_mathjax', 'jupyter_widgets']) {
      expect(HTML_TEMPLATE).toContain(`{%- block ${block} -%}{%- endblock ${block} -%}`);
    }
    expect(HTML_TEMPLATE).toContain("{{ output.data['image/svg+xml'] }}");
    expect(HTML_TEMPLATE).not.toMatch(/https?:/);
  });
});

describe('the reports index links the executed notebooks', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });
  const context = { generatedAt: new Date('2026-01-02T03:04:05Z'), generator: 'benchlab test', assetsHref: 'assets' };

  it('lists notebooks/*.html and *.ipynb in the reports folder', () => {
    dir = tempDir();
    expect(listNotebookFiles(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, TRENDS_FILE), '');
    fs.mkdirSync(path.join(dir, NOTEBOOKS_DIR, 'sub'), { recursive: true });
    for (const f of ['gpu.html', 'gpu.ipynb', 'ab-analysis.html', 'ab-analysis.ipynb', 'only-ipynb.ipynb', 'notes.txt']) {
      fs.writeFileSync(path.join(dir, NOTEBOOKS_DIR, f), '');
    }
    expect(listReportFiles(dir)).toEqual([
      TRENDS_FILE,
      'notebooks/ab-analysis.html', 'notebooks/ab-analysis.ipynb', 'notebooks/gpu.html', 'notebooks/gpu.ipynb', 'notebooks/only-ipynb.ipynb',
    ]);
    expect(notebookPages(listReportFiles(dir))).toEqual([
      { name: 'ab-analysis', html: 'notebooks/ab-analysis.html', ipynb: 'notebooks/ab-analysis.ipynb' },
      { name: 'gpu', html: 'notebooks/gpu.html', ipynb: 'notebooks/gpu.ipynb' },
      { name: 'only-ipynb', html: null, ipynb: 'notebooks/only-ipynb.ipynb' },
    ]);
  });

  it('shows a Notebooks section with a link to each page and its .ipynb, outside the other reports', () => {
    const files = [TRENDS_FILE, 'notebooks/gpu.html', 'notebooks/gpu.ipynb', 'notebooks/my notebook#1.html'];
    const page = renderIndexPage({ runs: [], total: 0 }, files, context);
    expect(page).toContain('<h2>Notebooks</h2>');
    expect(page).toContain('<a href="notebooks/gpu.html">gpu</a>');
    expect(page).toContain('<a href="notebooks/gpu.ipynb" download>.ipynb</a>');
    expect(page).toContain('<a href="notebooks/my%20notebook%231.html">my notebook#1</a>');
    const reports = page.slice(page.indexOf('<h2>Reports</h2>'), page.indexOf('<h2>Notebooks</h2>'));
    expect(reports).toContain(`<a href="${TRENDS_FILE}">`);
    expect(reports).not.toContain('notebooks/');
  });

  it('has no Notebooks section when there are none', () => {
    const page = renderIndexPage({ runs: [], total: 0 }, [TRENDS_FILE], context);
    expect(page).not.toContain('<h2>Notebooks</h2>');
  });
});
