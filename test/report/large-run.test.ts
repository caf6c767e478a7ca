import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReports } from '../../lib/publish/render-reports';
import { MAX_ITEM_ROWS } from '../../lib/runs/run-report-data';
import { withStore, type AppendValue } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';
import { appendRows } from '../scoring/helpers';

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
    const items: Record<string, AppendValue>[] = [];
    const metrics: AppendValue[][] = [];
    for (let i = 0; i < ITEMS; i++) {
      const generator = GENERATORS[i % GENERATORS.length] ?? 'x';
      const question = Math.floor(i / GENERATORS.length) % QUESTIONS;
      const repeat = Math.floor(i / (GENERATORS.length * QUESTIONS));
      const key = `r${repeat}|${generator}|q${question}`;
      const llm = generator.startsWith('llm:');
      const failed = next() < 0.03;
      const error = failed ? 'no valid query in the answer' : null;
      const queries = [`term${question} AND other${i % 7}`, `(a OR b) AND c${i}`];
      const position = Math.floor(next() * 20);
      const checks = queries.map((q) => (failed ? { original: q, query: q, repairs: [], valid: false, position, message: 'unexpected token' } : { original: q, query: q, repairs: [], valid: true }));
      items.push({
        run_id: RUN_ID, item_key: key, generator, model: llm ? generator.slice(4) : null, query_id: `q${question}`, repeat_index: repeat,
        generated_queries: JSON.stringify(failed ? [] : queries), parsed_count: failed ? 0 : 2, query_count: 2, docs_found: Math.floor(next() * 200),
        latency_ms: llm ? 500 + next() * 4000 : next() * 2, prompt_tokens: llm ? 300 : null, eval_tokens: llm ? 40 : null,
        cache_hit: llm ? next() < 0.2 : null, error, created_at: started,
        status: failed ? 'error' : 'ok', error_kind: failed ? 'parse' : null, answer_read: llm ? (failed ? 'none' : 'strict') : null, query_checks: JSON.stringify(checks),
      });
      for (const measure of MEASURES) metrics.push([RUN_ID, key, measure, next()]);
    }
    await appendRows(store, 'run_items', items);
    await store.append('item_metrics', metrics);
    await appendRows(
      store,
      'llm_calls',
      Array.from({ length: CALLS }, (_, c) => {
        const model = LLM_MODELS[c % LLM_MODELS.length] ?? 'x';
        const cached = next() < 0.2;
        return {
          call_id: `call-${c}`, run_id: RUN_ID, item_key: `r0|llm:${model}|q${c % QUESTIONS}`, provider: 'ollama', host: 'http://127.0.0.1:11434', model,
          cache_key: `key-${c}`, cache_hit: cached, options: '{}', started_at: started, wall_ms: cached ? 1 : 400 + next() * 5000, ttft_ms: 100,
          total_ns: 1e9, load_ns: 1e7, prompt_eval_ns: 1e8, eval_ns: 8e8, prompt_tokens: 300, eval_tokens: 40, tokens_per_second: 20 + next() * 60,
          attempts: 1, status: 'ok', error: null, format_used: 'schema',
        };
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
