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

/** `array` copied into a new array of `size` entries, the new ones set to `fill`. */
function grown(array: Int32Array, size: number, fill = 0): Int32Array<ArrayBuffer> {
  const to = new Int32Array(size);
  to.set(array);
  if (fill !== 0) to.fill(fill, array.length);
  return to;
}

/**
 * Where each term (or word) first occurs: the document, by sequence number, that comes first in
 * doc_id byte order among those holding it, and the rank of its first occurrence in that
 * document. Within a batch, documents are compared by their rank in the batch (its ids sorted
 * once); the batch's best is compared with the one known so far by doc_id once per batch, not
 * once per posting. Equal ids (never in a parsed collection) keep the earlier document, as a
 * comparison per posting did.
 */
class FirstOccurrences {
  firstSeq = new Int32Array(0);
  firstOrd = new Int32Array(0);
  private candidateBatch = new Int32Array(0);
  private candidateRank = new Int32Array(0);
  private candidateSeq = new Int32Array(0);
  private candidateOrd = new Int32Array(0);
  private touched = new Int32Array(0);
  private touchedCount = 0;
  private batch = 0;

  /** Makes room for ids below `size`. */
  ensure(size: number): void {
    if (size <= this.firstSeq.length) return;
    const capacity = Math.max(size, this.firstSeq.length * 2, 1024);
    this.firstSeq = grown(this.firstSeq, capacity, -1);
    this.firstOrd = grown(this.firstOrd, capacity);
    this.candidateBatch = grown(this.candidateBatch, capacity);
    this.candidateRank = grown(this.candidateRank, capacity);
    this.candidateSeq = grown(this.candidateSeq, capacity);
    this.candidateOrd = grown(this.candidateOrd, capacity);
    this.touched = grown(this.touched, capacity);
  }

  startBatch(): void {
    this.batch++;
    this.touchedCount = 0;
  }

  /** `id` occurs in document `seq` (rank `rank` in the batch by doc_id), first at rank `ord` in it. */
  note(id: number, seq: number, rank: number, ord: number): void {
    if (this.candidateBatch[id] !== this.batch) {
      this.candidateBatch[id] = this.batch;
      this.touched[this.touchedCount++] = id;
    } else if (rank >= (this.candidateRank[id] as number)) {
      return;
    }
    this.candidateRank[id] = rank;
    this.candidateSeq[id] = seq;
    this.candidateOrd[id] = ord;
  }

  /** Takes the batch's first occurrences where they come before the ones known (doc_ids by sequence number). */
  endBatch(docIds: readonly string[]): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const id = this.touched[i] as number;
      const seq = this.candidateSeq[id] as number;
      const known = this.firstSeq[id] as number;
      if (known < 0 || compareStrcmp(docIds[seq] ?? '', docIds[known] ?? '') < 0) {
        this.firstSeq[id] = seq;
        this.firstOrd[id] = this.candidateOrd[id] as number;
      }
    }
    this.touchedCount = 0;
  }

  /** Ids 0 to count - 1 in order of first occurrence: by the document's doc_no, then rank in it. */
  order(count: number, docNoOfSeq: Int32Array): number[] {
    const docNo = (id: number) => docNoOfSeq[this.firstSeq[id] as number] ?? 0;
    return Array.from({ length: count }, (_, id) => id).sort(
      (a, b) => docNo(a) - docNo(b) || (this.firstOrd[a] as number) - (this.firstOrd[b] as number),
    );
  }
}

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

/** What a surface word indexes as: its word id, or NO_WORD for a dropped stopword. */
const NO_WORD = -1;

