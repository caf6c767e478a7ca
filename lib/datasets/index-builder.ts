/**
 * Owns the streaming side of indexing: turns batches of documents, tokenized by BatchTokenizer
 * (in the import's worker thread or inline), into rows for the import's staging tables
 * (documents with a provisional sequence number, postings with positions, as columns of
 * integers), holding only the term and word dictionaries and each document's id between
 * batches. At the end it numbers documents in doc_id byte order (trec_eval's tie-break) and
 * terms and words in order of first occurrence in that order, exactly as an index built over
 * the sorted collection in one go would. Document length is the number of indexed tokens.
 *
 * Per word the work is array lookups: the surface id gives the word's term and word entries
 * (filled once per surface), and a document's positions are grouped by term with a counting
 * sort into one array per batch, instead of a Map lookup per word and an array per posting.
 */
import type { Document } from './types';
import type { Analyzer } from '../text/analyzer';
import { compareStrcmp } from '../evaluation/trec-order';
import { BatchTokenizer, fieldTexts, NO_TEXT, type TokenizedBatch } from './batch-tokenizer';

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
  /** The document (sequence) being indexed when `slot` was set; -1 before the first. */
  lastSeq: number;
  /** The term's rank among document `lastSeq`'s terms (order of first occurrence). */
  slot: number;
}

interface WordEntry extends FirstSeen {
  word: string;
  term: string;
  /** The last document (sequence) the word was seen in; -1 before the first. */
  lastSeq: number;
}

/** What one surface word indexes as: its term and word entries; null for a dropped stopword. */
type WordInfo = { term: TermEntry; word: WordEntry } | null;

/**
 * A batch's postings as columns, one entry per posting (term id, document sequence, term
 * frequency, document length) in document order and, within a document, in order of the terms'
 * first occurrence; `positions` holds each posting's tf positions, one posting after the other.
 */
export interface PostingColumns {
  count: number;
  termIds: Int32Array;
  seqs: Int32Array;
  tfs: Int32Array;
  docLengths: Int32Array;
  positions: Int32Array;
}

