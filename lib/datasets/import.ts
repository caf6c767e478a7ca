/**
 * Writes a collection into the store under a dataset name, with its inverted index, in one
 * transaction: a re-import replaces the old dataset completely, and a failure anywhere (a bad
 * line in the middle of the corpus included) leaves the old dataset exactly as it was.
 *
 * Streaming: documents are read in batches; each batch is tokenized (BatchTokenizer, in a worker
 * thread while this thread indexes the batches before it: tokenizer-pipeline.ts), indexed
 * (IndexBuilder), and its documents and postings, positions included, are appended to staging
 * tables and dropped from memory, committed every STAGE_COMMIT_POSTINGS postings (a few
 * batches): DuckDB keeps a transaction's uncommitted rows in memory, which ran out of
 * IMPORT_DUCKDB_MEMORY_LIMIT at 300,000 documents, while committed rows can leave it. Only then,
 * in one transaction, the old dataset is deleted and its tables filled from the staging tables
 * with INSERT ... SELECT, after doc_no (doc_id byte order) and term_no are decided; a failure
 * before or during it leaves the old dataset as it was. The tables hold exactly what indexing the
 * sorted collection in one go did.
 *
 * The staging tables are TEMP tables (named per import, dropped at the end whatever happens, gone
 * with the connection when the process dies): their rows never go to the WAL or the database
 * file; beyond the memory limit DuckDB spills them to its temp folder (FILE.tmp, removed at
 * close: at most 2.6-2.8 GiB during a 300,000-document import, 1.7 GiB before). As ordinary
 * tables every commit went to the WAL, and each checkpoint it triggered (every 16 MB of WAL)
 * rewrote the staging tables' growing row groups, a row group of documents being about 127 MB of
 * text to FSST-compress again each time (gdb caught a peak there); the memory those rewrites
 * allocated and freed put the streaming phase at 848-911 MiB of RSS at 300,000 documents (four
 * runs), 602 MiB as TEMP tables.
 *
 * Memory: RSS is DuckDB's buffers (up to the memory limit), memory DuckDB has freed but its
 * allocator keeps (releaseFreedMemory hands it back between the import's statements), and the
 * JS heap (kept small by the typed-array rows of IndexBuilder). The 300,000-document import of
 * the synthetic perf corpus (310 MB of text) peaked at 1,036,036-1,120,284 KiB (GNU time %M;
 * 1.06-1.15 GB) and at 730,232-774,048 KiB (0.75-0.79 GB) with TEMP staging, the memory handed
 * back and the documents copied in slices (IMPORT_DOCUMENT_SLICE), measured before the
 * tokenizing worker was merged (figures with both: README "Import at scale").
 *
 * Postings are stored in (term_no, doc_no) order, which the engines read by. Documents are stored
 * in the order they were read, not sorted by doc_no: sorting 310 MB of document text under the
 * import's memory limit failed at 300,000 documents, and every read of documents names its doc_no
 * or doc_id (a page by doc_no scans only the doc_no column, then fetches the page's rows).
 *
 * Speed (100,000-document perf corpus, 107 MB, on this 2-core machine shared with other work;
 * `/usr/bin/time node dist/lib/cli/main.js --db D import --format beir --dataset syn DIR`, the
 * database, its .wal and .postings removed before each run, the builds alternated): the
 * streaming phase went from about 24 s to 8-11 s with the worker, the tokenizer's surface ids
 * (an array lookup per word instead of a Map lookup of its string), IndexBuilder's typed arrays,
 * postings appended as typed-array columns (Store.appendInt32Columns, a third of the time of
 * appending value by value) and a commit per STAGE_COMMIT_POSTINGS instead of per batch (which
 * cost more than the appends). Whole import: see README "Import at scale". What is left is
 * mostly DuckDB's: compressing the staged rows at each commit (about 3 s), the final INSERT ...
 * ORDER BY of the postings (about 6 s) and the packs (about 2 s).
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import { InputError } from '../input-error';
import { Analyzer, DEFAULT_ANALYZER, type AnalyzerSettings } from '../text/analyzer';
import { IndexBuilder, type BatchRows } from './index-builder';
import { fieldTexts, type TokenizedBatch } from './batch-tokenizer';
import { TokenizerPipeline } from './tokenizer-pipeline';
import { deletePostingsPacks, writePostingsPacks } from './postings-packs';
import { removePostingsFile } from './postings-file';
import { getDataset } from './catalog';
import { collectionStream, type CollectionRest, type DocumentStream, type SkippedFile } from './document-stream';
import { silentImportProgress, type ImportProgress } from './import-progress';
import type { Document, Judgment, ParsedCollection, Query } from './types';

/** Tables holding one dataset's rows, all keyed by a `dataset` column (and index_packs, which postings-packs.ts owns). */
export const DATASET_TABLES = ['documents', 'queries', 'qrels', 'index_terms', 'index_words', 'index_postings', 'datasets'] as const;

