import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, type RunComparison } from '../../lib/compare/compare-runs';
import { withStore, type Store } from '../../lib/store/store';
import { abReportFileName, headlineVerdict, metricVerdictSentence, renderAbReport } from '../../lib/report/ab-report';
import { refreshIndexPage } from '../../lib/publish/index-refresh';
import { safeFilePart, MAX_FILE_PART_CHARS } from '../../lib/report/safe-file-name';
import { chartElementId, renderChart } from '../../lib/report/chart';
import { differenceForestSpec, itemDifferenceSpec, liftForestSpec, MAX_LABELLED_QUESTIONS, sortedItemDifferences } from '../../lib/report/ab-charts';
import { escapeHtml } from '../../lib/report/html-page';
import { appendRows } from '../scoring/helpers';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';

// A generator and question ids that try to break out of the page, and run ids with path characters.
const HOSTILE_GENERATOR = '<script>alert("generator")</script>';
const HOSTILE_QUESTION = '"><img src=x onerror=alert(1)>';
const RUN_A = '../runA<1>';
const RUN_B = 'run B/2';
const RUN_OTHER = 'runC';
const QUESTIONS = [HOSTILE_QUESTION, ...Array.from({ length: 9 }, (_, i) => `q${String(i + 2).padStart(2, '0')}`)];
// B improves nDCG@10 on almost every question; recall@100 is the same on both sides (not testable).
const A_NDCG = [0.41, 0.55, 0.32, 0.61, 0.47, 0.52, 0.38, 0.66, 0.44, 0.5];
const B_NDCG = [0.48, 0.6, 0.35, 0.7, 0.49, 0.61, 0.45, 0.7, 0.52, 0.53];
const RECALL = [0.7, 0.8, 0.6, 0.9, 0.75, 0.8, 0.65, 0.95, 0.7, 0.8];
const A_MAP = [0.3, 0.42, 0.25, 0.5, 0.36, 0.4, 0.3, 0.55, 0.33, 0.41];
const B_MAP = [0.31, 0.4, 0.27, 0.49, 0.37, 0.42, 0.29, 0.56, 0.33, 0.4];

let dir: string;
let dbPath: string;

async function addRun(store: Store, runId: string, dataset: string, ndcg: number[], map: number[]): Promise<void> {
  const now = new Date();
  await appendRows(store, 'runs', [{ run_id: runId, kind: 'bench', dataset, suite: 'ab-test', config: '{}', versions: '{}', host: 'host', status: 'completed', started_at: now, ended_at: now }]);
  const key = (q: string) => `r0|${HOSTILE_GENERATOR}|${q}`;
  await appendRows(store, 'run_items', QUESTIONS.map((q, i) => ({
    run_id: runId, item_key: key(q), generator: HOSTILE_GENERATOR, query_id: q, repeat_index: 0, generated_queries: '[]',
    parsed_count: 1, query_count: 1, docs_found: 10 + i, latency_ms: 100 + i, cache_hit: false, created_at: now,
  })));
  await appendRows(store, 'item_metrics', QUESTIONS.flatMap((q, i) => [
    { run_id: runId, item_key: key(q), measure: 'ndcg_cut_10', value: ndcg[i] ?? 0 },
    { run_id: runId, item_key: key(q), measure: 'recall_100', value: RECALL[i] ?? 0 },
    { run_id: runId, item_key: key(q), measure: 'map', value: map[i] ?? 0 },
  ]));
}

const compare = (a: string, b: string): Promise<RunComparison> =>
  withStore({ dbPath, readOnly: true }, (store) => compareRuns(store, a, b, { metrics: ['ndcg@10', 'recall@100', 'map'] }));

/** The static SVG of one chart figure. */
function staticSvg(page: string, chartId: string): string {
  const match = new RegExp(`id="${chartElementId(chartId)}-static">(<svg.*?</svg>)</div>`, 's').exec(page);
  if (!match?.[1]) throw new Error(`no static chart ${chartId}`);
  return match[1];
}

beforeAll(async () => {
  dir = tempDir('benchlab-ab-report-');
  dbPath = path.join(dir, 'ab.duckdb');
  await withStore({ dbPath }, async (store) => {
    await addRun(store, RUN_A, 'sample', A_NDCG, A_MAP);
    await addRun(store, RUN_B, 'sample', B_NDCG, B_MAP);
    await addRun(store, RUN_OTHER, 'other', B_NDCG, B_MAP);
  });
});
afterAll(() => removeDir(dir));

