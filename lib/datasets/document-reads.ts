/**
 * Reads an imported dataset's documents and index statistics back from the store (lib/datasets
 * owns the documents and index_* tables; lib/datasets/import.ts writes them): every document
 * with its fields, or batch by batch (an export to another engine holds one batch, not the
 * collection), documents by id, the doc_no of given document ids, and the document frequency of
 * each index term with the collection size (for TF-IDF keywords).
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { Document } from './types';

/** Every document of the dataset with its stored fields, in import order (doc_no). */
export async function allDocuments(store: Store, dataset: string): Promise<Document[]> {
  const rows = await store.all<{ doc_id: string; fields: string }>(`SELECT doc_id, fields FROM documents WHERE dataset = $dataset ORDER BY doc_no`, { dataset });
  return rows.map((r) => ({ id: r.doc_id, fields: JSON.parse(r.fields) as Record<string, string> }));
}

/** A document's indexed fields joined into one text, blank fields left out. */
export function indexedText(doc: Document, indexedFields: readonly string[]): string {
  return indexedFields.map((f) => doc.fields[f] ?? '').filter((t) => t !== '').join('\n');
}

/** doc_no of each of the given document ids that the dataset holds. */
export async function docNumbers(store: Store, dataset: string, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await store.all<{ doc_id: string; doc_no: number }>(
    // A hash join, not list_contains: judged lists of large collections run to many thousands.
    `SELECT d.doc_id, d.doc_no FROM documents d JOIN (SELECT unnest($ids) AS doc_id) j USING (doc_id) WHERE d.dataset = $dataset`,
    { dataset, ids: listValue([...ids]) },
    { ids: LIST(VARCHAR) },
  );
  return new Map(rows.map((r) => [r.doc_id, r.doc_no]));
}

/** Document frequency of each of the dataset's index terms. */
export async function termDocFrequencies(store: Store, dataset: string): Promise<Map<string, number>> {
  const rows = await store.all<{ term: string; doc_freq: number }>(`SELECT term, doc_freq FROM index_terms WHERE dataset = $dataset`, { dataset });
  return new Map(rows.map((r) => [r.term, r.doc_freq]));
}

/** The dataset's document count, 0 when it is not imported. */
export async function datasetDocCount(store: Store, dataset: string): Promise<number> {
  const row = await store.one<{ doc_count: number }>(`SELECT doc_count FROM datasets WHERE name = $dataset`, { dataset });
  return row?.doc_count ?? 0;
}

export interface StoredDocument {
  docNo: number;
  docId: string;
  fields: Record<string, string>;
}

/**
 * Up to `limit` documents of `dataset` from doc_no `fromDocNo` on, in doc_no order: one page, for
 * callers that visit the store once per page (the embedding pipeline opens it per batch).
 */
export async function documentPage(store: Store, dataset: string, fromDocNo: number, limit: number): Promise<StoredDocument[]> {
  const rows = await store.all<{ doc_no: number; doc_id: string; fields: string }>(
    `SELECT doc_no, doc_id, fields FROM documents WHERE dataset = $dataset AND doc_no >= $from ORDER BY doc_no LIMIT $limit`,
    { dataset, from: fromDocNo, limit },
  );
  return rows.map((r) => ({ docNo: r.doc_no, docId: r.doc_id, fields: JSON.parse(r.fields) as Record<string, string> }));
}

/** The documents of `dataset`, `batchSize` at a time, in doc_no order. */
export async function* documentBatches(store: Store, dataset: string, batchSize = 2000): AsyncGenerator<StoredDocument[]> {
  let from = 0;
  for (;;) {
    const page = await documentPage(store, dataset, from, batchSize);
    if (page.length === 0) return;
    yield page;
    from = (page[page.length - 1]?.docNo ?? from) + 1;
  }
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

/** doc_no -> doc_id of every document of the dataset (an array indexed by doc_no), streamed in chunks. */
export async function docIdsByNumber(store: Store, dataset: string): Promise<string[]> {
  const result = await store.connection.stream(`SELECT doc_no, doc_id FROM documents WHERE dataset = $dataset`, { dataset });
  const ids: string[] = [];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const no = chunk.getColumnVector(0);
    const id = chunk.getColumnVector(1);
    for (let r = 0; r < chunk.rowCount; r++) ids[no.getItem(r) as number] = id.getItem(r) as string;
  }
  return ids;
}

/** doc_length of every document of the dataset, indexed by doc_no (`size` slots at least). */
export async function docLengthsByNumber(store: Store, dataset: string, size: number): Promise<Int32Array> {
  const [docNos, lengths] = await store.columns(`SELECT doc_no, doc_length FROM documents WHERE dataset = $dataset`, { dataset });
  const out = new Int32Array(Math.max(size, docNos?.length ?? 0));
  docNos?.forEach((d, i) => {
    out[d as number] = lengths?.[i] as number;
  });
  return out;
}
