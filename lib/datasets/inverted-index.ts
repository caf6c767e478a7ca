/**
 * Builds a dataset's inverted index in memory (term -> postings with positions) from its
 * documents, ready to be appended to the `index_terms` and `index_postings` tables. Document
 * length is the number of indexed tokens, as BM25 expects.
 */
import type { Document } from './types';
import type { Analyzer } from '../text/analyzer';

/** Positions of consecutive fields are this far apart, so a phrase never matches across fields. */
export const FIELD_POSITION_GAP = 100;

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
