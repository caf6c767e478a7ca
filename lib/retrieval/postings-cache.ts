/**
 * Owns the per-process postings cache: a dataset's index tables loaded once into compact typed
 * arrays (per term a doc_no-sorted Int32Array slice with its tf, per document its length, per
 * term the idf as DuckDB computes it) for the in-process BM25 engine (bm25-top-k.ts) and the
 * boolean filter. Positions are not loaded; phrase queries fetch them per batch from DuckDB.
 *
 * Hand-written because no library loads DuckDB postings into typed arrays for BM25 in Node. A
 * dataset loads from its postings file beside the database (lib/datasets/postings-file.ts, one
 * read per array), or without one by copying its packed blobs (lib/datasets/postings-packs.ts);
 * one imported before packs streams index_postings' chunks straight into typed arrays (no row
 * objects) and places the postings by term with a counting sort, one scan of index_postings.
 *
 * Entries are keyed by database file, dataset name and the dataset's import stamp (imported_at,
 * document count, token count), so a re-import loads afresh. At most MAX_ENTRIES datasets stay
 * cached per process, to bound memory.
 */
import { DOUBLE, type DuckDBVector } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { DatasetInfo } from '../datasets/catalog';
import { docIdsByNumber, docLengthsByNumber } from '../datasets/document-reads';
import { int32Items } from '../store/int32-vector';
import { readPostingsPacks } from '../datasets/postings-packs';
import { readPostingsFile, sharedInt32 } from '../datasets/postings-file';

const MAX_ENTRIES = 2;

export interface PostingsIndex {
  readonly key: string;
  /**
   * Where the postings came from: the dataset's postings file (lib/datasets/postings-file.ts),
   * its packs (no file of this import beside the database), or a scan of index_postings (imported
   * before packs).
   */
  readonly loadedFrom: 'file' | 'packs' | 'index_postings';
  /** Documents in the dataset (datasets.doc_count): the universe of NOT and BM25's N. */
  readonly docCount: number;
  readonly avgDocLength: number;
  /** term -> dense term index (not the table's term_no). */
  readonly termIndex: ReadonlyMap<string, number>;
  /** Per term index: ln(1 + (N - df + 0.5) / (df + 0.5)), computed by DuckDB as the SQL engine does. */
  readonly idf: Float64Array;
  /** Postings of term i are offsets[i] .. offsets[i + 1] - 1 in docs and tfs, by doc_no ascending. */
  readonly offsets: Int32Array;
  readonly docs: Int32Array;
  readonly tfs: Int32Array;
  /** Per doc_no: the length the postings carry (index_postings.doc_length). */
  readonly docLengths: Int32Array;
  /** Per doc_no: the doc id, loaded on first use. */
  docIds?: string[];
  /** Per (k1, b): k1 * (1 - b + b * dl / avgdl) per doc_no, the length normalization. */
  norms: Map<string, Float64Array>;
  /** Per (k1, b): per term index, the largest tf part of its postings (NaN until computed). */
  bounds: Map<string, Float64Array>;
}

const cache = new Map<string, PostingsIndex>();

function cacheKey(store: Store, info: DatasetInfo): string {
  return [store.dbPath, info.name, info.importedAt, info.docCount, info.totalTokens].join('\u0000');
}

/** Drops every cached dataset (tests; a long-lived process that wants its memory back). */
export function clearPostingsCache(): void {
  cache.clear();
}

function item(vector: DuckDBVector, row: number): number {
  return vector.getItem(row) as number;
}

