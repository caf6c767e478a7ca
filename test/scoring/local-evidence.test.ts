import { describe, expect, it } from 'vitest';
import type { AppendValue, Store } from '../../lib/store/store';
import { blendScores, loadLocalEvidence, localEvidenceWeight, type LocalEvidence } from '../../lib/scoring/local-evidence';
import { selectModel } from '../../lib/scoring/select-model';
import { appendRows, realData, withTempStore } from './helpers';

const K = realData().categories.scoring.local_evidence.k; // 30
const evidence = (items: number, score: number): LocalEvidence => ({ measure: 'ndcg_cut_10', items, mean: score / 100, score, runs: 1 });

describe('blend weights', () => {
  it('grow with the number of items as n / (n + k)', () => {
    expect(K).toBe(30);
    expect(localEvidenceWeight(0, K)).toBe(0);
    expect(localEvidenceWeight(10, K)).toBe(0.25);
    expect(localEvidenceWeight(30, K)).toBe(0.5);
    expect(localEvidenceWeight(90, K)).toBe(0.75);
    const weights = [1, 5, 20, 100, 1000].map((n) => localEvidenceWeight(n, K));
    expect([...weights].sort((a, b) => a - b)).toEqual(weights);
    expect(weights.every((w) => w > 0 && w < 1)).toBe(true);
  });

  it('blend the benchmark score with the local one, each standing alone when the other is missing', () => {
    expect(blendScores(80, evidence(30, 50), K)).toEqual({ score: 65, localWeight: 0.5 });
    expect(blendScores(80, null, K)).toEqual({ score: 80, localWeight: 0 });
    expect(blendScores(null, evidence(3, 50), K)).toEqual({ score: 50, localWeight: 1 });
    expect(blendScores(null, null, K)).toEqual({ score: null, localWeight: 0 });
  });
});

/** A benchmark run with `count` items of `model` scoring `ndcg` each (nDCG@10), plus noise that must not count. */
async function run(store: Store, runId: string, items: { model: string; count: number; ndcg: number }[]): Promise<void> {
  const at = new Date('2026-11-20T10:00:00Z');
  await appendRows(store, 'runs', [{ run_id: runId, kind: 'bench', dataset: 'sample', suite: 'default', config: '{}', versions: '{}', host: 'test', status: 'completed', started_at: at }]);
  const runItems: Record<string, AppendValue>[] = [];
  const metrics: Record<string, AppendValue>[] = [];
  const add = (key: string, generator: string, model: string | null, measures: Record<string, number>) => {
    runItems.push({ run_id: runId, item_key: key, generator, model, query_id: key, repeat_index: 0, created_at: at });
    for (const [measure, value] of Object.entries(measures)) metrics.push({ run_id: runId, item_key: key, measure, value });
  };
  for (const { model, count, ndcg } of items) {
    for (let i = 0; i < count; i++) add(`r0|llm:${model}|q${i}`, `llm:${model}`, model, { ndcg_cut_10: ndcg, map: 0.01 });
  }
  add('r0|baseline:question-or|q0', 'baseline:question-or', null, { ndcg_cut_10: 1 });
  add('r0|multi-model|q0', 'multi-model', 'qwen2.5:7b+llama3.1:8b', { ndcg_cut_10: 0 });
  await appendRows(store, 'run_items', runItems);
  await appendRows(store, 'item_metrics', metrics);
}

describe('local evidence from Benchlab runs', () => {
  it("reads nDCG@10 of each model's own items, over runs", async () => {
    await withTempStore(async (store) => {
      await run(store, 'run-a', [{ model: 'qwen2.5:7b', count: 40, ndcg: 0.9 }]);
      await run(store, 'run-b', [{ model: 'qwen2.5:7b', count: 20, ndcg: 0.6 }, { model: 'llama3.2:3b', count: 3, ndcg: 1 }]);
      const local = await loadLocalEvidence(store, { measure: 'ndcg_cut_10', scale: 100 });
      expect([...local.keys()].sort()).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
      expect(local.get('qwen2.5:7b')).toMatchObject({ items: 60, runs: 2 });
      expect(local.get('qwen2.5:7b')?.mean).toBeCloseTo((40 * 0.9 + 20 * 0.6) / 60, 10);
      expect(local.get('qwen2.5:7b')?.score).toBeCloseTo(80, 10);
      expect((await loadLocalEvidence(store, { measure: 'ndcg_cut_10', scale: 100, datasets: ['other'] })).size).toBe(0);
    });
  });

  it('is blended into the category score, shown separately, and can change the choice', async () => {
    await withTempStore(async (store) => {
      const data = realData();
      // query_generation within 8 GB, published scores only: llama3.1:8b (80.4 + 0.5 x 69.4) / 1.5 = 76.73 -> x 0.7 = 53.71
      // beats qwen2.5:7b (71.2 + 0.5 x 74.2) / 1.5 = 72.2 -> 50.54.
      const before = await selectModel('query_generation', { maxVramBytes: 8e9 }, { data, store });
      expect(before.model).toBe('llama3.1:8b');
      // 60 items of qwen2.5:7b at nDCG@10 0.9: w = 60 / 90 = 2/3, blended = 72.2 / 3 + 90 x 2/3 = 84.07 -> 58.85.
      // 3 items of llama3.2:3b at 1.0: w = 3 / 33, (77.4 + 0.5 x 63.4) / 1.5 = 72.73 -> 72.73 x 30/33 + 100 x 3/33 = 75.21 -> 52.65.
      await run(store, 'run-a', [{ model: 'qwen2.5:7b', count: 60, ndcg: 0.9 }, { model: 'llama3.2:3b', count: 3, ndcg: 1 }]);
      const after = await selectModel('query_generation', { maxVramBytes: 8e9 }, { data, store });
      expect(after.model).toBe('qwen2.5:7b');
      expect(after.breakdown.benchmark.score).toBeCloseTo(72.2, 10);
      expect(after.breakdown.local).toMatchObject({ measure: 'ndcg_cut_10', items: 60, runs: 1 });
      expect(after.breakdown.local?.score).toBeCloseTo(90, 10);
      expect(after.breakdown.local?.weight).toBeCloseTo(2 / 3, 10);
      expect(after.breakdown.blendedScore).toBeCloseTo(72.2 / 3 + 60, 10);
      expect(after.finalScore).toBeCloseTo(0.7 * (72.2 / 3 + 60), 10);
      const small = after.candidates.find((c) => c.model === 'llama3.2:3b');
      expect(small?.local?.weight).toBeCloseTo(3 / 33, 10);
      expect(small?.blendedScore).toBeCloseTo(((77.4 + 0.5 * 63.4) / 1.5) * (30 / 33) + 100 * (3 / 33), 10);
      expect(after.reason).toContain('the benchmark score 72.2 (IFEval 71.2, MMLU 74.2; coverage 100%) blended with local ndcg_cut_10 90.0 over 60 items at weight 0.67');
      // Categories without a local_evidence entry ignore the runs.
      const code = await selectModel('code', { maxVramBytes: 8e9 }, { data, store });
      expect(code.candidates.every((c) => c.local === null)).toBe(true);
    });
  });
});
