/**
 * Trends by configuration: real bench runs of one suite with TF-IDF keywords 5, 3, then 5 again,
 * and BM25 retrieval runs with k1 1.2, 0.9, then 1.2 again. A changed configuration is a new,
 * labelled series; an unchanged one stays one series across runs; the static SVG legend, the
 * tooltips and the latest-run table say the configuration. Hostile model names stay text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_SPECS_ELEMENT_ID, renderChart } from '../../lib/report/chart';
import { renderReports } from '../../lib/publish/render-reports';
import { reportContext, TRENDS_FILE } from '../../lib/report/report-files';
import { loadTrendPoints, type TrendPoint } from '../../lib/runs/trends-data';
import { renderTrendsPage, seriesOrder, trendSpec } from '../../lib/report/trends-report';
import { runBench } from '../../lib/runs/bench-run';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { withStore, type Store } from '../../lib/store/store';
import { appendRows } from '../scoring/helpers';
import { removeDir, tempDir } from '../support/temp-store';

const TFIDF = 'baseline:tfidf-keywords';
const QUESTION_OR = 'baseline:question-or';
const BM25 = 'retrieve:bm25';

let dir: string;
let dbPath: string;
let points: TrendPoint[];
let page: string;
const benchRuns: string[] = [];
const retrievalRuns: string[] = [];

function suite(keywords: number): string {
  const file = path.join(dir, `trends-${keywords}.yaml`);
  fs.writeFileSync(file, [
    'name: trends-test', 'dataset: sample', 'import: {format: beir, paths: [data/sample]}',
    'generators:', '  - type: question-or', '  - type: tfidf-keywords', `    keywords: ${keywords}`,
    'top_k: 100', 'gpu_sampling: false', '',
  ].join('\n'));
  return file;
}

/** The chart specs a page embeds, parsed as the browser would. */
function embeddedSpecs(html: string): Record<string, unknown> {
  const match = new RegExp(`<script type="application/json" id="${CHART_SPECS_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  if (!match?.[1]) throw new Error('no chart specs in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

/** The static SVG copies of a page's charts. */
const staticSvg = (html: string): string => [...html.matchAll(/<div class="chart-static"[^>]*>(.*?)<\/div>/gs)].map((m) => m[1] ?? '').join('\n');

const cells = (row: string): string[] => [...row.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1] ?? '');
const tableRows = (html: string): string[][] => [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((m) => cells(m[1] ?? '')).filter((c) => c.length > 0);

beforeAll(async () => {
  dir = tempDir('benchlab-trends-');
  dbPath = path.join(dir, 'trends.duckdb');
  for (const keywords of [5, 3, 5]) {
    const result = await runBench({ suite: suite(keywords), dbPath, useCache: false, hosts: [{ url: 'http://127.0.0.1:9', provider: 'ollama', concurrency: 1 }] });
    expect(result.status).toBe('completed');
    benchRuns.push(result.runId);
  }
  for (const k1 of [1.2, 0.9, 1.2]) {
    const result = await withStore({ dbPath }, (store) => runRetrieval(store, 'sample', { params: { k1, b: 0.75 }, top: 100 }));
    if (!result.runId) throw new Error('the retrieval run was not recorded');
    retrievalRuns.push(result.runId);
  }
  points = await withStore({ dbPath, readOnly: true }, (store) => loadTrendPoints(store));
  const out = path.join(dir, 'reports');
  await renderReports({ dbPath, outDir: out, runId: benchRuns[0] });
  page = fs.readFileSync(path.join(out, TRENDS_FILE), 'utf8');
});
afterAll(() => removeDir(dir));

const of = (generator: string) => points.filter((p) => p.generator === generator);
const runsOf = (series: string) => points.filter((p) => p.series === series).map((p) => p.runId);

describe('trends by configuration', () => {
  it('draws bench runs of one suite with tfidf keywords 5 and 3 as two labelled series', () => {
    expect(new Set(of(TFIDF).map((p) => p.series))).toEqual(new Set([`${TFIDF} (keywords=5)`, `${TFIDF} (keywords=3)`]));
    expect(runsOf(`${TFIDF} (keywords=5)`)).toEqual([benchRuns[0], benchRuns[2]]);
    expect(runsOf(`${TFIDF} (keywords=3)`)).toEqual([benchRuns[1]]);
    expect(new Set(of(TFIDF).map((p) => p.fingerprint)).size).toBe(2);
    expect(of(TFIDF).find((p) => p.runId === benchRuns[1])?.configuration).toBe('top_k=100, k1=1.2, b=0.75, keywords=3');
  });

  it('keeps an unchanged configuration one series across runs', () => {
    expect(new Set(of(QUESTION_OR).map((p) => p.series))).toEqual(new Set([QUESTION_OR]));
    expect(runsOf(QUESTION_OR)).toEqual(benchRuns);
    expect(new Set(of(QUESTION_OR).map((p) => p.fingerprint)).size).toBe(1);
  });

  it('shows retrieval runs with their k1 and b and their measures, one series per (dataset, k1, b, top)', () => {
    expect(new Set(of(BM25).map((p) => p.series))).toEqual(new Set([`${BM25} (k1=1.2, b=0.75)`, `${BM25} (k1=0.9, b=0.75)`]));
    expect(runsOf(`${BM25} (k1=1.2, b=0.75)`)).toEqual([retrievalRuns[0], retrievalRuns[2]]);
    for (const p of of(BM25)) {
      expect(p.kind).toBe('retrieve');
      expect(p.ndcg10).toBeGreaterThan(0);
      expect(p.map).toBeGreaterThan(0);
      expect(p.recall).not.toBeNull(); // recall_100 at the run's top of 100
      expect(p.recallCutoff).toBe(100);
      expect(p.latencyP50Ms).toBeNull();
      expect(p.errorRate).toBeNull();
    }
    const [a, b] = [retrievalRuns[0], retrievalRuns[1]].map((id) => of(BM25).find((p) => p.runId === id));
    expect(a?.ndcg10).not.toBe(b?.ndcg10);
  });

  it('matches the means DuckDB computes from the stored item metrics', async () => {
    const expected = await withStore({ dbPath, readOnly: true }, (store: Store) =>
      store.all<{ run_id: string; mean: number }>(`SELECT run_id, avg(value) AS mean FROM item_metrics WHERE measure = 'map' AND run_id IN (SELECT run_id FROM runs WHERE kind = 'retrieve') GROUP BY run_id`),
    );
    for (const e of expected) expect(of(BM25).find((p) => p.runId === e.run_id)?.map).toBeCloseTo(e.mean, 12);
  });

  it('names the configuration in the static SVG legend, the chart tooltips and the latest-run table', () => {
    const svg = staticSvg(page);
    for (const series of [`${TFIDF} (keywords=5)`, `${TFIDF} (keywords=3)`, QUESTION_OR, `${BM25} (k1=0.9, b=0.75)`]) expect(svg).toContain(`>${series}</text>`);
    const spec = JSON.stringify(embeddedSpecs(page));
    expect(spec).toContain('"field":"series"');
    expect(spec).toContain('"field":"configuration"');
    expect(spec).toContain('"field":"fingerprint"');
    expect(spec).toContain('keywords=3');

    const rows = tableRows(page);
    const tfidf5 = rows.find((r) => r[0] === `${TFIDF}<br><small class="caption">keywords=5</small>`);
    const tfidf3 = rows.find((r) => r[0] === `${TFIDF}<br><small class="caption">keywords=3</small>`);
    expect(tfidf3?.at(-2)).toBe('top_k=100, k1=1.2, b=0.75, keywords=3'); // the whole configuration
    expect(tfidf3?.at(-1)).toBe(of(TFIDF).find((p) => p.runId === benchRuns[1])?.fingerprint);
    expect(rows.filter((r) => r[0] === QUESTION_OR)).toHaveLength(1); // one configuration: no label
    expect(tfidf5?.[1]).toContain(benchRuns[2]);
    expect(tfidf5?.[11]).toContain(benchRuns[0]); // the previous run in the same configuration, not the keywords=3 run
    expect(tfidf3?.[1]).toContain(benchRuns[1]);
    expect(tfidf3?.[11]).toBe('–');
    const bm25 = rows.find((r) => r[0] === `${BM25}<br><small class="caption">k1=1.2, b=0.75</small>`);
    expect(bm25?.[11]).toContain(retrievalRuns[0]);
    expect(bm25?.slice(9, 11)).toEqual(['–', '–']); // no latency or error rate for retrieval runs
    expect(page).toContain('3 benchmark run(s) and 3 retrieval run(s) on 1 dataset(s)');
  });

  it('renders the trend chart without warnings', async () => {
    const chart = await renderChart('trend-test', trendSpec('sample', points, seriesOrder(points)));
    expect(chart.warnings.filter((w) => !w.includes('Can not resolve event source: window'))).toEqual([]); // zoom binds to the window, absent in Node
    expect(seriesOrder(points).slice(0, 2)).toEqual([QUESTION_OR, `${TFIDF} (keywords=5)`]);
  });
});

describe('hostile names in trends', () => {
  const HOSTILE_MODEL = '<img src=x onerror=alert(1)>"\'</script><script>alert(2)</script>';
  const HOSTILE_GENERATOR = `llm:${HOSTILE_MODEL}`;
  const HOSTILE_PROMPT = '</script><b>prompt</b>@1';
  let hostile: string;
  let hostilePoints: TrendPoint[];

  beforeAll(async () => {
    const hostileDb = path.join(dir, 'hostile.duckdb');
    hostilePoints = await withStore({ dbPath: hostileDb }, async (store) => {
      for (const [i, temperature] of [0.2, 0.7].entries()) {
        const runId = `r2026030${i + 1}-100000-hostile`;
        const started = new Date(Date.UTC(2026, 2, i + 1, 10));
        const suite = { top_k: 10, prompt: HOSTILE_PROMPT, options: { temperature }, generators: [{ type: 'llm', model: HOSTILE_MODEL }] };
        await appendRows(store, 'runs', [{
          run_id: runId, kind: 'bench', dataset: 'hostile', suite: 'hostile', config: JSON.stringify({ suite }), versions: '{}',
          host: 'test-host', status: 'completed', started_at: started, ended_at: new Date(started.getTime() + 60_000),
        }]);
        await appendRows(store, 'run_items', ['q1', 'q2'].map((q) => ({
          run_id: runId, item_key: `r0|${HOSTILE_GENERATOR}|${q}`, generator: HOSTILE_GENERATOR, model: HOSTILE_MODEL, query_id: q, repeat_index: 0,
          generated_queries: '[]', parsed_count: 1, query_count: 1, docs_found: 1, latency_ms: 100, prompt_tokens: 1, eval_tokens: 1,
          cache_hit: false, error: null, created_at: started, status: 'ok', error_kind: null, answer_read: 'strict', query_checks: '[]',
        })));
        await appendRows(store, 'item_metrics', ['q1', 'q2'].map((q) => ({ run_id: runId, item_key: `r0|${HOSTILE_GENERATOR}|${q}`, measure: 'ndcg_cut_10', value: 0.5 + i / 10 })));
      }
      return loadTrendPoints(store);
    });
    hostile = await renderTrendsPage(hostilePoints, await reportContext(), new Set());
  });

  it('labels the configurations by temperature', () => {
    expect(hostilePoints.map((p) => p.series)).toEqual([`${HOSTILE_GENERATOR} (temperature 0.2)`, `${HOSTILE_GENERATOR} (temperature 0.7)`]);
  });

  it('shows hostile model names and settings only as text, in the table, the SVG and the chart specs', () => {
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).not.toContain('<b>prompt');
    expect(hostile.split('<script').length - 1).toBe(5); // three embedding libraries, the specs, the loader
    expect(hostile).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(staticSvg(hostile)).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const spec = JSON.stringify(embeddedSpecs(hostile));
    expect(spec).toContain(JSON.stringify(`${HOSTILE_GENERATOR} (temperature 0.7)`).slice(1, -1));
    expect(spec).toContain(JSON.stringify(HOSTILE_PROMPT).slice(1, -1));
  });
});
