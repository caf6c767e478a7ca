/**
 * The GPU dashboard on hand-made telemetry: two GPUs (one with a hostile name) sampled every
 * second for ten minutes, an hour of older downsampled rows, two runs with phase marks and LLM
 * calls, alerts of every GPU kind, and Ollama ps polls of two models (one with a hostile name,
 * one half offloaded). Then a synthetic week of 1-second samples, which must stay a small page,
 * and databases without telemetry, which must say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_SPECS_ELEMENT_ID, renderChart, type ChartSpec } from '../../lib/report/chart';
import { GPU_DASHBOARD_FILE, renderGpuDashboard } from '../../lib/publish/gpu-dashboard';
import { gpuTimelineSpec } from '../../lib/report/gpu-dashboard-charts';
import { loadGpuDashboardData, MAX_ALERT_ROWS, MAX_SERIES_POINTS } from '../../lib/gpu/gpu-dashboard-data';
import { bucketSeconds, describeBucket } from '../../lib/gpu/gpu-time-buckets';
import { renderReports } from '../../lib/publish/render-reports';
import { INDEX_FILE } from '../../lib/report/report-files';
import { withStore, type AppendValue, type Store } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';
import { appendRows } from '../scoring/helpers';

const HOSTILE_GPU = '<script>alert("gpu")</script>';
const HOSTILE_MODEL = '</script><img src=x onerror=alert(1)>:7b';
const HOSTILE_MESSAGE = 'GPU 0 said <b onmouseover=alert(2)>hot</b>';
const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const HOST = 'lab-1';
const GPU_A = 'GPU-aaaaaaaa-0000-0000-0000-00000000000a';
const GPU_B = 'GPU-bbbbbbbb-0000-0000-0000-00000000000b';
const TOTAL_MIB = 81_559;
const SESSION_S = 600;
const RUN_1 = { id: 'r20260301-100100-aaaaaa', from: 60, to: 300 };
const RUN_2 = { id: 'r20260301-100640-bbbbbb', from: 400 };
const MAX_HTML_BYTES = 2 * 1024 * 1024;
const CHROMIUM = '/usr/bin/chromium';
const SKIP_BROWSER = fs.existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} not found)`;
const EMBED_TIMEOUT_MS = 20_000;
/** How much wider a run's shading must get after one scroll to count as zoomed. */
const ZOOMED_WIDER = 1.2;

let dir: string;
let dbPath: string;

/** A full-resolution gpu_samples row (min = max = the value, sample_count 1). */
function sample(s: number, uuid: string, index: number, name: string, util: number, memMib: number, watts: number, celsius: number, runId: string | null): AppendValue[] {
  return [at(s), HOST, 'nvidia-smi', uuid, index, name, util, memMib, TOTAL_MIB, watts, celsius, '', runId, 1, 1, util, util, memMib, watts, celsius];
}

async function insertRun(store: Store, runId: string, from: number, to: number | null, status: string): Promise<void> {
  await store.run(
    `INSERT INTO runs VALUES ($id, 'bench', 'sample', 'gpu-suite', '{}', '{}', $host, $status, $started::TIMESTAMP, $ended::TIMESTAMP, NULL)`,
    { id: runId, host: HOST, status, started: at(from).toISOString(), ended: to === null ? null : at(to).toISOString() },
  );
}

