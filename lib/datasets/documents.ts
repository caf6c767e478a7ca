/**
 * Reads an imported dataset's documents back from the store (the `documents` table belongs to
 * the datasets module), in doc_no order and in batches, so a caller that copies a collection
 * elsewhere (an export to PostgreSQL) holds one batch at a time, not the collection.
 */
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