/** Staging rows of one batch: documents (seq, doc_id, fields, length) and postings. */
export interface BatchRows {
  documents: [number, string, string, number][];
  postings: PostingColumns;
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
   * Per tokenizer numbering (TokenizedBatch.numbering), surface id -> its entries, filled once
   * per surface: one array lookup per word instead of six Map lookups (stemming cache,
   * stopwords, the document's positions and words, the term and word dictionaries). Bounded by
   * the vocabulary, like the dictionaries.
   */
  private readonly infosByNumbering = new Map<string, WordInfo[]>();
  /** Tokenizes `add`'s batches (the import tokenizes through tokenizer-pipeline.ts instead). */
  private inlineTokenizer: BatchTokenizer | undefined;
  private readonly emptySeqs: number[] = [];
  /** Per word of the document being indexed: its term's slot and its position. Grown as needed. */
  private wordSlots = new Int32Array(1024);
  private wordPositions = new Int32Array(1024);
  /** Per term of the document being indexed: where its next position goes. */
  private slotCursors = new Int32Array(1024);
  /** Field names seen in any document. */
  readonly availableFields = new Set<string>();
  totalTokens = 0;
  postings = 0;

  constructor(
    readonly fields: readonly string[],
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
    const term = this.analyzer.normalize(surface);
    if (term === undefined) return null;
    let termEntry = this.terms.get(term);
    if (!termEntry) {
      termEntry = { id: this.terms.size, term, docFreq: 0, firstSeq: -1, firstOrd: 0, lastSeq: -1, slot: 0 };
      this.terms.set(term, termEntry);
    }
    let wordEntry = this.words.get(surface);
    if (!wordEntry) {
      wordEntry = { word: surface, term, firstSeq: -1, firstOrd: 0, lastSeq: -1 };
      this.words.set(surface, wordEntry);
    }
    return { term: termEntry, word: wordEntry };
  }

  /** The entries of `batch`'s surface ids, after taking in its new surfaces. */
  private infosFor(batch: TokenizedBatch): WordInfo[] {
    let infos = this.infosByNumbering.get(batch.numbering);
    if (infos === undefined) {
      infos = [];
      this.infosByNumbering.set(batch.numbering, infos);
    }
    // A batch lost or taken out of order would give words the wrong surfaces: never index one.
    if (batch.firstNewId !== infos.length) {
      throw new Error(`tokenized batch out of order: numbering ${batch.numbering} starts at ${batch.firstNewId}, expected ${infos.length}`);
    }
    for (const surface of batch.newSurfaces) infos.push(this.wordInfo(surface));
    return infos;
  }

  /** Tokenizes (inline) and indexes one batch; the rows returned are all that is kept of its text and positions. */
  add(documents: readonly Document[]): BatchRows {
    this.inlineTokenizer ??= new BatchTokenizer(this.analyzer.settings);
    return this.addTokenized(documents, this.inlineTokenizer.tokenize(fieldTexts(documents, this.fields)));
  }

  /** Indexes one batch that BatchTokenizer tokenized from `fieldTexts(documents, this.fields)`. */
  addTokenized(documents: readonly Document[], batch: TokenizedBatch): BatchRows {
    const fieldCount = this.fields.length;
    if (batch.wordCounts.length !== documents.length * fieldCount) {
      throw new Error(`tokenized batch has ${batch.wordCounts.length} field texts for ${documents.length} documents of ${fieldCount} fields`);
    }
    const infos = this.infosFor(batch);
    const ids = batch.surfaceIds;
    // A batch has at most one posting and one position per word.
    const termIds = new Int32Array(ids.length);
    const seqs = new Int32Array(ids.length);
    const tfs = new Int32Array(ids.length);
    const docLengths = new Int32Array(ids.length);
    const positions = new Int32Array(ids.length);
    const documentRows: BatchRows['documents'] = [];
    const docTerms: TermEntry[] = [];
    let next = 0;
    let postingCount = 0;
    let positionCount = 0;
    for (let d = 0; d < documents.length; d++) {
      const doc = documents[d] as Document;
      const seq = this.docIds.length;
      this.docIds.push(doc.id);
      for (const field of Object.keys(doc.fields)) this.availableFields.add(field);
      const first = postingCount;
      docTerms.length = 0;
      let docWordCount = 0;
      let offset = 0;
      let length = 0;
      for (let f = 0; f < fieldCount; f++) {
        const count = batch.wordCounts[d * fieldCount + f] as number;
        if (count === NO_TEXT) continue;
        if (length + count > this.wordSlots.length) this.growWordScratch(length + count);
        const wordSlots = this.wordSlots;
        const wordPositions = this.wordPositions;
        let last = -1;
        // Positions count every word, stopwords included, as Analyzer.tokens does.
        for (let position = 0; position < count; position++) {
          const info = infos[ids[next++] as number];
          if (info === null) continue;
          if (info === undefined) throw new Error(`tokenized batch names surface id ${ids[next - 1]}, unknown to numbering ${batch.numbering}`);
          const term = info.term;
          if (term.lastSeq !== seq) {
            term.lastSeq = seq;
            term.slot = docTerms.length;
            docTerms.push(term);
            termIds[first + term.slot] = term.id;
          }
          const at = first + term.slot;
          tfs[at] = (tfs[at] as number) + 1;
          wordSlots[length] = term.slot;
          wordPositions[length] = offset + position;
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
      const terms = docTerms.length;
      postingCount += terms;
      // Counting sort of the document's positions by term: each posting's run starts after the
      // runs of the terms first seen before it; within a run, positions stay in text order.
      const cursors = this.slotCursors;
      let start = positionCount;
      for (let slot = 0; slot < terms; slot++) {
        cursors[slot] = start;
        start += tfs[first + slot] as number;
        seqs[first + slot] = seq;
        docLengths[first + slot] = length;
      }
      for (let w = 0; w < length; w++) {
        const slot = this.wordSlots[w] as number;
        const to = cursors[slot] as number;
        positions[to] = this.wordPositions[w] as number;
        cursors[slot] = to + 1;
      }
      positionCount = start;
      if (length === 0) this.emptySeqs.push(seq);
      this.totalTokens += length;
      documentRows.push([seq, doc.id, JSON.stringify(doc.fields), length]);
      for (let ord = 0; ord < terms; ord++) {
        const entry = docTerms[ord] as TermEntry;
        this.noteFirst(entry, seq, ord);
        entry.docFreq++;
      }
      this.postings += terms;
    }
    return {
      documents: documentRows,
      postings: {
        count: postingCount,
        termIds: termIds.subarray(0, postingCount),
        seqs: seqs.subarray(0, postingCount),
        tfs: tfs.subarray(0, postingCount),
        docLengths: docLengths.subarray(0, postingCount),
        positions: positions.subarray(0, positionCount),
      },
    };
  }

  /** Grows the per-document scratch arrays to hold `words` words, keeping what they hold. */
  private growWordScratch(words: number): void {
    const size = Math.max(words, this.wordSlots.length * 2);
    const grown = (from: Int32Array) => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.wordSlots = grown(this.wordSlots);
    this.wordPositions = grown(this.wordPositions);
    this.slotCursors = grown(this.slotCursors);
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
