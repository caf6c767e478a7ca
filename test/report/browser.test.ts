/**
 * The reports in a real browser: Debian's Chromium, headless, driven by playwright-core, opens
 * the index and a run report from file:// URLs and checks that the interactive charts render,
 * that nothing is fetched from outside the machine, that no console error or dialog appears,
 * that a hostile generated query shows as text, that a wide table scrolls inside its own region
 * instead of being cut off at 1280 px, and that the rollout charts label their thresholds. Skipped with a visible reason when
 * /usr/bin/chromium is missing, except under CI (CI=true), where that is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReports } from '../../lib/publish/render-reports';
import { INDEX_FILE, rolloutReportFileName, runReportFileName, TRENDS_FILE } from '../../lib/report/report-files';
import { resolveExperiment } from '../../lib/rollout/experiment-store';
import { withStore } from '../../lib/store/store';
import { addEvents, at, MINUTE, quickExperiment, writeExperiment } from '../rollout/helpers';
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
    // A stored experiment with some traffic, so `benchlab report` renders its rollout report too.
    const experimentsDir = path.join(dir, 'experiments');
    fs.mkdirSync(experimentsDir);
    writeExperiment(experimentsDir, quickExperiment());
    const t0 = new Date(Date.now() - 30 * MINUTE);
    await withStore({ dbPath: fixture.dbPath }, async (store) => {
      await resolveExperiment(store, 'kw-test', { experimentsDir, now: t0 });
      await addEvents(store, 'kw-test', Array.from({ length: 40 }, (_, i) => ({
        unit: `u${i}`, arm: i % 2 === 0 ? ('control' as const) : ('treatment' as const), at: at(t0, (i % 20) * MINUTE), metrics: { error: i % 9 === 0, processing_ms: 800 + i, cache_hit: i % 2 === 0 },
      })));
    });
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

  it('scrolls a table wider than the page inside its own region, at 1280 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(out, TRENDS_FILE)).href);
      const wrap = page.locator('.table-wrap').filter({ has: page.locator('th', { hasText: 'fingerprint' }) });
      const measure = () => page.evaluate<{ overflowX: string; scrollWidth: number; clientWidth: number; scrollLeft: number; pageOverflow: number }>(`(() => {
        const el = [...document.querySelectorAll('.table-wrap')].find((w) => [...w.querySelectorAll('th')].some((th) => th.textContent === 'fingerprint'));
        const doc = document.scrollingElement;
        return { overflowX: getComputedStyle(el).overflowX, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, scrollLeft: el.scrollLeft, pageOverflow: doc.scrollWidth - doc.clientWidth };
      })()`);
      const before = await measure();
      expect(before.overflowX).toBe('auto');
      expect(before.scrollWidth).toBeGreaterThan(before.clientWidth);
      expect(before.pageOverflow).toBe(0); // the page itself does not widen: the table scrolls
      // The last column is out of view until the region is scrolled.
      const lastHeader = wrap.locator('th', { hasText: 'fingerprint' });
      const visibleRight = async () => (await lastHeader.boundingBox())!.x + (await lastHeader.boundingBox())!.width <= (await wrap.boundingBox())!.x + (await wrap.boundingBox())!.width + 1;
      expect(await visibleRight()).toBe(false);
      await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      expect((await measure()).scrollLeft).toBeGreaterThan(0);
      expect(await visibleRight()).toBe(true);
      expect(await wrap.getAttribute('tabindex')).toBe('0');
    } finally {
      await context.close();
    }
  });

  it('labels each threshold of the rollout error-rate chart, linked from the index', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    try {
      await page.goto(`${pathToFileURL(path.join(out, INDEX_FILE)).href}#rollouts`);
      await page.locator(`#rollouts a[href="${rolloutReportFileName('kw-test')}"]`).click();
      await page.waitForURL(`**/${rolloutReportFileName('kw-test')}`);
      expect(await interactiveMarks(page)).toBeGreaterThan(0);
      const labels = await page.locator('#chart-rollout-error-rate .mark-text.role-mark text').allTextContents();
      expect(labels).toEqual(['gate < 0.01; A/B gate < 0.01', 'errors-high > 0.03 (previous-stage)', 'errors-critical > 0.05 (rollback-to-zero)']);
      expect(await page.locator('#chart-rollout-error-rate .mark-rule.role-mark line').count()).toBe(labels.length);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.consoleWarnings).toEqual([]);
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
