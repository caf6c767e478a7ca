/**
 * The run report's all-pairs section: run-data.ts builds the comparison of every pair of the
 * run's generators (compare/generator-pairs.ts, as `benchlab compare RUN --all-generators`
 * does), run-report.ts renders what it is handed: the means marked with the letters of the
 * generators each one significantly beats, the legend, and every pair's tests.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareAllGenerators } from '../../lib/compare/generator-pairs';
import { loadRunReportData, pairsMetrics } from '../../lib/publish/run-report-data';
import { pairsSection, renderRunReportPage, type BenchReportData } from '../../lib/report/run-report';
import { escapeHtml } from '../../lib/report/html-page';
import { withStore } from '../../lib/store/store';
import { appendRows } from '../scoring/helpers';
import { removeDir, tempDir } from '../support/temp-store';

const HOSTILE = 'llm:<img src=x onerror=alert(1)>';
const GENERATORS = ['baseline:bm25-or', HOSTILE, 'llm:small'];
const QUESTIONS = Array.from({ length: 10 }, (_, i) => `q${i}`);

let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = tempDir('benchlab-pairs-section-');
  dbPath = path.join(dir, 'pairs.duckdb');
  await withStore({ dbPath }, async (store) => {
    const now = new Date();
    await appendRows(store, 'runs', ['three', 'one'].map((run_id) => ({
      run_id, kind: 'bench', dataset: 'sample', suite: 'pairs', config: JSON.stringify({ suite: { top_k: 100 } }), versions: '{}', host: 'host', status: 'completed', started_at: now, ended_at: now,
    })));
    const items = [
      ...GENERATORS.flatMap((g) => QUESTIONS.map((q) => ({ run: 'three', g, q }))),
      ...QUESTIONS.map((q) => ({ run: 'one', g: 'llm:small', q })),
    ];
    await appendRows(store, 'run_items', items.map(({ run, g, q }) => ({
      run_id: run, item_key: `r0|${g}|${q}`, generator: g, query_id: q, repeat_index: 0, generated_queries: '["x"]', parsed_count: 1, query_count: 1,
      docs_found: 10, latency_ms: 100, cache_hit: false, status: 'ok', created_at: now,
    })));
    await appendRows(store, 'item_metrics', items.flatMap(({ run, g, q }) => {
      const i = Number(q.slice(1));
      // The hostile-named generator is far ahead on nDCG@10; the others are close.
      const ndcg = 0.3 + i / 100 + (g === HOSTILE ? 0.3 + (i % 3) / 100 : g === 'llm:small' ? ((i % 5) - 2) / 100 : 0);
      const noise = (GENERATORS.indexOf(g) * (((i * 7) % 5) - 2)) / 100;
      return [
        { run_id: run, item_key: `r0|${g}|${q}`, measure: 'ndcg_cut_10', value: ndcg },
        { run_id: run, item_key: `r0|${g}|${q}`, measure: 'recall_100', value: 0.5 + (i % 4) / 10 + noise },
        { run_id: run, item_key: `r0|${g}|${q}`, measure: 'map', value: 0.2 + ((i * 3) % 7) / 50 - noise },
      ];
    }));
  });
});
afterAll(() => removeDir(dir));

describe('the run report\'s all-pairs section', () => {
  let data: BenchReportData;
  beforeAll(async () => {
    const loaded = await withStore({ dbPath, readOnly: true }, (store) => loadRunReportData(store, 'three'));
    if (loaded.kind !== 'bench') throw new Error('expected a bench run');
    data = loaded;
  });

  it('is built from compare/generator-pairs.ts with the report\'s measures', async () => {
    expect(pairsMetrics(100)).toEqual(['ndcg@10', 'recall@100', 'map']);
    const direct = await withStore({ dbPath, readOnly: true }, (store) => compareAllGenerators(store, 'three', { metrics: pairsMetrics(100) }));
    expect(data.pairs?.generators).toEqual(direct.generators);
    expect(data.pairs?.pairs).toEqual(direct.pairs);
    expect(data.pairs?.tests).toBe(9);
    const hostile = data.pairs?.generators.find((g) => g.generator === HOSTILE);
    expect(hostile?.marker).toBe('b');
    expect(hostile?.cells[0]?.beats).toEqual(['a', 'c']);
  });

  it('renders the marked means, the legend and every pair, with names escaped', async () => {
    const page = await renderRunReportPage(data, { generatedAt: new Date(0), generator: 'test', assetsHref: 'assets' });
    expect(page).toContain('<section id="pairs"><h2>Every pair of generators</h2>');
    expect(page).toMatch(/\d\.\d{3}<sup class="beats">ac<\/sup>/);
    expect(page).toContain(escapeHtml(`b = ${HOSTILE}`));
    expect(page).toContain('Holm-adjusted together');
    expect(page).toContain(escapeHtml(`(a) baseline:bm25-or vs (b) ${HOSTILE}`));
    expect(page.includes(HOSTILE)).toBe(false);
    const rows = (page.match(/<tr/g) ?? []).length;
    expect(rows).toBeGreaterThan(0);
  });

  it('says so when the run has one generator', async () => {
    const one = await withStore({ dbPath, readOnly: true }, (store) => loadRunReportData(store, 'one'));
    expect(one.kind === 'bench' ? one.pairs : undefined).toBeNull();
    expect(String(pairsSection(null))).toMatch(/fewer than two generators/);
  });
});