export class IndexBuilder {
  private readonly docIds: string[] = [];
  /** Terms and words by id (in order of creation), with their per-id state in Int32Arrays. */
  private readonly termIds = new Map<string, number>();
  private readonly termNames: string[] = [];
  private termDocFreq = new Int32Array(0);
  /** The document (sequence) being indexed when `termSlot` was set; -1 before the first. */
  private termLastSeq = new Int32Array(0);
  /** The term's rank among document `termLastSeq`'s terms (order of first occurrence). */
  private termSlot = new Int32Array(0);
  private readonly termFirst = new FirstOccurrences();
  private readonly wordIds = new Map<string, number>();
  private readonly wordNames: string[] = [];
  private wordTerm = new Int32Array(0);
  /** The last document (sequence) the word was seen in; -1 before the first. */
  private wordLastSeq = new Int32Array(0);
  private readonly wordFirst = new FirstOccurrences();
  /**
   * Per tokenizer numbering (TokenizedBatch.numbering), surface id -> word id (or NO_WORD),
   * filled once per surface: an array lookup per word instead of a Map lookup of its string (and
   * the stemming cache's, the stopwords', the dictionaries'). Bounded by the vocabulary.
   */
  private readonly numberings = new Map<string, { words: Int32Array; size: number }>();
  /** Tokenizes `add`'s batches (the import tokenizes through tokenizer-pipeline.ts instead). */
  private inlineTokenizer: BatchTokenizer | undefined;
  private readonly emptySeqs: number[] = [];
  /**
   * Scratch for the document being indexed, grown as needed: per kept word, its term's slot and
   * its position; per slot, the term and where its next position goes.
   */
  private wordSlots = new Int32Array(1024);
  private wordPositions = new Int32Array(1024);
  private slotTerms = new Int32Array(1024);
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

  /** The word id of a surface word, creating its word and term; NO_WORD for a dropped stopword. */
  private wordOf(surface: string): number {
    const known = this.wordIds.get(surface);
    if (known !== undefined) return known;
    const term = this.analyzer.normalize(surface);
    if (term === undefined) return NO_WORD;
    let termId = this.termIds.get(term);
    if (termId === undefined) {
      termId = this.termNames.length;
      this.termIds.set(term, termId);
      this.termNames.push(term);
      if (termId >= this.termDocFreq.length) {
        const capacity = Math.max(1024, this.termDocFreq.length * 2);
        this.termDocFreq = grown(this.termDocFreq, capacity);
        this.termLastSeq = grown(this.termLastSeq, capacity, -1);
        this.termSlot = grown(this.termSlot, capacity);
        this.termFirst.ensure(capacity);
      }
    }
    const wordId = this.wordNames.length;
    this.wordIds.set(surface, wordId);
    this.wordNames.push(surface);
    if (wordId >= this.wordTerm.length) {
      const capacity = Math.max(1024, this.wordTerm.length * 2);
      this.wordTerm = grown(this.wordTerm, capacity);
      this.wordLastSeq = grown(this.wordLastSeq, capacity, -1);
      this.wordFirst.ensure(capacity);
    }
    this.wordTerm[wordId] = termId;
    return wordId;
  }

