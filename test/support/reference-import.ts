/**
 * The in-memory importer as it was before streaming import (issue 15), kept only as the
 * reference the streaming importer's tables are compared with, row for row: it sorts the whole
 * collection by doc id and builds the inverted index, positions included, as JS arrays.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from '../../lib/store/store';
import { InputError } from '../../lib/input-error';
import { Analyzer, DEFAULT_ANALYZER } from '../../lib/text/analyzer';
import { compareStrcmp } from '../../lib/evaluation/trec-order';
import { DATASET_TABLES, type ImportOptions, type ImportSummary } from '../../lib/datasets/import';
import type { Document, ParsedCollection } from '../../lib/datasets/types';

/** Positions of consecutive fields are this far apart, so a phrase never matches across fields. */
const FIELD_POSITION_GAP = 100;

export interface IndexedDocument {
  docNo: number;
  docId: string;
  length: number;
}

export interface TermPostings {
  termNo: number;
  term: string;
  /** Parallel arrays: doc_no, tf and positions of each posting, in doc_no order. */
  docNos: number[];
  tfs: number[];
  positions: number[][];
}

export interface InvertedIndex {
  documents: IndexedDocument[];
  terms: TermPostings[];
  totalTokens: number;
  /** Lowercased surface word -> its term, for prefix queries over what users actually type. */
  words: Map<string, string>;
  /** Ids of documents whose indexed fields have no tokens at all. */
  emptyDocIds: string[];
}

/** Indexes the chosen `fields` of each document; doc_no is the document's position (0-based). */
export function buildInvertedIndex(documents: Document[], fields: string[], analyzer: Analyzer): InvertedIndex {
  const byTerm = new Map<string, TermPostings>();
  const indexed: IndexedDocument[] = [];
  const emptyDocIds: string[] = [];
  const words = new Map<string, string>();
  let totalTokens = 0;

  documents.forEach((doc, docNo) => {
    const docPositions = new Map<string, number[]>();
    let offset = 0;
    let length = 0;
    for (const field of fields) {
      const text = doc.fields[field];
      if (text === undefined || text === '') continue;
      let last = -1;
      for (const token of analyzer.tokens(text)) {
        const list = docPositions.get(token.term);
        if (list) list.push(offset + token.position);
        else docPositions.set(token.term, [offset + token.position]);
        if (!words.has(token.word)) words.set(token.word, token.term);
        last = token.position;
        length++;
      }
      offset += last + 1 + FIELD_POSITION_GAP;
    }
    if (length === 0) emptyDocIds.push(doc.id);
    totalTokens += length;
    indexed.push({ docNo, docId: doc.id, length });
    for (const [term, positions] of docPositions) {
      let postings = byTerm.get(term);
      if (!postings) {
        postings = { termNo: byTerm.size, term, docNos: [], tfs: [], positions: [] };
        byTerm.set(term, postings);
      }
      postings.docNos.push(docNo);
      postings.tfs.push(positions.length);
      postings.positions.push(positions);
    }
  });

  return { documents: indexed, terms: [...byTerm.values()], totalTokens, words, emptyDocIds };
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

export async function referenceImportCollection(
  store: Store,
  dataset: string,
  collection: ParsedCollection,
  options: ImportOptions = {},
): Promise<ImportSummary> {
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
