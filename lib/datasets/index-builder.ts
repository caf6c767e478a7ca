/**
 * Owns the streaming side of indexing: analyzes documents batch by batch into rows for the
 * import's staging tables (documents with a provisional sequence number, postings with
 * positions), holding only the term and word dictionaries and each document's id between
 * batches. At the end it numbers documents in doc_id byte order (trec_eval's tie-break) and
 * terms and words in order of first occurrence in that order, exactly as an index built over
 * the sorted collection in one go would. Document length is the number of indexed tokens.
 */
import type { Document } from './types';
import type { Analyzer } from '../text/analyzer';
import { compareStrcmp } from '../evaluation/trec-order';

/** Positions of consecutive fields are this far apart, so a phrase never matches across fields. */
export const FIELD_POSITION_GAP = 100;

/** A term or word with where it first occurs: the document (by sequence) and its rank within it. */
interface FirstSeen {
  firstSeq: number;
  firstOrd: number;
}

interface TermEntry extends FirstSeen {
  id: number;
  term: string;
  docFreq: number;
}

interface WordEntry extends FirstSeen {
  word: string;
  term: string;
}

/** Staging rows of one batch: documents (seq, doc_id, fields, length) and postings (term id, seq, tf, length, positions). */
export interface BatchRows {
  documents: [number, string, string, number][];
  postings: [number, number, number, number, number[]][];
}

/** The numbering decided at the end. */
export interface FinalOrder {
  /** doc_no of each document, indexed by sequence number. */
  docNoOfSeq: Int32Array;
  /** Terms in term_no order. */
  terms: { id: number; term: string; docFreq: number }[];
  /** Words in first-occurrence order. */
  words: { word: string; term: string }[];
  /** Ids of documents with no indexed token, in doc_no order. */
  emptyDocIds: string[];
}

export class IndexBuilder {
  private readonly docIds: string[] = [];
  private readonly terms = new Map<string, TermEntry>();
  private readonly words = new Map<string, WordEntry>();
  private readonly emptySeqs: number[] = [];
  /** Field names seen in any document. */
  readonly availableFields = new Set<string>();
  totalTokens = 0;
  postings = 0;

  constructor(
    private readonly fields: readonly string[],
    private readonly analyzer: Analyzer,
  ) {}

  get documentCount(): number {
    return this.docIds.length;
  }

  /** Ids of all documents read so far, by sequence number. */
  get documentIds(): readonly string[] {
    return this.docIds;
  }

  /** Analyzes one batch; the rows returned are all that is kept of its text and positions. */
  add(documents: readonly Document[]): BatchRows {
    const rows: BatchRows = { documents: [], postings: [] };
    for (const doc of documents) {
      const seq = this.docIds.length;
      this.docIds.push(doc.id);
      for (const field of Object.keys(doc.fields)) this.availableFields.add(field);
      const docPositions = new Map<string, number[]>();
      const docWords = new Set<string>();
      let offset = 0;
      let length = 0;
      for (const field of this.fields) {
        const text = doc.fields[field];
        if (text === undefined || text === '') continue;
        let last = -1;
        for (const token of this.analyzer.tokens(text)) {
          const list = docPositions.get(token.term);
          if (list) list.push(offset + token.position);
          else docPositions.set(token.term, [offset + token.position]);
          if (!docWords.has(token.word)) {
            this.noteWord(token.word, token.term, seq, docWords.size);
            docWords.add(token.word);
          }
          last = token.position;
          length++;
        }
        offset += last + 1 + FIELD_POSITION_GAP;
      }
      if (length === 0) this.emptySeqs.push(seq);
      this.totalTokens += length;
      rows.documents.push([seq, doc.id, JSON.stringify(doc.fields), length]);
      let ord = 0;
      for (const [term, positions] of docPositions) {
        let entry = this.terms.get(term);
        if (!entry) {
          entry = { id: this.terms.size, term, docFreq: 0, firstSeq: seq, firstOrd: ord };
          this.terms.set(term, entry);
        } else {
          this.noteEarlier(entry, seq, ord);
        }
        entry.docFreq++;
        rows.postings.push([entry.id, seq, positions.length, length, positions]);
        ord++;
      }
      this.postings += docPositions.size;
    }
    return rows;
  }

  private noteWord(word: string, term: string, seq: number, ord: number): void {
    const entry = this.words.get(word);
    if (!entry) this.words.set(word, { word, term, firstSeq: seq, firstOrd: ord });
    else this.noteEarlier(entry, seq, ord);
  }

  /** Moves `entry`'s first occurrence to document `seq` when that one comes first in doc_id byte order. */
  private noteEarlier(entry: FirstSeen, seq: number, ord: number): void {
    if (compareStrcmp(this.docIds[seq] ?? '', this.docIds[entry.firstSeq] ?? '') < 0) {
      entry.firstSeq = seq;
      entry.firstOrd = ord;
    }
  }

  /** doc_no in doc_id byte order; terms and words in order of first occurrence by (doc_no, rank in document). */
  finish(): FinalOrder {
    const ids = this.docIds;
    const bySeq = Array.from({ length: ids.length }, (_, seq) => seq);
    bySeq.sort((a, b) => compareStrcmp(ids[a] ?? '', ids[b] ?? ''));
    const docNoOfSeq = new Int32Array(ids.length);
    bySeq.forEach((seq, docNo) => {
      docNoOfSeq[seq] = docNo;
    });
    const firstOrder = (a: FirstSeen, b: FirstSeen) =>
      (docNoOfSeq[a.firstSeq] ?? 0) - (docNoOfSeq[b.firstSeq] ?? 0) || a.firstOrd - b.firstOrd;
    const terms = [...this.terms.values()].sort(firstOrder);
    const words = [...this.words.values()].sort(firstOrder);
    const emptyDocIds = this.emptySeqs
      .sort((a, b) => (docNoOfSeq[a] ?? 0) - (docNoOfSeq[b] ?? 0))
      .map((seq) => ids[seq] ?? '');
    return { docNoOfSeq, terms, words, emptyDocIds };
  }
}
