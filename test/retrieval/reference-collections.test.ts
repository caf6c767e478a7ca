/**
 * The engine against the reference figures in ../shared/reference/ir-bm25.md (Xapian, BM25
 * k1=1.2 b=0.75, Porter2, no stopwords, OR of all query terms, top 1000): MAP within ±0.01 and
 * nDCG@10 within ±0.03. MED indexes .W; ADI indexes .T + .W.
 */
import { describe, expect, it } from 'vitest';
import { parseSmart } from '../../lib/datasets/smart';
import { importCollection } from '../../lib/datasets/import';
import { withStore } from '../../lib/store/store';
import { runRetrieval } from '../../lib/runs/retrieval-run';
import { sharedPath, sharedPresent, SKIP_SHARED_REASON } from '../support/shared';
import { tempDbPath } from '../support/temp-store';

const REFERENCE = {
  med: { fields: ['w'], map: 0.527, ndcg10: 0.69, docs: 1033, queries: 30 },
  adi: { fields: ['t', 'w'], map: 0.4055, ndcg10: 0.479, docs: 82, queries: 35 },
} as const;
const MAP_TOLERANCE = 0.01;
const NDCG_TOLERANCE = 0.03;

describe('BM25 on the shared reference collections' + SKIP_SHARED_REASON, () => {
  for (const [name, ref] of Object.entries(REFERENCE)) {
    it.skipIf(!sharedPresent)(`${name}: MAP and nDCG@10 match the Xapian reference`, async () => {
      const dbPath = tempDbPath();
      const collection = await parseSmart(sharedPath('datasets', name));
      const result = await withStore({ dbPath }, async (store) => {
        const summary = await importCollection(store, name, collection, { fields: [...ref.fields] });
        expect(summary.documents).toBe(ref.docs);
        expect(summary.queries).toBe(ref.queries);
        return runRetrieval(store, name);
      });
      const mean = result.evaluation?.mean ?? {};
      console.log(name, JSON.stringify(mean), result.timingsMs);
      expect(result.evaluation?.judgedQueries).toBe(ref.queries);
      expect(Math.abs((mean['map'] ?? 0) - ref.map)).toBeLessThanOrEqual(MAP_TOLERANCE);
      expect(Math.abs((mean['ndcg_cut_10'] ?? 0) - ref.ndcg10)).toBeLessThanOrEqual(NDCG_TOLERANCE);
    });
  }
});