beforeAll(async () => {
  dir = tempDir('benchlab-gpu-dashboard-');
  dbPath = path.join(dir, 'gpu.duckdb');
  await withStore({ dbPath }, async (store) => {
    const rows: AppendValue[][] = [];
    for (let s = 0; s < SESSION_S; s++) {
      const runId = s >= RUN_1.from && s <= RUN_1.to ? RUN_1.id : null;
      const busy = runId !== null;
      rows.push(sample(s, GPU_A, 0, HOSTILE_GPU, busy ? 90 : 5, busy ? 79_000 : 2_000, busy ? 300 : 60, busy ? 87 : 45, runId));
      // GPU B is lost at 500 s: no rows after it.
      if (s < 500) rows.push(sample(s, GPU_B, 1, 'NVIDIA H100 80GB HBM3', 20, 10_000, 100, 50, null));
    }
    // An hour, two hours before the session, downsampled by the retention job into 60 s rows.
    for (let m = 0; m < 60; m++) {
      rows.push([at(-7200 + m * 60), HOST, 'nvidia-smi', GPU_A, 0, HOSTILE_GPU, 50, 4_000, TOTAL_MIB, 120, 55, '', null, 60, 60, 10, 90, 6_000, 200, 60]);
    }
    await store.append('gpu_samples', rows);
    await insertRun(store, RUN_1.id, RUN_1.from, RUN_1.to, 'completed');
    await insertRun(store, RUN_2.id, RUN_2.from, null, 'running');
    await store.append('gpu_phases', [
      [RUN_1.id, HOST, 'generate', HOSTILE_MODEL, at(RUN_1.from)],
      [RUN_1.id, HOST, 'fuse', null, at(250)],
    ]);
    await appendRows(store, 'llm_calls', [{
      call_id: 'c1', run_id: RUN_1.id, item_key: 'item', provider: 'ollama', host: 'http://lab-1:11434', model: HOSTILE_MODEL, cache_key: 'key', cache_hit: false,
      options: '{}', started_at: at(70), wall_ms: 150_000, ttft_ms: 10, prompt_tokens: 10, eval_tokens: 4_000, attempts: 1, status: 'ok', format_used: 'schema',
    }]);
    await store.append('gpu_alerts', [
      [at(120), HOST, GPU_A, 'temperature-high', 'GPU 0 temperature 87 °C is over 85 °C', 87, 85, RUN_1.id],
      [at(130), HOST, GPU_A, 'memory-oom-risk', 'GPU 0 memory 79000 of 81559 MiB (96.9%) is above 95%: out-of-memory risk', 0.969, 0.95, RUN_1.id],
      [at(140), HOST, GPU_A, 'throttling', 'GPU 0 clocks held back: sw_thermal_slowdown', null, null, RUN_1.id],
      [at(150), HOST, GPU_A, 'temperature-high', HOSTILE_MESSAGE, 91, 85, RUN_1.id],
      [at(500), HOST, GPU_B, 'gpu-lost', `GPU ${GPU_B} is lost (GPU is lost)`, null, null, null],
    ]);
    const ps: AppendValue[][] = [];
    for (let s = RUN_1.from; s <= RUN_1.to; s += 5) ps.push([at(s), 'http://lab-1:11434', HOSTILE_MODEL, 4e9, 4e9, at(s + 300), RUN_1.id, 'generate']);
    for (let s = 300; s <= 400; s += 5) ps.push([at(s), 'http://lab-1:11434', 'qwen2.5:7b', 8e9, 4e9, at(s + 300), null, null]);
    await store.append('ollama_ps_samples', ps);
  });
});
afterAll(() => removeDir(dir));

const read = (file: string) => fs.readFileSync(file, 'utf8');

function embeddedSpecs(page: string): Record<string, ChartSpec> {
  const match = new RegExp(`<script type="application/json" id="${CHART_SPECS_ELEMENT_ID}">(.*?)</script>`, 's').exec(page);
  if (!match?.[1]) throw new Error('no chart specs in the page');
  return JSON.parse(match[1]) as Record<string, ChartSpec>;
}

/** The static SVG group of one named mark set. */
function markGroup(page: string, type: string, name: string): string {
  const start = page.indexOf(`class="mark-${type} role-mark ${name}_marks"`);
  if (start < 0) throw new Error(`no ${type} marks named ${name}`);
  return page.slice(start, page.indexOf('</g>', start));
}

describe('time buckets', () => {
  it('picks the narrowest round width that keeps a span within the bucket limit', () => {
    expect(bucketSeconds(600, 400)).toBe(2);
    expect(bucketSeconds(3600, 400)).toBe(10);
    expect(bucketSeconds(7 * 86_400, 400)).toBe(1800);
    expect(bucketSeconds(0, 400)).toBe(1);
    expect(bucketSeconds(400 * 86_400 * 3, 400)).toBe(3 * 86_400);
    expect([1, 90, 900, 7200, 172_800].map(describeBucket)).toEqual(['1 s', '1.5 min', '15 min', '2 h', '2 days']);
  });
});

