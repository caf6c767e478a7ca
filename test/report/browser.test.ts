/**
 * The reports in a real browser: Debian's Chromium, headless, driven by playwright-core, opens
 * the index and a run report from file:// URLs and checks that the interactive charts render,
 * that nothing is fetched from outside the machine, that no console error or dialog appears,
 * and that a hostile generated query shows as text. Skipped with a visible reason when
 * /usr/bin/chromium is missing, except under CI (CI=true), where that is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReports } from '../../lib/publish/render-reports';
import { INDEX_FILE, runReportFileName, TRENDS_FILE } from '../../lib/report/report-files';
import { removeDir, tempDir } from '../support/temp-store';
import { createReportFixture, HOSTILE_QUERY, type ReportFixture } from './report-fixture';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const chromiumPresent = fs.existsSync(CHROMIUM);
if (!chromiumPresent && process.env['CI'] === 'true') {
  throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
}
const SKIP_REASON = chromiumPresent ? '' : ` (skipped: ${CHROMIUM} not found; install Debian's chromium package)`;
/** How long the interactive charts may take to replace the static ones. */
const EMBED_TIMEOUT_MS = 20_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const ALLOWED_SCHEMES = ['file:', 'data:'];

interface PageWatch {
  consoleErrors: string[];
  consoleWarnings: string[];
  requests: string[];
  dialogs: string[];
}

/** Records what a page logs as errors, every URL it requests, and every dialog (dismissed). */
function watch(page: Page): PageWatch {
  const seen: PageWatch = { consoleErrors: [], consoleWarnings: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
    if (message.type() === 'warning') seen.consoleWarnings.push(message.text());
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(String(error)));
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

/** Waits until vega-embed has replaced every static chart, then counts the drawn marks. */
async function interactiveMarks(page: Page): Promise<number> {
  await page.waitForFunction(`document.querySelectorAll('.chart-static').length === 0`, undefined, { timeout: EMBED_TIMEOUT_MS });
  return page.locator('.vega-embed svg .mark-symbol path, .vega-embed svg .mark-rect path, .vega-embed svg .mark-rule line, .vega-embed svg .mark-line path').count();
}

describe.skipIf(!chromiumPresent)(`reports in headless Chromium${SKIP_REASON}`, () => {
  let dir: string;
  let out: string;
  let fixture: ReportFixture;
  let browser: Browser;
  beforeAll(async () => {
    dir = tempDir();
    fixture = await createReportFixture(dir);
    out = path.join(dir, 'reports');
    await renderReports({ dbPath: fixture.dbPath, outDir: out, all: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    removeDir(dir);
  });

  it('opens the index, follows the link to the run report, and draws interactive charts offline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    try {
      await page.goto(pathToFileURL(path.join(out, INDEX_FILE)).href);
      expect(await page.locator('h1').textContent()).toBe('Benchlab reports');
      await page.locator(`a[href="${runReportFileName(fixture.bench.runId)}"]`).first().click();
      await page.waitForURL(`**/${runReportFileName(fixture.bench.runId)}`);

      expect(await interactiveMarks(page)).toBeGreaterThan(0);
      expect(await page.locator('.vega-embed').count()).toBe(7);
      // Tooltips work: hovering a quality point shows the vega-tooltip box.
      await page.locator('#chart-quality .mark-symbol path').first().hover();
      const tooltip = page.locator('#vg-tooltip-element');
      await tooltip.waitFor({ state: 'visible', timeout: EMBED_TIMEOUT_MS });
      expect(await tooltip.textContent()).toContain('generator');

      // The hostile query is visible text, and nothing ran it.
      expect(await page.getByText(HOSTILE_QUERY).first().isVisible()).toBe(true);
      expect(seen.dialogs).toEqual([]);

      const screenshot = path.join(dir, 'run-report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(fs.readFileSync(screenshot).subarray(0, PNG_SIGNATURE.length)).toEqual(PNG_SIGNATURE);

      await page.goto(pathToFileURL(path.join(out, TRENDS_FILE)).href);
      expect(await interactiveMarks(page)).toBeGreaterThan(0);
      await page.goto(pathToFileURL(path.join(out, runReportFileName(fixture.retrieveRunId))).href);
      expect(await interactiveMarks(page)).toBeGreaterThan(0);

      expect(seen.consoleErrors).toEqual([]);
      expect(seen.consoleWarnings).toEqual([]); // vega-embed warns about specs it cannot honour
      expect(seen.dialogs).toEqual([]);
      expect(seen.requests.length).toBeGreaterThan(0);
      expect(seen.requests.filter((url) => !ALLOWED_SCHEMES.some((scheme) => url.startsWith(scheme)))).toEqual([]);
      expect(seen.requests.some((url) => url.endsWith('/assets/vega-embed.min.js'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('keeps the static SVG charts when JavaScript is off (reading and printing)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(out, runReportFileName(fixture.bench.runId))).href);
      expect(await page.locator('.chart-static svg .mark-symbol path').count()).toBeGreaterThan(0);
      expect(await page.locator('.vega-embed').count()).toBe(0);
      expect(await page.getByText(HOSTILE_QUERY).first().isVisible()).toBe(true);
      const pdf = await page.pdf();
      expect(pdf.length).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
