/**
 * Executing an item's generated queries: the ranked measures are scored on the fused ranking, the
 * set measures on the union of every document the queries match (as a reviewer screens them),
 * worked out here by hand on the tiny collection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCollection } from '../../lib/datasets/import';
import { loadQrels } from '../../lib/datasets/catalog';
import { executeQueries } from '../../lib/querygen/execute-queries';
import { EmbeddedBackend } from '../../lib/backends/embedded-backend';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';
import path from 'node:path';

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'tiny.duckdb');
  await withStore({ dbPath }, (store) => importCollection(store, 'tiny', tinyCollection()));
});
afterAll(() => removeDir(dir));

describe('the set measures of an item', () => {
  it('are scored on the union of its queries\' matches, with no rank cut', async () => {
    await withStore({ dbPath }, async (store) => {
      const qrels = await loadQrels(store, 'tiny');
      // q1 judges d1 (2) and d3 (1) relevant. "smoking" matches d1 and d3; "diabetic" matches d2:
      // the union is {d1, d2, d3}: 2 of 3 relevant retrieved, both relevant found.
      const [item] = await executeQueries(new EmbeddedBackend(store, 'tiny'), qrels, [{ key: 'i1', questionId: 'q1', queries: ['smoking', 'diabetic'] }], 1);
      expect(item?.metrics['num_ret']).toBe(3);
      expect(item?.metrics['set_P']).toBeCloseTo(2 / 3, 12);
      expect(item?.metrics['set_recall']).toBe(1);
      const p = 2 / 3;
      expect(item?.metrics['set_F']).toBeCloseTo((2 * p * 1) / (p + 1), 12);
      expect(item?.metrics['set_F_9']).toBeCloseTo((10 * p * 1) / (9 * p + 1), 12);
      // Ranked measures stay on the fused ranking, cut at top = 1.
      expect(item?.fused).toHaveLength(1);
      expect(item?.metrics['recall_1']).toBe(0.5);
    });
  });

  it('are 0 for an item whose queries match nothing', async () => {
    await withStore({ dbPath }, async (store) => {
      const qrels = await loadQrels(store, 'tiny');
      const [item] = await executeQueries(new EmbeddedBackend(store, 'tiny'), qrels, [{ key: 'i2', questionId: 'q2', queries: ['zebrafish'] }], 10);
      expect(item?.metrics).toMatchObject({ num_ret: 0, set_P: 0, set_recall: 0, set_F: 0, set_F_9: 0 });
    });
  });
});
