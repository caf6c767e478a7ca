/**
 * The embedded search backend: Benchlab's own index in DuckDB (lib/retrieval: the boolean filter
 * over postings, BM25 ranking, trec_eval tie-breaks). Its match keys are the dense doc numbers the
 * index uses, so a union of matches costs a number per document, not an id.
 */
import { docNumbers, documentsById } from '../datasets/document-reads';
import { searchBoolean } from '../retrieval/boolean-search';
import type { Store } from '../store/store';
import type { BackendQuery, BackendResult, BackendSearchOptions, MatchKey, SearchBackend } from './search-backend';

export class EmbeddedBackend implements SearchBackend {
  readonly description: string;

  constructor(private readonly store: Store, private readonly dataset: string) {
    this.description = `embedded:${dataset} (BM25)`;
  }

  async search(queries: BackendQuery[], options: BackendSearchOptions): Promise<BackendResult[]> {
    const results = await searchBoolean(this.store, this.dataset, queries, { top: options.top, ...(options.withMatches ? { withMatches: true } : {}) });
    return results.map((r): BackendResult => {
      if (!r.ok) return r;
      const { matchedDocNos, ...rest } = r;
      return matchedDocNos ? { ...rest, matchedKeys: matchedDocNos } : rest;
    });
  }

  judgedKeys(docIds: string[]): Promise<Map<string, MatchKey>> {
    return docNumbers(this.store, this.dataset, docIds);
  }

  fetchDocuments(ids: string[]): Promise<Map<string, Record<string, string>>> {
    return documentsById(this.store, this.dataset, ids);
  }

  async close(): Promise<void> {
    // The store belongs to the caller.
  }
}