const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ImportOptions {
  /** Fields to index; default: the collection's default fields. */
  fields?: string[];
  analyzer?: AnalyzerSettings;
  sourcePaths?: string[];
  progress?: ImportProgress;
  /** Documents analyzed and appended at a time. */
  batchSize?: number;
  /** Postings staged per commit (STAGE_COMMIT_POSTINGS); tests make it small to fail after commits. */
  postingsPerCommit?: number;
}

/**
 * Documents per batch (the unit read, tokenized and indexed): enough to keep the Appender's
 * chunks full (a batch is about 50,000 posting rows), few enough that a batch's documents and
 * rows stay small (with 2,000 the JS heap reached 250-350 MB of garbage at 60,000 documents).
 */
export const IMPORT_BATCH_DOCUMENTS = 500;

/**
 * Postings staged per commit (about four batches of the perf corpus, two of DuckDB's row groups):
 * appending and committing 20,000 documents' staged rows took 1.2 s with a commit per batch,
 * 0.6 s with one every 4 batches and 0.54 s with one every 8 or 16 (the commit compresses and
 * writes the rows). What a transaction holds uncommitted stays small (about 10 MB).
 */
export const STAGE_COMMIT_POSTINGS = 245_760;

/**
 * Batches handed to the tokenizing worker before the oldest is indexed: enough to keep it busy
 * while this thread waits for a staging commit (several batches' worth of work), few enough that
 * the documents held stay small (about 1 MB a batch).
 */
export const TOKENIZE_AHEAD = 4;

export interface ImportSummary {
  dataset: string;
  format: string;
  documents: number;
  queries: number;
  judgments: number;
  judgedQueries: number;
  indexedFields: string[];
  terms: number;
  postings: number;
  totalTokens: number;
  emptyDocIds: string[];
  warnings: string[];
  /** Source files left out, with the reason: present for the formats that skip files (`files`). */
  skippedFiles?: SkippedFile[];
}

export function validateDatasetName(name: string): void {
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new InputError(
      `invalid dataset name '${name}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

function checkFields(available: ReadonlySet<string>, fields: string[]): void {
  const missing = fields.filter((f) => !available.has(f));
  if (fields.length === 0 || missing.length === fields.length) {
    throw new InputError(
      `none of the requested fields (${fields.join(', ') || 'none'}) occurs in any document; ` +
        `available fields: ${[...available].sort().join(', ') || 'none'}`,
    );
  }
}

function checkReferences(docIds: ReadonlySet<string>, queries: readonly Query[], qrels: readonly Judgment[]): string[] {
  const warnings: string[] = [];
  const queryIds = new Set(queries.map((q) => q.id));
  const unknownDocs = new Set(qrels.filter((j) => !docIds.has(j.docId)).map((j) => j.docId));
  const unknownQueries = new Set(qrels.filter((j) => !queryIds.has(j.queryId)).map((j) => j.queryId));
  if (unknownDocs.size > 0) {
    warnings.push(`${unknownDocs.size} judged document id(s) not in the corpus, e.g. ${[...unknownDocs].slice(0, 5).join(', ')}`);
  }
  if (unknownQueries.size > 0) {
    warnings.push(`${unknownQueries.size} judged query id(s) have no query text, e.g. ${[...unknownQueries].slice(0, 5).join(', ')}`);
  }
  return warnings;
}

/** Imports a collection held in memory (checks its fields before writing anything). */
export async function importCollection(
  store: Store,
  dataset: string,
  collection: ParsedCollection,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  validateDatasetName(dataset);
  const available = new Set<string>();
  for (const doc of collection.documents) for (const f of Object.keys(doc.fields)) available.add(f);
  checkFields(available, options.fields && options.fields.length > 0 ? options.fields : collection.defaultFields);
  return importDocumentStream(store, dataset, collectionStream(collection), options);
}

/**
 * DuckDB's memory limit while importing. Its default (80% of RAM) lets the staged rows and the
 * final sort of the postings grow with the collection; under this limit DuckDB spills them to
 * its temp folder instead, so a large import's peak RSS stays flat. 128 MB made the final sort
 * of 300,000 documents run out of memory.
 */
export const IMPORT_DUCKDB_MEMORY_LIMIT = '256MB';

/**
 * DuckDB threads while importing. The final INSERT ... ORDER BY sorts the whole collection; each
 * thread sorts its own runs with pinned blocks, and with two threads under the memory limit above
 * the documents' sort of 300,000 documents failed ("failed to pin block"). One thread sorts it in
 * the same memory (the batches are appended by one thread anyway).
 */
export const IMPORT_DUCKDB_THREADS = 1;

/**
 * Runs `work` under IMPORT_DUCKDB_MEMORY_LIMIT and IMPORT_DUCKDB_THREADS, then restores the
 * settings the database had (they are the DuckDB instance's, shared by the process's other
 * connections to the file).
 */
async function withImportMemoryLimit<T>(store: Store, work: () => Promise<T>): Promise<T> {
  const previous = await store.one<{ limit: string; threads: number }>(
    `SELECT current_setting('memory_limit') AS "limit", current_setting('threads')::INTEGER AS threads`,
  );
  await store.run(`SET memory_limit = '${IMPORT_DUCKDB_MEMORY_LIMIT}'`);
  await store.run(`SET threads = ${IMPORT_DUCKDB_THREADS}`);
  try {
    return await work();
  } finally {
    if (previous !== undefined) {
      await store.run(`SET memory_limit = $limit`, { limit: previous.limit }).catch(() => undefined);
      await store.run(`SET threads = ${Number(previous.threads)}`).catch(() => undefined);
    }
  }
}

/**
 * Drops staging tables that an import killed before its clean-up left in the file: ordinary
 * tables, as staging tables were before they became TEMP tables (which go with the connection).
 * The file is written by one process at a time, so tables of another process id are leftovers;
 * this process's own belong to imports still running.
 */
async function dropLeftoverStaging(store: Store): Promise<void> {
  const rows = await store.all<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'import\\_stage\\_%' ESCAPE '\\'`,
  );
  for (const { name } of rows) {
    if (!/^import_stage_\d+_\d+_[a-z_]+$/.test(name) || name.startsWith(`import_stage_${process.pid}_`)) continue;
    await store.run(`DROP TABLE IF EXISTS "${name}"`);
  }
}

