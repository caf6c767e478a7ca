import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_SPECS_ELEMENT_ID, EMBED_SCRIPTS } from '../../lib/report/chart';
import { renderReports, renderRunReport } from '../../lib/publish/render-reports';
import { INDEX_FILE, runReportFileName, TRENDS_FILE } from '../../lib/report/report-files';
import { InputError } from '../../lib/input-error';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';
import { createReportFixture, HOSTILE_QUERY, type ReportFixture } from '../report/report-fixture';

let dir: string;
let fixture: ReportFixture;
beforeAll(async () => {
  dir = tempDir();
  fixture = await createReportFixture(dir);
});
afterAll(() => removeDir(dir));

const read = (file: string) => fs.readFileSync(file, 'utf8');
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const ESCAPED_HOSTILE = '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;';

/** The chart specs a page embeds, parsed as the browser would. */
function embeddedSpecs(page: string): Record<string, unknown> {
  const match = new RegExp(`<script type="application/json" id="${CHART_SPECS_ELEMENT_ID}">(.*?)</script>`, 's').exec(page);
  if (!match?.[1]) throw new Error('no chart specs in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('the run report of a small benchmark (baselines, two fake-Ollama models, multi-model)', () => {
  let out: string;
  let page: string;
  let files: string[];
  beforeAll(async () => {
    out = path.join(dir, 'one-run');
    const before = sha256(fixture.dbPath);
    ({ files } = await renderReports({ dbPath: fixture.dbPath, outDir: out, runId: fixture.bench.runId }));
    expect(sha256(fixture.dbPath)).toBe(before); // opened read-only: the data never changes
    page = read(path.join(out, runReportFileName(fixture.bench.runId)));
  });

  it('writes the run report, the trends report and the index, with the scripts in assets/', () => {
    expect(files.map((f) => path.basename(f))).toEqual([runReportFileName(fixture.bench.runId), TRENDS_FILE, INDEX_FILE]);
    for (const file of EMBED_SCRIPTS) expect(fs.existsSync(path.join(out, 'assets', file))).toBe(true);
    for (const file of files) {
      const html = read(file);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(html).not.toMatch(/cdn|jsdelivr|unpkg/i);
    }
    for (const file of EMBED_SCRIPTS) expect(page).toContain(`<script src="assets/${file}"></script>`);
  });

  it('shows quality per generator with 95% t-intervals matching the run summary', () => {
    for (const g of fixture.bench.summary.generators) {
      expect(page).toContain(`<td>${g.generator}</td>`);
      expect(page).toMatch(new RegExp(`<td class="num">${(g.ndcg10 ?? 0).toFixed(3)} ± \\d\\.\\d{3}</td>`));
    }
    expect(page).toContain('Student&#39;s t intervals over items');
    expect(page).toContain('recall@100');
    expect(page).toContain('Highest nDCG@10');
  });

  it('shows the set measures of each generator as the run summary has them', () => {
    expect(page).toContain('Set measures per generator');
    for (const g of fixture.bench.summary.generators) {
      const f3 = g.setMeasures['set_F_9'];
      expect(f3).not.toBeNull();
      expect(page).toContain(`<td class="num">${(f3 as number).toFixed(4)}</td>`);
    }
  });

  it('shows tokens/s, latency, errors and cache hits, and the multi-model comparison', () => {
    // The fake server reports 20 ms per generated token: 50 tokens/s for every call.
    expect(page).toMatch(/<td>llama3\.2:3b<\/td><td class="num">32<\/td><td class="num">50\.0 ± 0\.0<\/td>/);
    // Every llama answer holds the hostile query, which does not parse, and a valid one: the
    // invalid query is recorded, the item is usable, and no item fails.
    expect(page).toContain('<td>llm:llama3.2:3b</td><td class="num">32</td><td class="num">0</td><td class="num">0.0%</td>');
    expect(page).toContain('<td class="nowrap">llm:llama3.2:3b</td><td class="num">32</td><td class="num">100.0%</td><td class="num">100.0%</td><td class="num">50.0%</td><td>strict 32</td>');
    expect(page).toContain('unexpected character &#39;&lt;&#39;');
    expect(page).toContain('Single model vs multi-model fusion');
    for (const m of fixture.bench.summary.multiModel) expect(page).toContain(`<td>${m.single}</td>`);
    expect(page).toContain('Latency per item in ms (cache hits excluded)');
  });

  it('renders every chart as static SVG with marks, and embeds the same specs for vega-embed', () => {
    const specs = embeddedSpecs(page);
    expect(Object.keys(specs).sort()).toEqual(['chart-call-latency', 'chart-latency', 'chart-outcomes', 'chart-per-question', 'chart-quality', 'chart-tokens', 'chart-tradeoff']);
    for (const id of Object.keys(specs)) {
      const figure = new RegExp(`<div class="chart-static" id="${id}-static"><svg[^>]*>(.*?)</svg></div>`, 's').exec(page);
      expect(figure, id).not.toBeNull();
      expect(figure?.[1], id).toMatch(/class="mark-(rect|symbol|rule|line)/);
    }
  });

  it('lists each question with its generated queries, item errors and nDCG@10, model output as text', () => {
    expect(page).toContain('Generated queries per question');
    expect(page).toContain('Does metformin reduce the risk of gestational diabetes');
    // The hostile query is listed as invalid, escaped, with the parser's position marked.
    expect(page).toMatch(new RegExp(`<li class="query-invalid"><span class="tag invalid"[^>]*>invalid</span> <mark class="at">&lt;</mark>${ESCAPED_HOSTILE.slice('&lt;'.length).replace(/[()]/g, '\\$&')}<br><small class="parse-error">at 0: unexpected character &#39;&lt;&#39;`));
    expect(page).toContain('<li>heart AND attack</li>');
    expect(page).not.toContain(HOSTILE_QUERY);
    expect(page).not.toContain('<script>alert');
    expect(page.split('<script').length - 1).toBe(EMBED_SCRIPTS.length + 2);
    expect(page).not.toContain('Showing the first');
  });

  it('links the run report from the index and lists every run there', () => {
    const index = read(path.join(out, INDEX_FILE));
    const file = runReportFileName(fixture.bench.runId);
    expect(index).toContain(`<a href="${file}">${fixture.bench.runId}</a>`);
    expect(index).toContain(`<td class="nowrap">${fixture.retrieveRunId}</td>`); // not rendered: no link
    expect(index).toContain(`<a href="${TRENDS_FILE}">`);
    expect(index).toContain('<td>report-test</td>');
  });

  it('draws the trends of each generator on the dataset', () => {
    const trends = read(path.join(out, TRENDS_FILE));
    expect(trends).toContain('Dataset sample');
    const spec = JSON.stringify(embeddedSpecs(trends));
    for (const g of fixture.bench.summary.generators) expect(spec).toContain(g.generator);
    expect(trends).toMatch(/class="mark-symbol/);
  });
});

describe('renderReports', () => {
  it('renders a retrieval run as a metrics table with the run\'s own means', async () => {
    const out = path.join(dir, 'retrieve');
    await renderReports({ dbPath: fixture.dbPath, outDir: out, runId: fixture.retrieveRunId });
    const page = read(path.join(out, runReportFileName(fixture.retrieveRunId)));
    const means = await withStore({ dbPath: fixture.dbPath, readOnly: true }, (store) =>
      store.all<{ measure: string; mean: number }>(`SELECT measure, avg(value) AS mean FROM item_metrics WHERE run_id = $id GROUP BY measure`, { id: fixture.retrieveRunId }),
    );
    expect(means.length).toBeGreaterThan(0);
    for (const m of means) expect(page).toContain(`<td>${m.measure}</td>`);
    const map = means.find((m) => m.measure === 'map');
    expect(page).toContain(`<td class="num">${map?.mean.toFixed(3)}</td>`);
    expect(page).toContain('Retrieval run');
    expect(page).toContain('k1 = 1.2');
  });

  it('renders every run with all, and the newest run by default', async () => {
    const all = await renderReports({ dbPath: fixture.dbPath, outDir: path.join(dir, 'all'), all: true });
    expect(all.files.map((f) => path.basename(f)).sort()).toEqual(
      [runReportFileName(fixture.bench.runId), runReportFileName(fixture.retrieveRunId), TRENDS_FILE, INDEX_FILE].sort(),
    );
    const newest = await renderReports({ dbPath: fixture.dbPath, outDir: path.join(dir, 'newest') });
    expect(newest.files.map((f) => path.basename(f))).toEqual([runReportFileName(fixture.retrieveRunId), TRENDS_FILE, INDEX_FILE]);
    expect(newest.index).toBe(path.join(dir, 'newest', INDEX_FILE));
  });

  it('refuses an unknown run and asking for one run and all at once', async () => {
    await expect(renderReports({ dbPath: fixture.dbPath, outDir: path.join(dir, 'x'), runId: 'r-missing' })).rejects.toThrow(InputError);
    await expect(renderReports({ dbPath: fixture.dbPath, outDir: path.join(dir, 'x'), runId: fixture.bench.runId, all: true })).rejects.toThrow(InputError);
  });

  it('renderRunReport returns the path of the run report it wrote', async () => {
    const out = path.join(dir, 'after-run');
    const file = await renderRunReport(fixture.dbPath, fixture.bench.runId, out);
    expect(file).toBe(path.join(out, runReportFileName(fixture.bench.runId)));
    expect(read(file)).toContain(`Benchmark run ${fixture.bench.runId}`);
    expect(fs.existsSync(path.join(out, INDEX_FILE))).toBe(true);
  });
});
