/**
 * Every notebook in notebooks/ executes top to bottom under Jupyter with the tslab kernel, on
 * the sample data (what `npm run notebooks` does), once for this file, into a temp folder (the
 * checkout's reports/ is left alone). Then:
 * - each is kept with its outputs as .ipynb, its Vega-Lite charts with a static SVG copy, and
 *   as HTML;
 * - in Debian's Chromium, headless, driven by playwright-core, each HTML page from a file://
 *   URL draws every chart (an SVG with vega's marks, with a visible size), with no console
 *   error or dialog, and requests nothing but the page itself (no CDN, no file beside it);
 * - a failing notebook (a runtime error, which tslab shows on stderr only) is reported as
 *   failed and still kept, with its error.
 * Skipped with a reason when Jupyter, the kernel or /usr/bin/chromium is missing on a developer
 * machine; under CI (CI=true) that is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJupyter, executeNotebook, runNotebooks, type NotebookResult } from '../../lib/notebooks/notebook-runner';
import { projectRoot } from '../../lib/store/db-path';
import { removeDir, tempDir } from '../support/temp-store';

const missing = checkJupyter();
if (missing && process.env['CI'] === 'true') throw new Error(`CI=true but notebooks cannot run: ${missing}`);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const chromiumPresent = fs.existsSync(CHROMIUM);
if (!chromiumPresent && process.env['CI'] === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
const browserMissing = missing ?? (chromiumPresent ? undefined : `${CHROMIUM} not found; install Debian's chromium package`);

/** Running every notebook (beforeAll) takes a minute alone, several on a busy machine. */
const RUN_TIMEOUT_MS = 600_000;
/** A drawn chart is at least this large on screen. */
const MIN_CHART_PX = 50;
/** What vega draws inside a chart: points, bars, areas, lines and rules. */
const MARK_SELECTOR = '.mark-symbol path, .mark-rect path, .mark-area path, .mark-line path, .mark-rule line';
const VEGA_LITE_MIME_PREFIX = 'application/vnd.vegalite.';

interface SavedNotebook {
  cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[];
}

function savedOutputs(file: string) {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedNotebook;
  return saved.cells.filter((c) => c.cell_type === 'code').flatMap((c) => c.outputs ?? []);
}

/** The files of a folder with their modification times, or null when it does not exist. */
function snapshot(dir: string): string[] | null {
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => `${f} ${fs.statSync(path.join(dir, f)).mtimeMs}`).sort() : null;
}

