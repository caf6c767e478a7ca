/**
 * The index page's view model of the runs table: the newest runs with their item counts
 * (run_items, or judged queries in item_metrics for a retrieval run) and the total.
 */
import type { Store } from '../store/store';

/** The newest runs listed. */
export const MAX_INDEX_RUNS = 1000;

export interface IndexRun {
  runId: string;
  kind: string;
  suite: string | null;
  dataset: string | null;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  items: number;
}

/** The runs the index page lists, newest first, and how many the store holds. */
export interface IndexRuns {
  runs: IndexRun[];
  total: number;
}

export async function loadIndexRuns(store: Store): Promise<IndexRuns> {
  const rows = await store.all(
    `WITH items AS (SELECT run_id, count(*) AS n FROM run_items GROUP BY run_id),
          measured AS (SELECT run_id, count(DISTINCT item_key) AS n FROM item_metrics GROUP BY run_id)
     SELECT r.run_id, r.kind, r.suite, r.dataset, r.status, r.started_at, r.ended_at, coalesce(i.n, m.n, 0) AS items
     FROM runs r LEFT JOIN items i USING (run_id) LEFT JOIN measured m USING (run_id)
     ORDER BY r.started_at DESC, r.run_id DESC LIMIT ${MAX_INDEX_RUNS}`,
  );
  const total = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM runs`);
  return {
    total: Number(total?.n ?? 0),
    runs: rows.map((r) => ({
      runId: String(r['run_id']),
      kind: String(r['kind']),
      suite: (r['suite'] as string | null) ?? null,
      dataset: (r['dataset'] as string | null) ?? null,
      status: String(r['status']),
      startedAt: r['started_at'] as Date,
      endedAt: (r['ended_at'] as Date | null) ?? null,
      items: Number(r['items']),
    })),
  };
}

/** Every run's id, oldest first (what `benchlab report --all` renders). */
export async function listRunIds(store: Store): Promise<string[]> {
  return (await store.all<{ run_id: string }>(`SELECT run_id FROM runs ORDER BY started_at, run_id`)).map((r) => r.run_id);
}

/** The newest run's id, or undefined for an empty store. */
export async function newestRunId(store: Store): Promise<string | undefined> {
  return (await store.one<{ run_id: string }>(`SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1`))?.run_id;
}