describe('the GPU dashboard data', () => {
  it('buckets the window per device, weighs downsampled rows by their sample count, and breaks lines at gaps', async () => {
    const data = await withStore({ dbPath, readOnly: true }, (store) => loadGpuDashboardData(store));
    expect(data.window).toMatchObject({ first: at(-7200), until: at(SESSION_S - 1), bucketS: 30 });
    expect(data.devices.map((d) => [d.uuid, d.label])).toEqual([
      [GPU_A, `GPU 0: ${HOSTILE_GPU}`],
      [GPU_B, 'GPU 1: NVIDIA H100 80GB HBM3'],
    ]);
    const a = data.devices[0];
    expect(a).toMatchObject({ samples: SESSION_S + 60 * 60, rows: SESSION_S + 60, finestResolutionS: 1, coarsestResolutionS: 60, peakUtilizationPct: 90, peakTemperatureC: 87 });
    // One 60 s row per 30 s bucket: its mean, and the min/max the retention job kept.
    const old = data.series.find((p) => p.device === a?.label && p.t === at(-7200).getTime());
    expect(old).toMatchObject({ samples: 60, util: 50, utilMin: 10, utilMax: 90, power: 120, powerMax: 200, tempMax: 60 });
    // The 60 s rows are one line (60 s apart is within 3 resolutions); the hour-long hole before the session starts another.
    const segments = new Set(data.series.filter((p) => p.device === a?.label).map((p) => p.seg));
    expect(segments.size).toBe(2);
    expect(data.series.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    const busy = data.series.find((p) => p.device === a?.label && p.t === at(90).getTime());
    expect(busy).toMatchObject({ samples: 30, util: 90, memPct: Number(((79_000 / TOTAL_MIB) * 100).toFixed(1)) });
    expect(data.runs.map((r) => [r.runId, r.ended])).toEqual([[RUN_1.id, true], [RUN_2.id, false]]);
    expect(data.runs[1]?.end).toBe(at(SESSION_S - 1).getTime()); // still running: shaded to the window's end
    expect(data.alertKinds.map((k) => [k.kind, k.count])).toEqual([['temperature-high', 2], ['gpu-lost', 1], ['memory-oom-risk', 1], ['throttling', 1]]);
    expect(data.ps.map((p) => [p.model, p.share])).toEqual([[HOSTILE_MODEL, 1], ['qwen2.5:7b', 0.5]]);
    expect(data.runSummaries.map((r) => r.runId)).toEqual([RUN_1.id]);
    expect(data.runSummaries[0]?.summary.total.evalTokens).toBe(4_000);
  });

  it('makes a timeline that renders without a warning whichever parts are empty', async () => {
    const data = await withStore({ dbPath, readOnly: true }, (store) => loadGpuDashboardData(store));
    const window = data.window;
    if (!window) throw new Error('no window');
    const full = { window, devices: data.devices, series: data.series, runs: data.runs, phases: data.phases, alertMarks: data.alertMarks };
    const variants = {
      'phases without runs': { ...full, runs: [] },
      'alerts only': { ...full, devices: [], series: [], runs: [], phases: [] },
      'samples only': { ...full, runs: [], phases: [], alertMarks: [] },
    };
    for (const [name, input] of Object.entries(variants)) {
      for (const interactive of [false, true]) {
        const chart = await renderChart('variant', gpuTimelineSpec(input, { interactive }));
        expect(chart.warnings.filter((w) => !w.includes('Can not resolve event source: window')), `${name}, interactive ${interactive}`).toEqual([]);
        expect(chart.svg).toMatch(/class="mark-/);
      }
    }
  });

  it('an explicit window narrows everything to it', async () => {
    const data = await withStore({ dbPath, readOnly: true }, (store) => loadGpuDashboardData(store, { since: at(0), until: at(99) }));
    expect(data.window).toMatchObject({ first: at(0), until: at(99), bucketS: 1 });
    expect(data.devices.map((d) => d.samples)).toEqual([100, 100]);
    expect(data.alertKinds).toEqual([]);
    expect(data.runs.map((r) => r.runId)).toEqual([RUN_1.id]);
  });
});

describe('the GPU dashboard page', () => {
  let page: string;
  let out: string;
  beforeAll(async () => {
    out = path.join(dir, 'reports');
    const file = await withStore({ dbPath, readOnly: true }, (store) => renderGpuDashboard(store, out));
    expect(file).toBe(path.join(out, GPU_DASHBOARD_FILE));
    page = read(file);
  });

  it('draws the metrics per device as static SVG lines and bands, with the runs shaded and the phase marks', () => {
    for (const panel of ['util', 'memory', 'power', 'temp']) {
      expect(markGroup(page, 'line', `${panel}_line`)).toMatch(/<path[^>]* d="M[\d.,-]+(L[\d.,-]+){20,}/);
      expect(markGroup(page, 'area', `${panel}_band`)).toMatch(/<path/);
    }
    // Two runs shaded in every metric panel; the runs strip carries their ids, the phase strip the marks.
    expect(page.split('class="mark-rect role-mark run_overlay_marks"').length - 1).toBe(4);
    expect(markGroup(page, 'rect', 'run_overlay').split('<path').length - 1).toBe(2);
    expect(markGroup(page, 'rect', 'runs')).toContain(RUN_1.id);
    expect(markGroup(page, 'rect', 'runs')).toContain(RUN_2.id);
    expect(markGroup(page, 'rect', 'phases').split('<path').length - 1).toBe(2);
    expect(page).toMatch(/class="mark-rule role-mark (memory|temp)_threshold_marks"/);
    // Alert markers per kind, and the loaded models coloured by offload share.
    expect(markGroup(page, 'symbol', 'alert_markers').split('<path').length - 1).toBe(5);
    expect(markGroup(page, 'rect', 'loaded_models').split('<path').length - 1).toBe(2);
    // Hover targets only in the interactive spec, never as thousands of invisible SVG elements.
    expect(page).not.toContain('_hover_marks');
    const spec = JSON.stringify(embeddedSpecs(page)['chart-gpu-timeline']);
    expect(spec).toContain('"hover_util"');
  });

  it('embeds interactive specs that compile and render', async () => {
    for (const [id, spec] of Object.entries(embeddedSpecs(page))) {
      const chart = await renderChart(`again-${id.replace(/^chart-/, '')}`, spec);
      expect(chart.svg, id).toMatch(/class="mark-/);
      expect(chart.warnings.filter((w) => !w.includes('Can not resolve event source: window')), id).toEqual([]);
    }
  });

  it('lists devices, alerts with their values, and each run\'s GPU summary', () => {
    expect(page).toContain(`<td><span title="${GPU_B} on ${HOST}, read with nvidia-smi">GPU 1: NVIDIA H100 80GB HBM3</span></td>`);
    expect(page).toContain('<td class="nowrap">1–60 s</td>'); // GPU A has downsampled rows
    expect(page).toContain('<td>GPU 1: NVIDIA H100 80GB HBM3</td><td>GPU GPU-bbbbbbbb'); // the lost GPU's alert names its device
    expect(page).toContain('temperature over threshold');
    expect(page).toContain('<td>GPU 0 temperature 87 °C is over 85 °C</td><td class="num">87.0</td><td class="num">85.0</td>');
    expect(page).toContain('<td class="num">96.9%</td><td class="num">95.0%</td>');
    expect(page).toContain('GPU lost');
    expect(page).toContain('throttling (clocks held back)');
    expect(page).toContain('GPU alerts:');
    // The run with samples: energy, tokens and Wh per 1,000 tokens (300 W for 240 s on GPU A = 20 Wh).
    const runRow = new RegExp(`<tr><td class="nowrap">${RUN_1.id}</td>.*?</tr>`).exec(page)?.[0] ?? '';
    expect(runRow).toContain('<td class="num">20.000</td><td class="num">4,000</td><td class="num">5.000</td>');
    expect(runRow).toContain('<td>fully</td><td class="num"><span title="memory near full (OOM risk) ×1, temperature over threshold ×2, throttling (clocks held back) ×1">4</span></td>');
    expect(page).toContain('GPU per run, model and phase');
  });

  it(`draws the interactive charts in Chromium, offline, and zooms every panel from the top one${SKIP_BROWSER}`, async () => {
    if (SKIP_BROWSER) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? problems.push(m.text()) : undefined));
      tab.on('pageerror', (e) => problems.push(String(e)));
      tab.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      tab.on('request', (r) => requests.push(r.url()));
      await tab.goto(pathToFileURL(path.join(out, GPU_DASHBOARD_FILE)).href);
      await tab.waitForFunction(`document.querySelectorAll('.chart-static').length === 0`, undefined, { timeout: EMBED_TIMEOUT_MS });
      const timeline = tab.locator('#chart-gpu-timeline svg');
      expect(await timeline.locator('.mark-line path').count()).toBeGreaterThanOrEqual(8); // 4 panels × 2 devices
      // Every panel's time axis is the shared one: scrolling on the top panel widens a run's
      // shading in the bottom metric panel too.
      const bandWidth = () => timeline.locator('.run_overlay_marks path').last().evaluate((el) => (el as unknown as { getBBox(): { width: number } }).getBBox().width);
      const before = await bandWidth();
      const box = await timeline.boundingBox();
      if (!box) throw new Error('no timeline on the page');
      await tab.mouse.move(box.x + box.width * 0.3, box.y + 120);
      await tab.mouse.wheel(0, -400);
      const widened = `(() => {
        const all = document.querySelectorAll('#chart-gpu-timeline svg .run_overlay_marks path');
        const last = all[all.length - 1];
        return last !== undefined && last.getBBox().width > ${before * ZOOMED_WIDER};
      })()`;
      await tab.waitForFunction(widened, undefined, { timeout: EMBED_TIMEOUT_MS });
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('escapes hostile GPU names, model names and messages everywhere', () => {
    for (const hostile of [HOSTILE_GPU, HOSTILE_MODEL, HOSTILE_MESSAGE]) expect(page).not.toContain(hostile);
    expect(page).toContain('GPU 0: &lt;script&gt;alert(&quot;gpu&quot;)&lt;/script&gt;');
    expect(page).toContain('GPU 0 said &lt;b onmouseover=alert(2)&gt;hot&lt;/b&gt;');
    expect(page).not.toMatch(/<(img|b) /);
    // The only scripts: the three libraries, the specs (inert JSON) and the loader.
    expect(page.split('<script').length - 1).toBe(5);
    const specs = JSON.stringify(embeddedSpecs(page));
    expect(specs).toContain(HOSTILE_MODEL); // data, read back intact from the escaped JSON
  });
});

describe('renderReports', () => {
  it('renders the GPU dashboard with the other reports and links it from the index', async () => {
    const out = path.join(dir, 'all-reports');
    const result = await renderReports({ dbPath, outDir: out });
    expect(result.gpuDashboard).toBe(path.join(out, GPU_DASHBOARD_FILE));
    expect(fs.existsSync(result.gpuDashboard)).toBe(true);
    expect(read(path.join(out, INDEX_FILE))).toContain(`<a href="${GPU_DASHBOARD_FILE}">`);
  });
});

describe('without telemetry', () => {
  it('says plainly that there is none, with no charts', async () => {
    const empty = path.join(dir, 'empty.duckdb');
    await withStore({ dbPath: empty }, async () => undefined);
    const file = await withStore({ dbPath: empty, readOnly: true }, (store) => renderGpuDashboard(store, path.join(dir, 'empty-reports')));
    const html = read(file);
    expect(html).toContain('No GPU telemetry in this database yet');
    expect(html).not.toContain('<script');
  });

  it('says so for a window that holds none', async () => {
    const file = await withStore({ dbPath, readOnly: true }, (store) =>
      renderGpuDashboard(store, path.join(dir, 'old-window'), { since: new Date(Date.UTC(2020, 0, 1)), until: new Date(Date.UTC(2020, 0, 2)) }),
    );
    const html = read(file);
    expect(html).toContain('No GPU telemetry between 2020-01-01 00:00 UTC and 2020-01-02 00:00 UTC');
    expect(html).not.toContain('<script');
  });
});

describe('a week of 1-second samples', () => {
  const WEEK_S = 7 * 86_400;
  const GPUS = 2;
  const RUN_EVERY_S = 7200;
  const RUNS = WEEK_S / RUN_EVERY_S;
  let weekDb: string;
  beforeAll(async () => {
    weekDb = path.join(dir, 'week.duckdb');
    await withStore({ dbPath: weekDb }, async (store) => {
      const start = `TIMESTAMP '2026-01-01 00:00:00'`;
      // Every second for a week, two GPUs; the first hour of every two belongs to a run.
      await store.run(
        `INSERT INTO gpu_samples
         SELECT ${start} + to_seconds(i), 'lab', 'nvidia-smi', 'GPU-' || g, g, 'NVIDIA H100 <b>', (i % 100)::DOUBLE, 40000 + (i % 1000), ${TOTAL_MIB},
           100 + (i % 300), 40 + (i % 45), '', CASE WHEN (i // 3600) % 2 = 0 THEN 'w' || (i // ${RUN_EVERY_S}) END, 1, 1,
           (i % 100)::DOUBLE, (i % 100)::DOUBLE, 40000 + (i % 1000), 100 + (i % 300), 40 + (i % 45)
         FROM range(${WEEK_S}) t(i), range(${GPUS}) d(g)`,
      );
      await store.run(
        `INSERT INTO runs SELECT 'w' || k, 'bench', 'sample', 'week', '{}', '{}', 'lab', 'completed',
           ${start} + to_seconds(k * ${RUN_EVERY_S}), ${start} + to_seconds(k * ${RUN_EVERY_S} + 3600), NULL FROM range(${RUNS}) t(k)`,
      );
      await store.run(`INSERT INTO gpu_phases SELECT 'w' || k, 'lab', 'generate', 'model-' || (k % 3), ${start} + to_seconds(k * ${RUN_EVERY_S}) FROM range(${RUNS}) t(k)`);
      // An alert a minute, Ollama polled every 5 s.
      await store.run(`INSERT INTO gpu_alerts SELECT ${start} + to_seconds(i * 60), 'lab', 'GPU-0', CASE WHEN i % 2 = 0 THEN 'temperature-high' ELSE 'throttling' END, 'alert ' || i, 86, 85, NULL FROM range(${WEEK_S / 60}) t(i)`);
      await store.run(`INSERT INTO ollama_ps_samples SELECT ${start} + to_seconds(i * 5), 'http://lab:11434', 'model-' || ((i // 720) % 3), 8e9, CASE WHEN (i // 720) % 3 = 2 THEN 6e9 ELSE 8e9 END, NULL, NULL, NULL FROM range(${WEEK_S / 5}) t(i)`);
    });
  }, 120_000);

  it('stays under 2 MB: everything is bucketed in DuckDB', async () => {
    const out = path.join(dir, 'week-reports');
    const started = performance.now();
    const file = await withStore({ dbPath: weekDb, readOnly: true }, (store) => renderGpuDashboard(store, out));
    const ms = performance.now() - started;
    const bytes = fs.statSync(file).size;
    console.log(`GPU dashboard over ${GPUS} GPUs × ${WEEK_S.toLocaleString('en-US')} s: ${(bytes / 1024).toFixed(0)} KiB in ${ms.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(MAX_HTML_BYTES);
    const html = read(file);
    expect(html).toContain('30 min buckets');
    expect(html).toContain(`Alerts (the newest ${MAX_ALERT_ROWS} of ${(WEEK_S / 60).toLocaleString('en-US')})`);
    expect(html).toContain('GPU per run (the newest 30 of 84 runs with samples)');
    expect(html).not.toContain('NVIDIA H100 <b>');
    const timeline = embeddedSpecs(html)['chart-gpu-timeline'] as unknown as { datasets: { samples: unknown[]; runs: unknown[] } };
    expect(timeline.datasets.samples.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(timeline.datasets.runs).toHaveLength(RUNS);
  }, 120_000);
});