function grow(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/**
 * Loads the terms in term_no order, whose doc_freq gives the offsets, then the postings and
 * lengths from the dataset's postings file when it has one of this import, else from its packs
 * (lib/datasets/postings-packs.ts) and the lengths from the documents. Undefined when the dataset
 * has neither (imported before packs existed).
 */
async function loadPacked(store: Store, info: DatasetInfo, key: string): Promise<PostingsIndex | undefined> {
  const dataset = info.name;
  const [termNos, terms, idfs, docFreqs] = await store.columns(
    `SELECT term_no, term, ln(1 + ($n - doc_freq + 0.5) / (doc_freq + 0.5)) AS idf, doc_freq
     FROM index_terms WHERE dataset = $dataset ORDER BY term_no`,
    { dataset, n: info.docCount },
    { n: DOUBLE },
  );
  const termCount = termNos?.length ?? 0;
  const offsets = sharedInt32(termCount + 1);
  const termIndex = new Map<string, number>();
  for (let i = 0; i < termCount; i++) {
    // term_no is 0..T-1 as the import numbers it, so the term index is the term_no.
    if ((termNos?.[i] as number) !== i) return undefined;
    offsets[i + 1] = (offsets[i] as number) + (docFreqs?.[i] as number);
    termIndex.set(terms?.[i] as string, i);
  }
  const postings = offsets[termCount] as number;
  const stamp = { dataset, importedAt: info.importedAt, docCount: info.docCount, totalTokens: info.totalTokens, terms: termCount, postings };
  const fromFile = readPostingsFile(store.dbPath, stamp, Math.max(info.docCount, 1));
  const packed = fromFile ?? (await readPostingsPacks(store, dataset, postings));
  if (!packed) return undefined;
  let docLengths = fromFile?.docLengths;
  if (!docLengths) {
    const lengths = await docLengthsByNumber(store, dataset, Math.max(info.docCount, 1));
    docLengths = sharedInt32(lengths.length);
    docLengths.set(lengths);
  }
  return {
    key,
    loadedFrom: fromFile ? 'file' : 'packs',
    docCount: info.docCount,
    avgDocLength: info.avgDocLength,
    termIndex,
    idf: Float64Array.from(idfs as number[]),
    offsets,
    docs: packed.docs,
    tfs: packed.tfs,
    docLengths,
    norms: new Map(),
    bounds: new Map(),
  };
}

async function load(store: Store, info: DatasetInfo, key: string): Promise<PostingsIndex> {
  const packed = await loadPacked(store, info, key);
  if (packed) return packed;
  const dataset = info.name;
  // Terms: the idf is computed in DuckDB with the SQL engine's expression, so it is bit-identical.
  const termResult = await store.connection.stream(
    `SELECT term_no, term, ln(1 + ($n - doc_freq + 0.5) / (doc_freq + 0.5)) AS idf, doc_freq
     FROM index_terms WHERE dataset = $dataset`,
    { dataset, n: info.docCount },
    { n: DOUBLE },
  );
  const termNos: number[] = [];
  const terms: string[] = [];
  const idfs: number[] = [];
  let expectedPostings = 0;
  for (let chunk = await termResult.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await termResult.fetchChunk()) {
    const [no, term, idf, df] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i)) as DuckDBVector[];
    for (let r = 0; r < chunk.rowCount; r++) {
      termNos.push(item(no!, r));
      terms.push(term!.getItem(r) as string);
      idfs.push(item(idf!, r));
      expectedPostings += item(df!, r);
    }
  }
  let maxTermNo = -1;
  for (const no of termNos) if (no > maxTermNo) maxTermNo = no;
  const indexOfTermNo = new Int32Array(maxTermNo + 1).fill(-1);
  const termIndex = new Map<string, number>();
  termNos.forEach((no, i) => {
    indexOfTermNo[no] = i;
    termIndex.set(terms[i] as string, i);
  });
  const termCount = termNos.length;

  // Postings: one scan into flat arrays, then a counting sort by term.
  let rowTerms = new Int32Array(Math.max(expectedPostings, 1024));
  let rowDocs = new Int32Array(rowTerms.length);
  let rowTfs = new Int32Array(rowTerms.length);
  let docLengths = new Int32Array(Math.max(info.docCount, 1));
  let n = 0;
  const postingResult = await store.connection.stream(
    `SELECT term_no, doc_no, tf, doc_length FROM index_postings WHERE dataset = $dataset`,
    { dataset },
  );
  for (let chunk = await postingResult.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await postingResult.fetchChunk()) {
    const [termNo, docNo, tf, docLength] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i)) as DuckDBVector[];
    const rows = chunk.rowCount;
    if (n + rows > rowTerms.length) {
      rowTerms = grow(rowTerms, n + rows);
      rowDocs = grow(rowDocs, n + rows);
      rowTfs = grow(rowTfs, n + rows);
    }
    const termNos = int32Items(termNo!, rows);
    const docNos = int32Items(docNo!, rows);
    const lengths = int32Items(docLength!, rows);
    rowDocs.set(docNos.subarray(0, rows), n);
    rowTfs.set(int32Items(tf!, rows).subarray(0, rows), n);
    for (let r = 0; r < rows; r++, n++) {
      const d = docNos[r] as number;
      rowTerms[n] = indexOfTermNo[termNos[r] as number] ?? -1;
      if (d >= docLengths.length) docLengths = grow(docLengths, d + 1);
      docLengths[d] = lengths[r] as number;
    }
  }
  const offsets = new Int32Array(termCount + 1);
  for (let i = 0; i < n; i++) {
    const t = rowTerms[i] as number;
    if (t >= 0) offsets[t + 1] = (offsets[t + 1] as number) + 1;
  }
  for (let t = 0; t < termCount; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const total = offsets[termCount] as number;
  const docs = new Int32Array(total);
  const tfs = new Int32Array(total);
  const fill = offsets.slice(0, termCount);
  for (let i = 0; i < n; i++) {
    const t = rowTerms[i] as number;
    if (t < 0) continue;
    const at = fill[t] as number;
    fill[t] = at + 1;
    docs[at] = rowDocs[i] as number;
    tfs[at] = rowTfs[i] as number;
  }
  for (let t = 0; t < termCount; t++) sortTermPostings(docs, tfs, offsets[t] as number, offsets[t + 1] as number);

  return {
    key,
    loadedFrom: 'index_postings',
    docCount: info.docCount,
    avgDocLength: info.avgDocLength,
    termIndex,
    idf: Float64Array.from(idfs),
    offsets,
    docs,
    tfs,
    docLengths,
    norms: new Map(),
    bounds: new Map(),
  };
}

/** Sorts one term's postings by doc_no when the table did not give them in order (a no-op check usually). */
function sortTermPostings(docs: Int32Array, tfs: Int32Array, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) if ((docs[i] as number) < (docs[i - 1] as number)) sorted = false;
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => (docs[a] as number) - (docs[b] as number));
  const d = order.map((i) => docs[i] as number);
  const f = order.map((i) => tfs[i] as number);
  docs.set(d, from);
  tfs.set(f, from);
}

/** The dataset's postings, loaded on first use in this process (and again after a re-import). */
export async function postingsIndex(store: Store, info: DatasetInfo): Promise<PostingsIndex> {
  const scope = `${store.dbPath}\u0000${info.name}`;
  const key = cacheKey(store, info);
  const hit = cache.get(scope);
  cache.delete(scope); // re-inserted below as the most recently used, or replaced when stale
  if (hit && hit.key === key) {
    cache.set(scope, hit);
    return hit;
  }
  const index = await load(store, info, key);
  cache.set(scope, index);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return index;
}

/** doc_no -> doc_id for the dataset, read once per cached index. */
export async function docIdsOf(store: Store, index: PostingsIndex, dataset: string): Promise<string[]> {
  if (index.docIds) return index.docIds;
  const ids = await docIdsByNumber(store, dataset);
  index.docIds = ids;
  return ids;
}
