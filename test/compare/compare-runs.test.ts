import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore, type Store } from '../../lib/store/store';
import { compareRuns } from '../../lib/compare/compare-runs';
import { pairedTTest, welchTTest, holmAdjust } from '../../lib/stats/index';
import { runCli } from '../support/run-cli';
import { appendRows } from '../scoring/helpers';
import { removeDir, tempDir } from '../support/temp-store';

let dir: string;
let dbPath: string;

// Ten questions; B adds a known, noisy improvement to A's nDCG@10.
const QUESTIONS = Array.from({ length: 10 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`);
const A_NDCG = [0.41, 0.55, 0.32, 0.61, 0.47, 0.52, 0.38, 0.66, 0.44, 0.5];
const B_NDCG = [0.48, 0.6, 0.35, 0.7, 0.49, 0.61, 0.45, 0.7, 0.52, 0.53];
const A_RECALL = [0.7, 0.8, 0.6, 0.9, 0.75, 0.8, 0.65, 0.95, 0.7, 0.8];
const B_RECALL = [0.72, 0.78, 0.61, 0.9, 0.74, 0.82, 0.66, 0.94, 0.71, 0.81];

async function addRun(store: Store, runId: string, dataset: string, generator: string, ndcg: number[], recall: number[], latency: number[]): Promise<void> {
  await store.run(
    `INSERT INTO runs VALUES ($id, 'bench', $dataset, 'test', '{}', '{}', 'host', 'completed', current_timestamp, current_timestamp, NULL)`,
    { id: runId, dataset },
  );
  const now = new Date();
  await appendRows(
    store,
    'run_items',
    QUESTIONS.map((q, i) => ({
      run_id: runId, item_key: `r0|${generator}|${q}`, generator, query_id: q, repeat_index: 0, generated_queries: '["x"]', parsed_count: 1, query_count: 1,
      docs_found: 10, latency_ms: latency[i] ?? 0, cache_hit: false, created_at: now, status: 'ok', answer_read: 'strict',
      query_checks: JSON.stringify([{ original: 'x', query: 'x', repairs: [], valid: true }]),
    })),
  );
  await store.append(
    'item_metrics',
    QUESTIONS.flatMap((q, i) => [
      [runId, `r0|${generator}|${q}`, 'ndcg_cut_10', ndcg[i] ?? 0],
      [runId, `r0|${generator}|${q}`, 'recall_100', recall[i] ?? 0],
    ]),
  );
}

beforeAll(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'cmp.duckdb');
  await withStore({ dbPath }, async (store) => {
    const latency = QUESTIONS.map((_, i) => 100 + i);
    await addRun(store, 'runA', 'sample', 'llm:x', A_NDCG, A_RECALL, latency);
    await addRun(store, 'runB', 'sample', 'llm:x', B_NDCG, B_RECALL, latency.map((l) => l * 2));
    await addRun(store, 'runC', 'other', 'llm:x', B_NDCG, B_RECALL, latency);
  });
});
afterAll(() => removeDir(dir));

describe('compareRuns', () => {
  it('pairs items of the same dataset and uses the paired t-test, with Holm-adjusted p-values', async () => {
    const result = await withStore({ dbPath, readOnly: true }, (s) => compareRuns(s, 'runA', 'runB', { metrics: ['ndcg@10', 'recall@100'] }));
    expect(result.paired).toBe(true);
    const [ndcg, recall] = result.comparisons;
    const expected = pairedTTest(B_NDCG, A_NDCG);
    if (expected.degenerate) throw new Error('unexpected');
    expect(ndcg?.test).toBe('Paired t-test');
    expect(ndcg?.pValue).toBeCloseTo(expected.pValue, 12);
    expect(ndcg?.difference).toBeCloseTo(B_NDCG.reduce((a, b) => a + b) / 10 - A_NDCG.reduce((a, b) => a + b) / 10, 12);
    const recallTest = pairedTTest(B_RECALL, A_RECALL);
    if (recallTest.degenerate) throw new Error('unexpected');
    expect([ndcg?.adjustedPValue, recall?.adjustedPValue]).toEqual(holmAdjust([expected.pValue, recallTest.pValue]));
    expect(ndcg?.verdict).toBe('B better');
    expect(recall?.verdict).toBe('no significant difference');
    expect(ndcg?.perItem).toHaveLength(10);
    expect(ndcg?.itemsFor80Power).toBeGreaterThan(1);
  });

  it('uses rank tests for latency, where lower is better', async () => {
    const result = await withStore({ dbPath, readOnly: true }, (s) => compareRuns(s, 'runA', 'runB', { metrics: ['latency'] }));
    expect(result.comparisons[0]?.test).toMatch(/Wilcoxon/);
    expect(result.comparisons[0]?.verdict).toBe('B worse');
  });

  it('falls back to unpaired tests across datasets', async () => {
    const result = await withStore({ dbPath, readOnly: true }, (s) => compareRuns(s, 'runA', 'runC', { metrics: ['ndcg@10'] }));
    expect(result.paired).toBe(false);
    const expected = welchTTest(B_NDCG, A_NDCG);
    if (expected.degenerate) throw new Error('unexpected');
    expect(result.comparisons[0]?.test).toMatch(/Welch/);
    expect(result.comparisons[0]?.pValue).toBeCloseTo(expected.pValue, 12);
  });

  it('says clearly what is wrong with the input', async () => {
    await withStore({ dbPath, readOnly: true }, async (s) => {
      await expect(compareRuns(s, 'runA', 'nope')).rejects.toThrow(/unknown run 'nope'/);
      await expect(compareRuns(s, 'runA', 'runB', { metrics: ['bleu'] })).rejects.toThrow(/unknown metric 'bleu'/);
      await expect(compareRuns(s, 'runA', 'runB', { generators: ['llm:y', 'llm:x'] })).rejects.toThrow(/run A has no generator 'llm:y'/);
    });
  });
});

describe('benchlab compare', () => {
  it('prints the table and JSON with the verdict', async () => {
    const table = await runCli(['--db', dbPath, 'compare', 'runA', 'runB', '--metric', 'ndcg@10']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/paired on the questions both sides scored/);
    expect(table.stdout).toMatch(/Paired t-test/);
    expect(table.stdout).toMatch(/B better/);
    const json = await runCli(['--db', dbPath, 'compare', 'runA', 'runB', '--json']);
    const parsed = JSON.parse(json.stdout) as { comparisons: { metric: string; verdict: string }[] };
    expect(parsed.comparisons.map((c) => c.metric)).toEqual(['ndcg@10', 'recall@100', 'map']);
    expect(parsed.comparisons[2]?.verdict).toBe('not testable');
    const bad = await runCli(['--db', dbPath, 'compare', 'runA', 'runB', '--alpha', '2']);
    expect(bad.code).toBe(3);
  });
});
