import { describe, expect, it } from 'vitest';
import { niceBinWidth, sqlHistogram } from '../../lib/store/histogram';
import { withStore } from '../../lib/store/store';

describe('niceBinWidth', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(niceBinWidth(100, 10)).toBe(10);
    expect(niceBinWidth(100, 30)).toBe(5);
    expect(niceBinWidth(1, 10)).toBeCloseTo(0.1, 12);
    expect(niceBinWidth(4700, 30)).toBe(200);
    expect(niceBinWidth(0, 30)).toBe(1);
  });
});

describe('sqlHistogram', () => {
  it('counts values per group and bin in DuckDB', () =>
    withStore({ dbPath: ':memory:' }, async (store) => {
      await store.run(`CREATE TABLE t AS SELECT CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS g, i::DOUBLE AS v FROM range(100) r(i)`);
      const bins = await sqlHistogram(store, { from: 't', value: 'v', group: 'g', bins: 10 });
      expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(100);
      expect(bins.filter((b) => b.group === 'a').map((b) => b.count)).toEqual(Array(10).fill(5));
      expect(bins[0]).toEqual({ group: 'a', start: 0, end: 10, count: 5 });
    }));

  it('puts the upper end of a fixed domain in the last bin, and binds parameters', () =>
    withStore({ dbPath: ':memory:' }, async (store) => {
      await store.run(`CREATE TABLE m (run VARCHAR, v DOUBLE)`);
      await store.run(`INSERT INTO m VALUES ('x', 0), ('x', 0.25), ('x', 1), ('x', 1), ('y', 0.5)`);
      const bins = await sqlHistogram(store, { from: `(SELECT 'all' AS g, v FROM m WHERE run = $run)`, value: 'v', group: 'g', params: { run: 'x' }, bins: 10, domain: [0, 1] });
      expect(bins).toEqual([
        { group: 'all', start: 0, end: 0.1, count: 1 },
        { group: 'all', start: 0.2, end: 0.3, count: 1 },
        { group: 'all', start: 0.9, end: 1, count: 2 },
      ]);
    }));

  it('returns no bins without values', () =>
    withStore({ dbPath: ':memory:' }, async (store) => {
      await store.run(`CREATE TABLE e (g VARCHAR, v DOUBLE)`);
      expect(await sqlHistogram(store, { from: 'e', value: 'v', group: 'g' })).toEqual([]);
    }));
});
