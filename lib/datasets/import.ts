/**
 * Writes a parsed collection into the store under a dataset name, with its inverted index, in
 * one transaction: a re-import replaces the old dataset completely, and a failure anywhere leaves
 * the old dataset exactly as it was.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import { InputError } from '../input-error';
import { Analyzer, DEFAULT_ANALYZER, type AnalyzerSettings } from '../text/analyzer';
import { buildInvertedIndex, type InvertedIndex } from './inverted-index';
import { compareStrcmp } from '../evaluation/trec-order';
import type { ParsedCollection } from './types';

/** Tables holding one dataset's rows, all keyed by a `dataset` column. */
export const DATASET_TABLES = ['documents', 'queries', 'qrels', 'index_terms', 'index_words', 'index_postings', 'datasets'] as const;

const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ImportOptions {
  /** Fields to index; default: the collection's default fields. */
  fields?: string[];
  analyzer?: AnalyzerSettings;
  sourcePaths?: string[];
}

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
}

export function validateDatasetName(name: string): void {
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new InputError(
      `invalid dataset name '${name}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

function checkFields(collection: ParsedCollection, fields: string[]): void {
  const available = new Set<string>();
  for (const doc of collection.documents) for (const f of Object.keys(doc.fields)) available.add(f);
  const missing = fields.filter((f) => !available.has(f));
  if (fields.length === 0 || missing.length === fields.length) {
    throw new InputError(
      `none of the requested fields (${fields.join(', ') || 'none'}) occurs in any document; ` +
        `available fields: ${[...available].sort().join(', ') || 'none'}`,
    );
  }
}

function checkReferences(collection: ParsedCollection): string[] {
  const warnings: string[] = [];
  const docIds = new Set(collection.documents.map((d) => d.id));
  const queryIds = new Set(collection.queries.map((q) => q.id));
  const unknownDocs = new Set(collection.qrels.filter((j) => !docIds.has(j.docId)).map((j) => j.docId));
  const unknownQueries = new Set(collection.qrels.filter((j) => !queryIds.has(j.queryId)).map((j) => j.queryId));
  if (unknownDocs.size > 0) {
    warnings.push(`${unknownDocs.size} judged document id(s) not in the corpus, e.g. ${[...unknownDocs].slice(0, 5).join(', ')}`);
  }
  if (unknownQueries.size > 0) {
    warnings.push(`${unknownQueries.size} judged query id(s) have no query text, e.g. ${[...unknownQueries].slice(0, 5).join(', ')}`);
  }
  return warnings;
}

export async function importCollection(
  store: Store,
  dataset: string,
  collection: ParsedCollection,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  validateDatasetName(dataset);
  const fields = options.fields && options.fields.length > 0 ? options.fields : collection.defaultFields;
  checkFields(collection, fields);
  const analyzerSettings = options.analyzer ?? DEFAULT_ANALYZER;
  // doc_no follows doc_id byte order: BM25 breaks ties on doc_no exactly as trec_eval on doc_id.
  const documents = [...collection.documents].sort((a, b) => compareStrcmp(a.id, b.id));
  const index = buildInvertedIndex(documents, fields, new Analyzer(analyzerSettings));
  const warnings = [...collection.warnings, ...checkReferences(collection)];
  if (index.emptyDocIds.length > 0) {
    warnings.push(
      `${index.emptyDocIds.length} document(s) with no text in the indexed fields (${fields.join(', ')}): ` +
        index.emptyDocIds.slice(0, 10).join(', ') + (index.emptyDocIds.length > 10 ? ', ...' : ''),
    );
  }
  const avgDocLength = index.documents.length > 0 ? index.totalTokens / index.documents.length : 0;
  let postings = 0;

  await store.transaction(async () => {
    for (const table of DATASET_TABLES) {
      const column = table === 'datasets' ? 'name' : 'dataset';
      await store.run(`DELETE FROM ${table} WHERE ${column} = $dataset`, { dataset });
    }
    await store.append(
      'documents',
      documents.map((doc, docNo) => [
        dataset, docNo, doc.id, JSON.stringify(doc.fields), index.documents[docNo]?.length ?? 0,
      ]),
    );
    await store.append('queries', collection.queries.map((q) => [dataset, q.id, q.text]));
    await store.append('qrels', collection.qrels.map((j) => [dataset, j.queryId, j.docId, j.grade]));
    await store.append('index_terms', index.terms.map((t) => [dataset, t.termNo, t.term, t.docNos.length]));
    await store.append('index_words', [...index.words].map(([word, term]) => [dataset, word, term]));
    postings = await store.append('index_postings', postingRows(dataset, index));
    await store.run(
      `INSERT INTO datasets VALUES ($name, $format, $paths, $fields, $analyzer,
        $docs, $queries, $judgments, $tokens, $avg, $empty, current_timestamp)`,
      {
        name: dataset,
        format: collection.format,
        paths: listValue(options.sourcePaths ?? []),
        fields: listValue(fields),
        analyzer: JSON.stringify(analyzerSettings),
        docs: collection.documents.length,
        queries: collection.queries.length,
        judgments: collection.qrels.length,
        tokens: index.totalTokens,
        avg: avgDocLength,
        empty: listValue(index.emptyDocIds),
      },
      { paths: LIST(VARCHAR), fields: LIST(VARCHAR), empty: LIST(VARCHAR) },
    );
  });

  return {
    dataset,
    format: collection.format,
    documents: collection.documents.length,
    queries: collection.queries.length,
    judgments: collection.qrels.length,
    judgedQueries: new Set(collection.qrels.map((j) => j.queryId)).size,
    indexedFields: fields,
    terms: index.terms.length,
    postings,
    totalTokens: index.totalTokens,
    emptyDocIds: index.emptyDocIds,
    warnings,
  };
}

function* postingRows(dataset: string, index: InvertedIndex) {
  for (const t of index.terms) {
    for (let i = 0; i < t.docNos.length; i++) {
      const docNo = t.docNos[i] ?? 0;
      yield [dataset, t.termNo, docNo, t.tfs[i] ?? 0, index.documents[docNo]?.length ?? 0, t.positions[i] ?? []] as const;
    }
  }
}

/** Removes a dataset and all its rows, in one transaction. */
export async function removeDataset(store: Store, dataset: string): Promise<void> {
  await store.transaction(async () => {
    for (const table of DATASET_TABLES) {
      await store.run(`DELETE FROM ${table} WHERE ${table === 'datasets' ? 'name' : 'dataset'} = $dataset`, { dataset });
    }
  });
}
