import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { importCollection } from '../../lib/datasets/import';
import { listDatasets } from '../../lib/datasets/catalog';
import { derivedDatasetName, evaluateExpansions } from '../../lib/keywords/expansion-quality';
import { removeDir, tempDir } from '../support/temp-store';
import { tinyCollection } from '../support/tiny-collection';
import path from 'node:path';

let dir: string;
let dbPath: string;
beforeEach(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'test.duckdb');
  await withStore({ dbPath }, (store) => importCollection(store, 'tiny', tinyCollection()));
});
afterEach(() => removeDir(dir));

describe('the retrieval effect of keyword expansion', () => {
  it('ranks the dataset\'s queries over the plain and the expanded index and leaves no copy behind', async () => {
    // q2 ("influenza vaccines") finds d4 either way; expanding d2 with "influenza" makes d2 compete for q2,
    // and expanding d4 with "vaccines" helps it.
    const result = await withStore({ dbPath }, (store) =>
      evaluateExpansions(store, 'tiny', {
        harmful: new Map([['d2', ['influenza vaccines', 'influenza vaccine', 'vaccines influenza', 'influenza', 'vaccine']]]),
        helpful: new Map([['d1', ['heart attack']], ['d3', ['heart attack']]]),
      }),
    );
    expect(result.perQuery.map((q) => q.queryId)).toEqual(['q1', 'q2']);
    expect(result.expandedDocs).toEqual({ harmful: 1, helpful: 2 });
    expect(result.plainMean).toBeGreaterThan(0);
    expect(result.expandedMean['harmful']).toBeLessThan(result.plainMean);
    expect(result.expandedMean['helpful']).toBeGreaterThanOrEqual(result.plainMean);
    const names = await withStore({ dbPath }, async (store) => (await listDatasets(store)).map((d) => d.name));
    expect(names).toEqual(['tiny']);
  });

  it('names the copies after the dataset within the 64-character limit', () => {
    expect(derivedDatasetName('tiny', 'treatment')).toBe('tiny.kw-treatment');
    expect(derivedDatasetName('x'.repeat(64), 'control')).toHaveLength(64);
  });
});