  /** `batch`'s numbering (surface id -> word id), after taking in its new surfaces. */
  private numberingOf(batch: TokenizedBatch): Int32Array {
    let numbering = this.numberings.get(batch.numbering);
    if (numbering === undefined) {
      numbering = { words: new Int32Array(1024), size: 0 };
      this.numberings.set(batch.numbering, numbering);
    }
    // A batch lost or taken out of order would give words the wrong surfaces: never index one.
    if (batch.firstNewId !== numbering.size) {
      throw new Error(`tokenized batch out of order: numbering ${batch.numbering} starts at ${batch.firstNewId}, expected ${numbering.size}`);
    }
    const size = numbering.size + batch.newSurfaces.length;
    if (size > numbering.words.length) numbering.words = grown(numbering.words, Math.max(size, numbering.words.length * 2));
    for (const surface of batch.newSurfaces) numbering.words[numbering.size++] = this.wordOf(surface);
    return numbering.words.subarray(0, numbering.size);
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
    const wordOfSurface = this.numberingOf(batch);
    const ids = batch.surfaceIds;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!(id >= 0 && id < wordOfSurface.length)) throw new Error(`tokenized batch names surface id ${id}, unknown to numbering ${batch.numbering}`);
    }
    // Each document's rank among the batch's by doc_id byte order (FirstOccurrences).
    const byId = Array.from({ length: documents.length }, (_, d) => d).sort((a, b) =>
      compareStrcmp((documents[a] as Document).id, (documents[b] as Document).id),
    );
    const rankOf = new Int32Array(documents.length);
    byId.forEach((d, rank) => {
      rankOf[d] = rank;
    });
    this.termFirst.startBatch();
    this.wordFirst.startBatch();
    const { wordTerm, wordLastSeq, termLastSeq, termSlot, termDocFreq, termFirst, wordFirst } = this;
    // A batch has at most one posting and one position per word.
    const termIds = new Int32Array(ids.length);
    const seqs = new Int32Array(ids.length);
    const tfs = new Int32Array(ids.length);
    const docLengths = new Int32Array(ids.length);
    const positions = new Int32Array(ids.length);
    const documentRows: BatchRows['documents'] = [];
    let next = 0;
    let postingCount = 0;
    let positionCount = 0;
    for (let d = 0; d < documents.length; d++) {
      const doc = documents[d] as Document;
      const seq = this.docIds.length;
      const rank = rankOf[d] as number;
      this.docIds.push(doc.id);
      for (const field of Object.keys(doc.fields)) this.availableFields.add(field);
      const first = postingCount;
      let terms = 0;
      let docWordCount = 0;
      let offset = 0;
      let length = 0;
      for (let f = 0; f < fieldCount; f++) {
        const count = batch.wordCounts[d * fieldCount + f] as number;
        if (count === NO_TEXT) continue;
        if (length + count > this.wordSlots.length) this.growDocumentScratch(length + count);
        const { wordSlots, wordPositions, slotTerms } = this;
        let last = -1;
        // Positions count every word, stopwords included, as Analyzer.tokens does.
        for (let position = 0; position < count; position++) {
          const word = wordOfSurface[ids[next++] as number] as number;
          if (word === NO_WORD) continue;
          const term = wordTerm[word] as number;
          let slot: number;
          if (termLastSeq[term] !== seq) {
            termLastSeq[term] = seq;
            slot = terms++;
            termSlot[term] = slot;
            slotTerms[slot] = term;
            termIds[first + slot] = term;
          } else {
            slot = termSlot[term] as number;
          }
          tfs[first + slot] = (tfs[first + slot] as number) + 1;
          wordSlots[length] = slot;
          wordPositions[length] = offset + position;
          if (wordLastSeq[word] !== seq) {
            wordLastSeq[word] = seq;
            wordFirst.note(word, seq, rank, docWordCount++);
          }
          last = position;
          length++;
        }
        offset += last + 1 + FIELD_POSITION_GAP;
      }
      postingCount += terms;
      // Counting sort of the document's positions by term: each posting's run starts after the
      // runs of the terms first seen before it; within a run, positions stay in text order.
      const { wordSlots, wordPositions, slotTerms, slotCursors } = this;
      let start = positionCount;
      for (let slot = 0; slot < terms; slot++) {
        slotCursors[slot] = start;
        start += tfs[first + slot] as number;
        seqs[first + slot] = seq;
        docLengths[first + slot] = length;
        const term = slotTerms[slot] as number;
        termFirst.note(term, seq, rank, slot);
        termDocFreq[term] = (termDocFreq[term] as number) + 1;
      }
      for (let w = 0; w < length; w++) {
        const slot = wordSlots[w] as number;
        const to = slotCursors[slot] as number;
        positions[to] = wordPositions[w] as number;
        slotCursors[slot] = to + 1;
      }
      positionCount = start;
      if (length === 0) this.emptySeqs.push(seq);
      this.totalTokens += length;
      documentRows.push([seq, doc.id, JSON.stringify(doc.fields), length]);
      this.postings += terms;
    }
    this.termFirst.endBatch(this.docIds);
    this.wordFirst.endBatch(this.docIds);
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
  private growDocumentScratch(words: number): void {
    const size = Math.max(words, this.wordSlots.length * 2);
    this.wordSlots = grown(this.wordSlots, size);
    this.wordPositions = grown(this.wordPositions, size);
    this.slotTerms = grown(this.slotTerms, size);
    this.slotCursors = grown(this.slotCursors, size);
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
    const terms = this.termFirst
      .order(this.termNames.length, docNoOfSeq)
      .map((id) => ({ id, term: this.termNames[id] as string, docFreq: this.termDocFreq[id] as number }));
    const words = this.wordFirst
      .order(this.wordNames.length, docNoOfSeq)
      .map((id) => ({ word: this.wordNames[id] as string, term: this.termNames[this.wordTerm[id] as number] as string }));
    const emptyDocIds = this.emptySeqs
      .sort((a, b) => (docNoOfSeq[a] ?? 0) - (docNoOfSeq[b] ?? 0))
      .map((seq) => ids[seq] ?? '');
    return { docNoOfSeq, terms, words, emptyDocIds };
  }
}