/**
 * Documents per INSERT when the staged documents are copied into `documents`, DuckDB's freed
 * memory handed back after each slice: copying the 300,000 documents (310 MB of text) in one
 * INSERT made the import's peak, 876 MiB of RSS, against 782 MiB in slices of 50,000 (otherwise
 * the same build; RSS sampled every 50 ms).
 */
export const IMPORT_DOCUMENT_SLICE = 50_000;

/**
 * Hands the memory DuckDB has freed back to the system. DuckDB (on Linux) allocates through
 * its bundled jemalloc, which keeps freed pages for about 5 s (DuckDB's decay setting) before
 * returning them. DuckDB purges them from its worker threads once they idle (there are none with
 * IMPORT_DUCKDB_THREADS = 1; allocator_flush_threshold and allocator_background_threads changed
 * nothing measurable) and whenever the memory limit is set (BufferPool::SetLimit: every arena
 * purged, the C heap trimmed), which is what this does, to the import's limit again. Unpurged,
 * they were the largest part of the 300,000-document import's peak: jemalloc's statistics, read
 * with gdb while the packs were written, gave 223 MB allocated and 551 MB resident. A call costs
 * about 20 ms with the page faults of the memory used again, so it runs between the import's
 * statements and after each pack part, not per batch (after every batch the 100,000-document
 * import took 4 s longer).
 */
async function releaseFreedMemory(store: Store): Promise<void> {
  await store.run(`SET memory_limit = '${IMPORT_DUCKDB_MEMORY_LIMIT}'`);
}

/** Unique per import, so concurrent imports in one process never share a staging table. */
let stagingCounter = 0;