describe('safeFilePart', () => {
  it('keeps plain run ids and makes any other id a distinct safe name', () => {
    expect(safeFilePart('r20261121-101512-3fa9c2')).toBe('r20261121-101512-3fa9c2');
    const unsafe = [RUN_A, RUN_B, '../runA_1_', 'a/b', 'a_b', '..', '', 'x'.repeat(300)];
    const parts = unsafe.map(safeFilePart);
    for (const part of parts) {
      expect(part).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(part.length).toBeLessThanOrEqual(MAX_FILE_PART_CHARS + 9);
    }
    expect(new Set(parts).size).toBe(unsafe.length);
  });
});

describe('the A/B report', () => {
  let comparison: RunComparison;
  let file: string;
  let page: string;
  beforeAll(async () => {
    comparison = await compare(RUN_A, RUN_B);
    file = await renderAbReport(comparison, path.join(dir, 'reports'));
    page = fs.readFileSync(file, 'utf8');
  });

  it('is written under a sanitized file name inside the output folder', () => {
    expect(path.dirname(file)).toBe(path.join(dir, 'reports'));
    expect(path.basename(file)).toBe(abReportFileName(RUN_A, RUN_B));
    expect(path.basename(file)).toMatch(/^ab-[A-Za-z0-9._-]+-vs-[A-Za-z0-9._-]+\.html$/);
    expect(fs.existsSync(path.join(dir, 'reports', 'assets', 'vega-embed.min.js'))).toBe(true);
  });

  it('states the verdict: B better on nDCG@10, no significant difference on MAP, recall identical', () => {
    const [ndcg, recall, map] = comparison.comparisons;
    expect([ndcg?.verdict, recall?.verdict, map?.verdict]).toEqual(['B better', 'no difference', 'no significant difference']);
    const headline = headlineVerdict(comparison);
    expect(headline).toMatch(/^B is better than A on nDCG@10 \(α = 0\.05, Holm-adjusted across 3 metric\(s\)\); no significant difference on MAP; no difference \(identical values\) on recall@100\.$/);
    expect(metricVerdictSentence(recall as NonNullable<typeof recall>, comparison.alpha)).toBe('recall@100 (higher is better): B and A have the same value on every question, so no difference.');
    expect(page.includes(escapeHtml(headline)), headline).toBe(true);
    const sentence = metricVerdictSentence(ndcg as NonNullable<typeof ndcg>, comparison.alpha);
    expect(sentence).toMatch(/^nDCG@10 \(higher is better\): B − A = \+0\.057 \[0\.038\d*, 0\.075\d*\] \(\+11\.7% \[.*\]\); Paired t-test p < 0\.0001, Holm-adjusted p = 0\.00015 < α = 0\.05, so B is better\.$/);
    expect(page.includes(escapeHtml(sentence)), sentence).toBe(true);
    expect(metricVerdictSentence(map as NonNullable<typeof map>, comparison.alpha)).toMatch(/≥ α = 0\.05, so no significant difference\. Detecting a difference this size with 80% power would take about \d+ questions \(there are 10\)\.$/);
    expect(page.includes('Paired t-test'), 'Paired t-test').toBe(true);
    expect(page.includes('n for 80% power'), 'n for 80% power').toBe(true);
  });

  it('draws the forest plots with marks for every metric that has a difference, and a zero line', () => {
    const forest = staticSvg(page, 'forest');
    expect(forest.match(/<path[^>]*role="graphics-symbol"[^>]*aria-roledescription="point"/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(forest).toContain('mark-rule');
    expect(forest).toContain('nDCG@10');
    expect(forest).toContain('stroke-dasharray');
    const lift = staticSvg(page, 'lift');
    expect(lift).toContain('mark-symbol');
  });

  it('shows every question\'s difference for the paired metrics', () => {
    const chart = staticSvg(page, 'items-1');
    expect(chart).toContain('mark-rect');
    expect(chart).toContain('q02');
    expect(page.includes('nDCG@10: B better on 10, worse on 0, tied on 0 of 10 questions')).toBe(true);
    expect(page.includes('MAP: B better on 5, worse on 4, tied on 1 of 10 questions')).toBe(true);
  });

  it('escapes the hostile generator and question id everywhere, charts and chart specs included', () => {
    expect(page.includes(HOSTILE_GENERATOR), HOSTILE_GENERATOR).toBe(false);
    expect(page.includes(HOSTILE_QUESTION), HOSTILE_QUESTION).toBe(false);
    expect(page.includes('<img'), '<img').toBe(false);
    expect(page.includes('&lt;script&gt;alert(&quot;generator&quot;)&lt;/script&gt;'), '&lt;script&gt;alert(&quot;generator&quot;)&lt;/script&gt;').toBe(true);
    expect(page.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'), '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;').toBe(true);
    // Only Benchlab's own scripts: three libraries, the specs as JSON, and the loader.
    expect(page.match(/<script\b/g)?.length).toBe(5);
    const specs = /<script type="application\/json" id="[^"]+">(.*?)<\/script>/s.exec(page)?.[1] ?? '';
    expect(specs).not.toContain('<');
    expect(JSON.stringify(JSON.parse(specs))).toContain(HOSTILE_QUESTION.replace(/"/g, '\\"'));
  });

  it('is listed by the refreshed index page', async () => {
    const index = await withStore({ dbPath, readOnly: true }, (store) => refreshIndexPage(store, path.join(dir, 'reports')));
    expect(fs.readFileSync(index, 'utf8')).toContain(`href="${path.basename(file)}"`);
  });
});

describe('the A/B chart specs', () => {
  it('render without warnings, also for a metric without an interval and for many questions', async () => {
    const comparison = await compare(RUN_A, RUN_B);
    const withDifference = comparison.comparisons.filter((c) => c.difference !== null);
    expect(withDifference.some((c) => c.differenceInterval === null)).toBe(true);
    const ndcg = comparison.comparisons[0];
    if (!ndcg) throw new Error('no nDCG@10 comparison');
    const many = Array.from({ length: MAX_LABELLED_QUESTIONS + 1 }, (_, i) => ({ questionId: `q${i}`, a: 0.5, b: 0.5 + (i % 3) / 10, difference: (i % 3) / 10 }));
    const sorted = sortedItemDifferences({ ...ndcg, perItem: many });
    expect(sorted.map((i) => i.difference).slice(0, 3)).toEqual([0.2, 0.2, 0.2]);
    expect(sorted[sorted.length - 1]?.outcome).toBe('tie');
    for (const [id, spec] of [
      ['forest', differenceForestSpec(withDifference, 95)],
      ['lift', liftForestSpec(comparison.comparisons.filter((c) => c.relativeLift !== null), 95)],
      ['ranks', itemDifferenceSpec('nDCG@10', sorted)],
    ] as const) {
      const chart = await renderChart(id, spec);
      expect(chart.warnings, id).toEqual([]);
      expect(chart.svg.match(/role="graphics-symbol"/g)?.length ?? 0, id).toBeGreaterThan(0);
    }
  });

  it('sorts lower-is-better metrics so that B\'s gains come first', async () => {
    const comparison = await compare(RUN_A, RUN_B);
    const ndcg = comparison.comparisons[0];
    if (!ndcg) throw new Error('no nDCG@10 comparison');
    const items = [{ questionId: 'slower', a: 1, b: 3, difference: 2 }, { questionId: 'faster', a: 3, b: 1, difference: -2 }];
    expect(sortedItemDifferences({ ...ndcg, better: 'lower', perItem: items }).map((i) => [i.questionId, i.outcome])).toEqual([['faster', 'B better'], ['slower', 'B worse']]);
  });
});

describe('an unpaired A/B report', () => {
  it('has no per-question section and says why', async () => {
    const comparison = await compare(RUN_A, RUN_OTHER);
    expect(comparison.paired).toBe(false);
    const page = fs.readFileSync(await renderAbReport(comparison, path.join(dir, 'unpaired')), 'utf8');
    expect(page.includes('The comparison is unpaired'), 'The comparison is unpaired').toBe(true);
    expect(page.includes(`id="${chartElementId('items-1')}-static"`), `id="${chartElementId('items-1')}-static"`).toBe(false);
    expect(staticSvg(page, 'forest')).toContain('mark-symbol');
    expect(page.includes('Welch t-test'), 'Welch t-test').toBe(true);
  });
});

describe('benchlab compare --report', () => {
  it('writes the report, prints its path, and adds it to the JSON', async () => {
    const out = path.join(dir, 'cli-reports');
    const text = await runCli(['--db', dbPath, 'compare', RUN_A, RUN_B, '--report', out]);
    expect(text.code).toBe(0);
    const expected = path.join(out, abReportFileName(RUN_A, RUN_B));
    expect(text.stdout.trim().split('\n').pop()).toBe(`report: ${expected}`);
    expect(fs.existsSync(expected)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain(abReportFileName(RUN_A, RUN_B));
    const json = await runCli(['--db', dbPath, 'compare', RUN_A, RUN_B, '--json', '--report', out]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { report: string }).report).toBe(expected);
  });
});
