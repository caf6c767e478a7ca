/**
 * Owns the streaming side of indexing: analyzes documents one by one into rows for the
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
  /** The document (sequence) whose positions `positions` holds; -1 before the first. */
  lastSeq: number;
  positions: number[];
}

interface WordEntry extends FirstSeen {
  word: string;
  term: string;
  /** The last document (sequence) the word was seen in; -1 before the first. */
  lastSeq: number;
}

/** What one surface word indexes as: its term and word entries; null for a dropped stopword. */
type WordInfo = { term: TermEntry; word: WordEntry } | null;

/** A document's staging row: seq, doc_id, fields (JSON), length. */
export type DocumentRow = [number, string, string, number];
/** A posting's staging row: term id, seq, tf, document length, positions. */
export type PostingRow = [number, number, number, number, number[]];

/** Staging rows of one document. */
export interface DocumentRows {
  document: DocumentRow;
  postings: PostingRow[];
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
  /**
   * Surface word -> its entries, filled on first sight: one Map lookup per token instead of
   * six (stemming cache, stopwords, the document's positions and words, the term and word
   * dictionaries), which made `add` four times the cost of tokenizing. Bounded by the
   * vocabulary, like the dictionaries.
   */
  private readonly wordInfos = new Map<string, WordInfo>();
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

  private wordInfo(surface: string): WordInfo {
    const known = this.wordInfos.get(surface);
    if (known !== undefined) return known;
    const term = this.analyzer.normalize(surface);
    let info: WordInfo = null;
    if (term !== undefined) {
      let termEntry = this.terms.get(term);
      if (!termEntry) {
        termEntry = { id: this.terms.size, term, docFreq: 0, firstSeq: -1, firstOrd: 0, lastSeq: -1, positions: [] };
        this.terms.set(term, termEntry);
      }
      let wordEntry = this.words.get(surface);
      if (!wordEntry) {
        wordEntry = { word: surface, term, firstSeq: -1, firstOrd: 0, lastSeq: -1 };
        this.words.set(surface, wordEntry);
      }
      info = { term: termEntry, word: wordEntry };
    }
    this.wordInfos.set(surface, info);
    return info;
  }

  /**
   * Analyzes one document; the rows returned are all that is kept of its text and positions.
   * One document at a time, so the import hands each document's rows to the Appender before it
   * analyzes the next (import.ts: a batch's rows held at once outlived the young generation).
   */
  addDocument(doc: Document): DocumentRows {
    const seq = this.docIds.length;
    this.docIds.push(doc.id);
    for (const field of Object.keys(doc.fields)) this.availableFields.add(field);
    // The document's terms in order of first occurrence (their positions on the entries).
    const docTerms: TermEntry[] = [];
    let docWordCount = 0;
    let offset = 0;
    let length = 0;
    for (const field of this.fields) {
      const text = doc.fields[field];
      if (text === undefined || text === '') continue;
      let last = -1;
      // Positions count every word, stopwords included, as Analyzer.tokens does.
      const surfaces = this.analyzer.words(text);
      for (let position = 0; position < surfaces.length; position++) {
        const info = this.wordInfo(surfaces[position] as string);
        if (info === null) continue;
        const term = info.term;
        if (term.lastSeq !== seq) {
          term.lastSeq = seq;
          term.positions = [offset + position];
          docTerms.push(term);
        } else {
          term.positions.push(offset + position);
        }
        const word = info.word;
        if (word.lastSeq !== seq) {
          word.lastSeq = seq;
          this.noteFirst(word, seq, docWordCount++);
        }
        last = position;
        length++;
      }
      offset += last + 1 + FIELD_POSITION_GAP;
    }
    if (length === 0) this.emptySeqs.push(seq);
    this.totalTokens += length;
    const postings: PostingRow[] = [];
    for (let ord = 0; ord < docTerms.length; ord++) {
      const entry = docTerms[ord] as TermEntry;
      this.noteFirst(entry, seq, ord);
      entry.docFreq++;
      postings.push([entry.id, seq, entry.positions.length, length, entry.positions]);
      entry.positions = [];
    }
    this.postings += docTerms.length;
    return { document: [seq, doc.id, JSON.stringify(doc.fields), length], postings };
  }

  /** Records document `seq` (rank `ord` in it) as `entry`'s first occurrence when none is known yet or it comes first in doc_id byte order. */
  private noteFirst(entry: FirstSeen, seq: number, ord: number): void {
    if (entry.firstSeq < 0) {
      entry.firstSeq = seq;
      entry.firstOrd = ord;
    } else {
      this.noteEarlier(entry, seq, ord);
    }
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
