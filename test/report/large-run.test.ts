import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReports } from '../../lib/report/render-reports';
import { MAX_ITEM_ROWS } from '../../lib/report/run-data';
import { withStore, type AppendValue } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';

const ITEMS = 100_000;
const CALLS = 100_000;
const QUESTIONS = 2_000;
const GENERATORS = ['baseline:question-or', 'baseline:tfidf-keywords', 'llm:llama3.2:3b', 'llm:qwen2.5:7b', 'multi-model'];
const LLM_MODELS = ['llama3.2:3b', 'qwen2.5:7b'];
const MEASURES = ['ndcg_cut_10', 'recall_100', 'map', 'P_10'];
const MAX_HTML_BYTES = 2 * 1024 * 1024;
const RUN_ID = 'r20260101-000000-big000';
const SEED = 42;

/** mulberry32: a small deterministic generator, so the synthetic run is the same every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'large.duckdb');
  const next = random(SEED);
  const started = new Date('2026-01-01T00:00:00Z');
  await withStore({ dbPath }, async (store) => {
    await store.run(
      `INSERT INTO runs VALUES ($id, 'bench', 'synthetic', 'large', $config, '{}', 'test-host', 'completed', $started::TIMESTAMP, $ended::TIMESTAMP, NULL)`,
      { id: RUN_ID, config: JSON.stringify({ suite: { top_k: 100 } }), started: started.toISOString(), ended: new Date(started.getTime() + 3_600_000).toISOString() },
    );
    await store.append('queries', Array.from({ length: QUESTIONS }, (_, q) => ['synthetic', `q${q}`, `synthetic question ${q} about <b>topic</b> ${q % 17}`]));
    const items: AppendValue[][] = [];
    const metrics: AppendValue[][] = [];
    for (let i = 0; i < ITEMS; i++) {
      const generator = GENERATORS[i % GENERATORS.length] ?? 'x';
      const question = Math.floor(i / GENERATORS.length) % QUESTIONS;
      const repeat = Math.floor(i / (GENERATORS.length * QUESTIONS));
      const key = `r${repeat}|${generator}|q${question}`;
      const llm = generator.startsWith('llm:');
      const error = next() < 0.03 ? `query 1 at ${Math.floor(next() * 20)}: unexpected token` : null;
      items.push([
        RUN_ID, key, generator, llm ? generator.slice(4) : null, `q${question}`, repeat, JSON.stringify([`term${question} AND other${i % 7}`, `(a OR b) AND c${i}`]),
        2, 2, Math.floor(next() * 200), llm ? 500 + next() * 4000 : next() * 2, llm ? 300 : null, llm ? 40 : null, llm ? next() < 0.2 : null, error, started,
      ]);
      for (const measure of MEASURES) metrics.push([RUN_ID, key, measure, next()]);
    }
    await store.append('run_items', items);
    await store.append('item_metrics', metrics);
    await store.append(
      'llm_calls',
      Array.from({ length: CALLS }, (_, c) => {
        const model = LLM_MODELS[c % LLM_MODELS.length] ?? 'x';
        const cached = next() < 0.2;
        return [
          `call-${c}`, RUN_ID, `r0|llm:${model}|q${c % QUESTIONS}`, 'ollama', 'http://127.0.0.1:11434', model, `key-${c}`, cached, '{}', started,
          cached ? 1 : 400 + next() * 5000, 100, 1e9, 1e7, 1e8, 8e8, 300, 40, 20 + next() * 60, 1, 'ok', null,
        ];
      }),
    );
  });
}, 120_000);
afterAll(() => removeDir(dir));

describe('a report over 100,000 items', () => {
  it('stays under 2 MB because everything is aggregated in DuckDB', async () => {
    const out = path.join(dir, 'reports');
    const t = performance.now();
    const { files } = await renderReports({ dbPath, outDir: out, runId: RUN_ID });
    const elapsedMs = performance.now() - t;
    const report = files.find((f) => path.basename(f).startsWith('run-'));
    expect(report).toBeDefined();
    const bytes = fs.statSync(report ?? '').size;
    console.log(`run report over ${ITEMS} items, ${ITEMS * MEASURES.length} metric rows, ${CALLS} LLM calls: ${(bytes / 1024).toFixed(0)} KiB in ${elapsedMs.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(MAX_HTML_BYTES);
    const html = fs.readFileSync(report ?? '', 'utf8');
    expect(html).toContain(`Showing the first ${MAX_ITEM_ROWS.toLocaleString('en-US')} of ${ITEMS.toLocaleString('en-US')} items`);
    expect(html).toContain('&lt;b&gt;topic&lt;/b&gt;');
    // Every generator's quality row is there, with a confidence interval.
    for (const generator of GENERATORS) expect(html).toContain(`>${generator}</td>`);
    expect(html).toMatch(/0\.\d{3} ± 0\.\d{3}/);
    for (const file of files) expect(fs.statSync(file).size).toBeLessThan(MAX_HTML_BYTES);
  });
});
