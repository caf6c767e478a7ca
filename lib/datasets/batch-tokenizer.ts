/**
 * Owns the first step of indexing a batch: splitting each document's indexed field texts into
 * words (Analyzer.words, before stopwords and stemming) and numbering every distinct surface word
 * by first sight (0, 1, 2, ... over the tokenizer's life). A batch comes out as numbers only: the
 * surface id of every word, the word count of every field, and the surfaces first seen in it.
 * IndexBuilder turns the ids into postings with an array lookup per word instead of a Map lookup
 * of a freshly matched string (half of indexing's time before). One class, run either in the
 * import's worker thread (tokenizer-worker.ts, through tokenizer-pipeline.ts) or inline, so both
 * give the same numbers for the same texts.
 */
import { Analyzer, type AnalyzerSettings } from '../text/analyzer';
import type { Document } from './types';

/** A field with no text (absent or empty): IndexBuilder skips it without a position gap. */
export const NO_TEXT = -1;

/** One batch as numbers; see the module header. */
export interface TokenizedBatch {
  /** Which tokenizer numbered it: ids mean something only together with this. */
  numbering: string;
  /** The id of `newSurfaces[0]`: every id below it was sent in an earlier batch of this numbering. */
  firstNewId: number;
  /** Surface words first seen in this batch, in id order. */
  newSurfaces: string[];
  /** Per document, per indexed field (in the builder's field order): its word count, or NO_TEXT. */
  wordCounts: Int32Array;
  /** The surface id of every word, document by document, field by field, in text order. */
  surfaceIds: Int32Array;
}

/** The indexed fields' texts of a batch, document by document, field by field; null for no text. */
export function fieldTexts(documents: readonly Document[], fields: readonly string[]): (string | null)[] {
  const texts: (string | null)[] = [];
  for (const doc of documents) {
    for (const field of fields) {
      const text = doc.fields[field];
      texts.push(text === undefined || text === '' ? null : text);
    }
  }
  return texts;
}

let numberings = 0;

export class BatchTokenizer {
  private readonly analyzer: Analyzer;
  private readonly ids = new Map<string, number>();
  private readonly numbering: string;

  /** `label` tells numberings of different threads apart (ids from two tokenizers must never mix). */
  constructor(settings: AnalyzerSettings, label = 'inline') {
    this.analyzer = new Analyzer(settings);
    this.numbering = `${label}-${++numberings}`;
  }

  /** Tokenizes texts as `fieldTexts` lays them out. */
  tokenize(texts: readonly (string | null)[]): TokenizedBatch {
    const firstNewId = this.ids.size;
    const newSurfaces: string[] = [];
    const wordCounts = new Int32Array(texts.length);
    const perText: string[][] = [];
    let total = 0;
    for (let t = 0; t < texts.length; t++) {
      const text = texts[t];
      if (text === null || text === undefined) {
        wordCounts[t] = NO_TEXT;
        continue;
      }
      const words = this.analyzer.words(text);
      wordCounts[t] = words.length;
      perText.push(words);
      total += words.length;
    }
    const surfaceIds = new Int32Array(total);
    let k = 0;
    for (const words of perText) {
      for (let i = 0; i < words.length; i++) {
        const surface = words[i] as string;
        let id = this.ids.get(surface);
        if (id === undefined) {
          id = this.ids.size;
          this.ids.set(surface, id);
          newSurfaces.push(surface);
        }
        surfaceIds[k++] = id;
      }
    }
    return { numbering: this.numbering, firstNewId, newSurfaces, wordCounts, surfaceIds };
  }
}
