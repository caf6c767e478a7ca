/**
 * The rollout reports are part of the report set: `benchlab report` (renderReports) writes one per
 * stored experiment, the index lists them in its Rollouts section, every page's header links
 * there, and the error-rate chart labels each distinct threshold.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReports } from '../../lib/publish/render-reports';
import { rolloutReportFileName } from '../../lib/publish/rollout-reports';
import { INDEX_FILE, ROLLOUTS_ANCHOR, TRENDS_FILE } from '../../lib/report/report-files';
import { resolveExperiment } from '../../lib/rollout/experiment-store';
import { withStore } from '../../lib/store/store';
import { addEvents, at, MINUTE, quickExperiment, rolloutWorkspace, writeExperiment } from '../rollout/helpers';
import { removeDir } from '../support/temp-store';

const T0 = new Date('2026-03-04T08:00:00Z');
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;

beforeEach(async () => {
  ws = await rolloutWorkspace();
  writeExperiment(ws.experimentsDir, quickExperiment());
  await withStore({ dbPath: ws.dbPath }, async (store) => {
    await resolveExperiment(store, 'kw-test', { experimentsDir: ws.experimentsDir, now: T0 });
    await addEvents(store, 'kw-test', Array.from({ length: 20 }, (_, i) => ({
      unit: `u${i}`, arm: i % 2 === 0 ? ('control' as const) : ('treatment' as const), at: at(T0, (i % 5) * MINUTE), metrics: { error: i === 3, processing_ms: 800 + i, cache_hit: i < 10 },
    })));
  });
});
afterEach(() => removeDir(ws.dir));

describe('rollout reports in `benchlab report`', () => {
  it('writes one per stored experiment, linked from the index and every page header', async () => {
    const out = path.join(ws.dir, 'reports');
    const rendered = await renderReports({ dbPath: ws.dbPath, outDir: out });
    const file = path.join(out, rolloutReportFileName('kw-test'));
    expect(rendered.rollouts).toEqual([file]);

    const index = fs.readFileSync(path.join(out, INDEX_FILE), 'utf8');
    const section = new RegExp(`<section id="${ROLLOUTS_ANCHOR}">[\\s\\S]*?</section>`).exec(index)?.[0] ?? '';
    expect(section).toContain(`<a href="${rolloutReportFileName('kw-test')}">kw-test</a>`);
    for (const page of [fs.readFileSync(path.join(out, TRENDS_FILE), 'utf8'), fs.readFileSync(file, 'utf8')]) {
      expect(page).toContain(`<a href="${INDEX_FILE}#${ROLLOUTS_ANCHOR}">Rollouts</a>`);
    }
  });

  it('labels each distinct threshold of the error-rate chart once', async () => {
    const out = path.join(ws.dir, 'reports');
    await renderReports({ dbPath: ws.dbPath, outDir: out });
    const page = fs.readFileSync(path.join(out, rolloutReportFileName('kw-test')), 'utf8');
    const svg = /id="chart-rollout-error-rate-static">(<svg.*?<\/svg>)/s.exec(page)?.[1] ?? '';
    expect(svg).not.toBe('');
    // The defaults: stage and A/B gates below 0.01 share a line; two triggers above 0.03 and 0.05.
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*(?:gate|errors-)[^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['gate &lt; 0.01; A/B gate &lt; 0.01', 'errors-high &gt; 0.03 (previous-stage)', 'errors-critical &gt; 0.05 (rollback-to-zero)']);
  });

  it('reads an empty database without rollout reports and says how to make one', async () => {
    const out = path.join(ws.dir, 'empty-reports');
    const other = path.join(ws.dir, 'other.duckdb');
    await withStore({ dbPath: other }, async () => undefined);
    const rendered = await renderReports({ dbPath: other, outDir: out });
    expect(rendered.rollouts).toEqual([]);
    expect(fs.readFileSync(path.join(out, INDEX_FILE), 'utf8')).toContain('No rollout reports yet');
  });
});
