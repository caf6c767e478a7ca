/**
 * The search backend interface: where Benchlab's boolean + ranked queries run. A backend is
 * attached to one dataset; it runs a batch of queries (each a boolean filter ranked by the
 * engine's own ranking function, top k, with how many documents matched and optionally the ids of
 * every match, the set a reviewer screens) and fetches documents by id. Implementations:
 *   - embedded (lib/retrieval, over the DuckDB index Benchlab imports; BM25);
 *   - postgres (./postgres: a table the team already has, `to_tsquery` + `ts_rank_cd`).
 * A query that does not parse is reported per query, with its position, as the embedded engine
 * does; it never fails the batch.
 */
import type { ScoredDocument } from '../evaluation/types';
import type { QueryParseError } from '../retrieval/query-parser';

export interface BackendQuery {
  key: string;
  text: string;
}

export type BackendResult =
  | { key: string; ok: true; matched: number; results: ScoredDocument[]; matchedIds?: ReadonlySet<string> }
  | { key: string; ok: false; error: QueryParseError };

export interface BackendSearchOptions {
  /** Ranked documents to return per query. */
  top: number;
  /** Also return the id of every matching document. */
  withMatches?: boolean;
}

export interface SearchBackend {
  /** e.g. `postgres:public.med_docs (english)`. */
  readonly description: string;
  search(queries: BackendQuery[], options: BackendSearchOptions): Promise<BackendResult[]>;
  /** The documents' fields by id; ids not found are left out. */
  fetchDocuments(ids: string[]): Promise<Map<string, Record<string, string>>>;
  close(): Promise<void>;
}