/** Imports a collection read as a stream; see the module header. */
export async function importDocumentStream(
  store: Store,
  dataset: string,
  source: DocumentStream,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  validateDatasetName(dataset);
  const requested = options.fields && options.fields.length > 0 ? options.fields : undefined;
  // The stream's default fields may narrow once its documents are read (CollectionRest.defaultFields);
  // the fields left out had no text in any document, so the index built with them is the same.
  let fields = requested ?? source.defaultFields;
  const analyzerSettings = options.analyzer ?? DEFAULT_ANALYZER;
  const builder = new IndexBuilder(fields, new Analyzer(analyzerSettings));
  const progress = options.progress ?? silentImportProgress;
  const stage = `import_stage_${process.pid}_${++stagingCounter}`;
  const stageDocs = `${stage}_documents`;
  const stagePostings = `${stage}_postings`;
  const stageDocNos = `${stage}_doc_nos`;
  const stageTermNos = `${stage}_term_nos`;

  const staging = [stageDocs, stagePostings, stageDocNos, stageTermNos];
  const result = await withImportMemoryLimit(store, async () => {
    await dropLeftoverStaging(store);
    try {
      // Staged outside the dataset's transaction, a commit per STAGE_COMMIT_POSTINGS: committed
      // rows can leave DuckDB's memory, a transaction's uncommitted rows do not (out of memory at
      // 300,000 documents). Temporary tables (see the module header). The dataset itself is only
      // touched by the transaction below.
      await store.run(`CREATE TEMP TABLE ${stageDocs} (seq INTEGER, doc_id VARCHAR, fields JSON, doc_length INTEGER)`);
      await store.run(`CREATE TEMP TABLE ${stagePostings} (term_id INTEGER, seq INTEGER, tf INTEGER, doc_length INTEGER, positions INTEGER[])`);
      await store.run(`CREATE TEMP TABLE ${stageDocNos} (seq INTEGER, doc_no INTEGER)`);
      await store.run(`CREATE TEMP TABLE ${stageTermNos} (term_id INTEGER, term_no INTEGER)`);
      progress.start(source.size);
      const tokenizer = new TokenizerPipeline(analyzerSettings);
      // Batches read and sent to the tokenizer, not yet indexed; rows indexed, not yet staged.
      const queued: { documents: Document[]; position: number; tokenized: Promise<TokenizedBatch> }[] = [];
      let unstaged: BatchRows[] = [];
      let unstagedPostings = 0;
      const stageRows = async () => {
        const rows = unstaged;
        unstaged = [];
        unstagedPostings = 0;
        await store.transaction(async () => {
          for (const { documents, postings: p } of rows) {
            await store.append(stageDocs, documents);
            await store.appendInt32Columns(stagePostings, p.count, [p.termIds, p.seqs, p.tfs, p.docLengths, { lengths: p.tfs, values: p.positions }]);
          }
        });
      };
      const indexNext = async () => {
        const next = queued.shift();
        if (next === undefined) return;
        const rows = builder.addTokenized(next.documents, await next.tokenized);
        unstaged.push(rows);
        unstagedPostings += rows.postings.count;
        if (unstagedPostings >= (options.postingsPerCommit ?? STAGE_COMMIT_POSTINGS)) await stageRows();
        progress.update(next.position, builder.documentCount);
      };
      try {
        await source.forEachBatch(options.batchSize ?? IMPORT_BATCH_DOCUMENTS, async (documents, position) => {
          const tokenized = tokenizer.tokenize(fieldTexts(documents, builder.fields));
          // Awaited in indexNext; one left waiting by a failure elsewhere must not be an unhandled rejection.
          tokenized.catch(() => undefined);
          queued.push({ documents, position, tokenized });
          // With a worker, earlier batches are indexed and staged while it tokenizes the later ones.
          if (queued.length > (tokenizer.threaded ? TOKENIZE_AHEAD : 0)) await indexNext();
        });
        while (queued.length > 0) await indexNext();
        await stageRows();
      } finally {
        progress.stop();
        tokenizer.close();
      }
      const rest = await source.finish();
      if (requested === undefined && rest.defaultFields !== undefined) fields = rest.defaultFields;
      checkFields(builder.availableFields, fields);
      await releaseFreedMemory(store);
      const written = await store.transaction(() => writeDataset(rest));
      // The staging tables go first (their temp space), then a checkpoint under the import's
      // memory limit: at close it would run under the database's default limit (its buffers were
      // the largest part of a big import's peak RSS).
      await dropStaging();
      await store.run('CHECKPOINT');
      await releaseFreedMemory(store);
      // The packs are written after the commit, a part per transaction: held in the dataset's
      // transaction, their blobs (8 bytes a posting, 240 MB at 300,000 documents) stayed pinned
      // until the commit, which failed under the memory limit. A reader in between finds no
      // complete packs and loads from index_postings (postings-packs.ts checks they add up).
      const stored = await getDataset(store, dataset);
      const packed = await writePostingsPacks(store, dataset, written.docFreqs, {
        file: { importedAt: stored.importedAt, docCount: stored.docCount, totalTokens: stored.totalTokens },
        afterPart: () => releaseFreedMemory(store),
      });
      await store.run('CHECKPOINT');
      return { ...written, postingsFileError: packed.fileError };
    } finally {
      await dropStaging();
    }
  });

  async function dropStaging(): Promise<void> {
    for (const table of staging) await store.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }

  async function writeDataset(rest: CollectionRest) {
    for (const table of DATASET_TABLES) {
      const column = table === 'datasets' ? 'name' : 'dataset';
      await store.run(`DELETE FROM ${table} WHERE ${column} = $dataset`, { dataset });
    }
    const order = builder.finish();
    await store.append(stageDocNos, (function* () {
      for (let seq = 0; seq < order.docNoOfSeq.length; seq++) yield [seq, order.docNoOfSeq[seq] ?? 0];
    })());
    await store.append(stageTermNos, order.terms.map((t, termNo) => [t.id, termNo]));
    await store.append('index_terms', order.terms.map((t, termNo) => [dataset, termNo, t.term, t.docFreq]));
    await store.append('index_words', order.words.map((w) => [dataset, w.word, w.term]));
    // In slices of the staged order, with DuckDB's freed memory handed back after each (see
    // IMPORT_DOCUMENT_SLICE).
    for (let first = 0; first < builder.documentCount; first += IMPORT_DOCUMENT_SLICE) {
      await store.run(
        `INSERT INTO documents
         SELECT $dataset, n.doc_no, d.doc_id, d.fields, d.doc_length
         FROM ${stageDocs} d JOIN ${stageDocNos} n USING (seq)
         WHERE d.seq >= $first AND d.seq < $end`,
        { dataset, first, end: first + IMPORT_DOCUMENT_SLICE },
      );
      await releaseFreedMemory(store);
    }
    await store.run(
      `INSERT INTO index_postings
       SELECT $dataset, t.term_no, n.doc_no, p.tf, p.doc_length, p.positions
       FROM ${stagePostings} p JOIN ${stageTermNos} t USING (term_id) JOIN ${stageDocNos} n USING (seq)
       ORDER BY t.term_no, n.doc_no`,
      { dataset },
    );
    await releaseFreedMemory(store);
    await deletePostingsPacks(store, dataset);

    await store.append('queries', rest.queries.map((q) => [dataset, q.id, q.text]));
    await store.append('qrels', rest.qrels.map((j) => [dataset, j.queryId, j.docId, j.grade]));
    const documentCount = builder.documentCount;
    await store.run(
      `INSERT INTO datasets VALUES ($name, $format, $paths, $fields, $analyzer,
        $docs, $queries, $judgments, $tokens, $avg, $empty, current_timestamp)`,
      {
        name: dataset,
        format: source.format,
        paths: listValue(options.sourcePaths ?? []),
        fields: listValue(fields),
        analyzer: JSON.stringify(analyzerSettings),
        docs: documentCount,
        queries: rest.queries.length,
        judgments: rest.qrels.length,
        tokens: builder.totalTokens,
        avg: documentCount > 0 ? builder.totalTokens / documentCount : 0,
        empty: listValue(order.emptyDocIds),
      },
      { paths: LIST(VARCHAR), fields: LIST(VARCHAR), empty: LIST(VARCHAR) },
    );
    return { rest, emptyDocIds: order.emptyDocIds, terms: order.terms.length, docFreqs: order.terms.map((t) => t.docFreq) };
  }

  const { rest, emptyDocIds } = result;
  const warnings = [...rest.warnings, ...checkReferences(new Set(builder.documentIds), rest.queries, rest.qrels)];
  if (result.postingsFileError !== undefined) {
    warnings.push(`postings file not written (${result.postingsFileError}): retrieval loads this dataset from the database, which is slower`);
  }
  if (emptyDocIds.length > 0) {
    warnings.push(
      `${emptyDocIds.length} document(s) with no text in the indexed fields (${fields.join(', ')}): ` +
        emptyDocIds.slice(0, 10).join(', ') + (emptyDocIds.length > 10 ? ', ...' : ''),
    );
  }
  return {
    dataset,
    format: source.format,
    documents: builder.documentCount,
    queries: rest.queries.length,
    judgments: rest.qrels.length,
    judgedQueries: new Set(rest.qrels.map((j) => j.queryId)).size,
    indexedFields: fields,
    terms: result.terms,
    postings: builder.postings,
    totalTokens: builder.totalTokens,
    emptyDocIds,
    warnings,
    ...(rest.skippedFiles ? { skippedFiles: rest.skippedFiles } : {}),
  };
}

/** Removes a dataset and all its rows, in one transaction, then its postings file. */
export async function removeDataset(store: Store, dataset: string): Promise<void> {
  await store.transaction(async () => {
    await deletePostingsPacks(store, dataset);
    for (const table of DATASET_TABLES) {
      await store.run(`DELETE FROM ${table} WHERE ${table === 'datasets' ? 'name' : 'dataset'} = $dataset`, { dataset });
    }
  });
  removePostingsFile(store.dbPath, dataset);
}
