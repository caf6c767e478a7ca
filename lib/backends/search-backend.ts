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

/** How a backend names a matching document in a match set: compact where it can be. */
export type MatchKey = string | number;

export interface BackendQuery {
  key: string;
  text: string;
}

export type BackendResult =
  | {
      key: string;
      ok: true;
      matched: number;
      results: ScoredDocument[];
      /**
       * With `withMatches`: every matching document, as the backend's match keys (the embedded
       * engine's dense doc numbers, PostgreSQL's ids): `judgedKeys` maps judged ids to the same keys.
       */
      matchedKeys?: ReadonlySet<MatchKey>;
    }
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
  /** The match keys of the given (judged) document ids; ids not in the collection are left out. */
  judgedKeys(docIds: string[]): Promise<Map<string, MatchKey>>;
  /** The documents' fields by id; ids not found are left out. */
  fetchDocuments(ids: string[]): Promise<Map<string, Record<string, string>>>;
  close(): Promise<void>;
}
