/**
 * Reads an imported dataset's documents back from the store (the `documents` table belongs to
 * the datasets module), in doc_no order and in batches, so a caller that copies a collection
 * elsewhere (an export to PostgreSQL) holds one batch at a time, not the collection.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';

export interface StoredDocument {
  docNo: number;
  docId: string;
  fields: Record<string, string>;
}

/** The documents of `dataset`, `batchSize` at a time, in doc_no order. */
export async function* documentBatches(store: Store, dataset: string, batchSize = 2000): AsyncGenerator<StoredDocument[]> {
  let from = 0;
  for (;;) {
    const rows = await store.all<{ doc_no: number; doc_id: string; fields: string }>(
      `SELECT doc_no, doc_id, fields FROM documents WHERE dataset = $dataset AND doc_no >= $from ORDER BY doc_no LIMIT $limit`,
      { dataset, from, limit: batchSize },
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({ docNo: r.doc_no, docId: r.doc_id, fields: JSON.parse(r.fields) as Record<string, string> }));
    from = (rows[rows.length - 1]?.doc_no ?? from) + 1;
  }
}

/** Dense doc numbers of the given ids (a hash join: judged lists of large collections run to many thousands). */
export async function docNumbers(store: Store, dataset: string, docIds: string[]): Promise<Map<string, number>> {
  if (docIds.length === 0) return new Map();
  const rows = await store.all<{ doc_id: string; doc_no: number }>(
    `SELECT d.doc_id, d.doc_no FROM documents d JOIN (SELECT unnest($ids) AS doc_id) j USING (doc_id) WHERE d.dataset = $dataset`,
    { dataset, ids: listValue(docIds) },
    { ids: LIST(VARCHAR) },
  );
  return new Map(rows.map((r) => [r.doc_id, r.doc_no]));
}

/** The fields of the given documents by id; ids not found are left out. */
export async function documentsById(store: Store, dataset: string, docIds: string[]): Promise<Map<string, Record<string, string>>> {
  if (docIds.length === 0) return new Map();
  const rows = await store.all<{ doc_id: string; fields: string }>(
    `SELECT d.doc_id, d.fields FROM documents d JOIN (SELECT unnest($ids) AS doc_id) j USING (doc_id) WHERE d.dataset = $dataset`,
    { dataset, ids: listValue(docIds) },
    { ids: LIST(VARCHAR) },
  );
  return new Map(rows.map((r) => [r.doc_id, JSON.parse(r.fields) as Record<string, string>]));
}