interface PageWatch {
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

function watch(page: Page): PageWatch {
  const seen: PageWatch = { consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(String(error)));
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

describe.skipIf(missing !== undefined)(`notebooks${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = tempDir('benchlab-notebooks-test-');
  const out = path.join(dir, 'nested', 'notebooks');
  const defaultOut = path.join(projectRoot(), 'reports', 'notebooks');
  let defaultOutBefore: string[] | null = null;
  let results: NotebookResult[] = [];
  beforeAll(async () => {
    defaultOutBefore = snapshot(defaultOut);
    results = await runNotebooks({ outDir: out });
  }, RUN_TIMEOUT_MS);
  afterAll(() => removeDir(dir));

  it('execute without a cell error', () => {
    expect(results.length).toBeGreaterThanOrEqual(1);
    for (const result of results) expect(result.output, result.notebook).toBe('');
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('are kept with their outputs as .ipynb, each chart with a static SVG copy, and as HTML', () => {
    const sources = fs.readdirSync(path.join(projectRoot(), 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
    expect(fs.readdirSync(out).sort()).toEqual(sources.flatMap((f) => [f.replace(/\.ipynb$/, '.html'), f]).sort());
    let vegaLiteOutputs = 0;
    for (const result of results) {
      const html = path.join(out, result.notebook.replace(/\.ipynb$/, '.html'));
      expect(result.files).toEqual({ notebook: path.join(out, result.notebook), html });
      const outputs = savedOutputs(path.join(out, result.notebook));
      expect(outputs.length, result.notebook).toBeGreaterThan(0);
      // Every Vega-Lite chart keeps its spec (Jupyter draws it) and carries a static SVG copy (the HTML shows it).
      const charts = outputs.filter((o) => Object.keys(o.data ?? {}).some((m) => m.startsWith(VEGA_LITE_MIME_PREFIX)));
      vegaLiteOutputs += charts.length;
      expect(result.charts, result.notebook).toBe(charts.length);
      for (const chart of charts) expect(String(chart.data?.['image/svg+xml'])).toMatch(/^<svg[^>]*class="marks"[\s\S]*<\/svg>$/);
      const page = fs.readFileSync(html, 'utf8');
      expect(page.match(/<svg[^>]*class="marks"/g)?.length ?? 0, result.notebook).toBeGreaterThanOrEqual(charts.length);
      expect(page, result.notebook).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    }
    expect(vegaLiteOutputs).toBeGreaterThan(0);
    // The checkout's default folder was not written.
    expect(snapshot(defaultOut)).toEqual(defaultOutBefore);
  });

  it.skipIf(browserMissing !== undefined)(`draw every chart in headless Chromium, offline, with no console error${browserMissing ? ` (skipped: ${browserMissing})` : ''}`, async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    let drawnCharts = 0;
    try {
      for (const result of results) {
        const { notebook } = result;
        const html = result.files?.html;
        expect(html, notebook).toBeDefined();
        if (!html) continue;
        // The charts in the saved notebook: Vega-Lite outputs (with their SVG copy) and SVG images.
        const expectedCharts = savedOutputs(path.join(out, notebook)).filter((o) => o.data?.['image/svg+xml'] !== undefined).length;
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        const seen = watch(page);
        try {
          const url = pathToFileURL(html).href;
          await page.goto(url, { waitUntil: 'load' });
          expect(await page.locator('h1').count(), notebook).toBeGreaterThan(0);
          const charts = page.locator('.jp-RenderedSVG > svg.marks');
          expect(await charts.count(), notebook).toBe(expectedCharts);
          for (let i = 0; i < expectedCharts; i++) {
            const chart = charts.nth(i);
            expect(await chart.locator(MARK_SELECTOR).count(), `${notebook} chart ${i + 1}: marks`).toBeGreaterThan(0);
            await chart.scrollIntoViewIfNeeded();
            expect(await chart.isVisible(), `${notebook} chart ${i + 1}: visible`).toBe(true);
            const box = await chart.boundingBox();
            expect(box !== null && box.width >= MIN_CHART_PX && box.height >= MIN_CHART_PX, `${notebook} chart ${i + 1}: size`).toBe(true);
          }
          drawnCharts += expectedCharts;
          expect(seen.consoleErrors, notebook).toEqual([]);
          expect(seen.dialogs, notebook).toEqual([]);
          // Only the page itself (and the data: URLs of its inline CSS) is loaded.
          expect(seen.requests.filter((r) => r !== url && !r.startsWith('data:')), notebook).toEqual([]);
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }
    expect(drawnCharts).toBeGreaterThan(0);
  });

  it('keep a failing notebook with its error and charts, and report it as failed', async () => {
    const work = path.join(dir, 'work');
    const source = path.join(dir, 'source');
    const failingOut = path.join(dir, 'failing-out');
    fs.mkdirSync(work);
    fs.mkdirSync(source);
    const spec = { data: { values: [{ x: 'a', y: 2 }] }, mark: 'bar', encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative' } } };
    const code = (text: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: text });
    const notebook = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' }, language_info: { name: 'typescript' } },
      cells: [
        code(`import * as tslab from 'tslab';\ntslab.display.raw('application/vnd.vegalite.v5+json', ${JSON.stringify(JSON.stringify(spec))});`),
        code(`throw new Error('deliberate failure');`),
        code(`console.log('after the failure');`),
      ],
    };
    fs.writeFileSync(path.join(source, 'failing.ipynb'), JSON.stringify(notebook));
    // A stale page from an earlier run is replaced.
    fs.mkdirSync(failingOut);
    fs.writeFileSync(path.join(failingOut, 'failing.html'), 'stale');
    const env = { ...process.env, PATH: `${path.join(projectRoot(), 'node_modules', '.bin')}${path.delimiter}${process.env['PATH'] ?? ''}` };
    const result = await executeNotebook(path.join(source, 'failing.ipynb'), env, work, failingOut);
    expect(result.ok).toBe(false);
    // tslab reports a runtime error on stderr only, and aborts the cells after it.
    const lines = result.output.split('\n');
    expect(lines[0]).toBe(`cell 2 (throw new Error('deliberate failure');): error`);
    expect(result.output).toContain('Error: deliberate failure');
    expect(lines[lines.length - 1]).toBe(`cell 3 (console.log('after the failure');): not run (the kernel aborted it after an earlier error)`);
    expect(result.charts).toBe(1);
    expect(fs.readdirSync(failingOut).sort()).toEqual(['failing.html', 'failing.ipynb']);
    expect(fs.readFileSync(path.join(failingOut, 'failing.ipynb'), 'utf8')).not.toContain('benchlab_execution_status');
    const html = fs.readFileSync(path.join(failingOut, 'failing.html'), 'utf8');
    expect(html).toContain('deliberate failure');
    expect(html).toMatch(/<svg[^>]*class="marks"/);
  }, 120_000);
});
