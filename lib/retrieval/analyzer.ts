/**
 * The text analyzer shared by indexing and querying: Unicode-aware tokenization, lowercasing,
 * optional English stopword removal (the `stopword` package's list) and English Snowball
 * (Porter2) stemming from `wink-porter2-stemmer`. The same settings must be used for a dataset's
 * index and for every query run against it, so the settings are stored with the dataset.
 */
import stem from 'wink-porter2-stemmer';
import { eng as englishStopwords } from 'stopword';

export interface AnalyzerSettings {
  /** Apply Porter2 stemming (Xapian's and the reference's setting). */
  stem: boolean;
  /** Drop English stopwords before stemming. Off by default, as in the reference runs. */
  stopwords: boolean;
}

export const DEFAULT_ANALYZER: AnalyzerSettings = { stem: true, stopwords: false };

/** A token is a run of letters, digits and combining marks; apostrophes inside a word are dropped ("crohn's" -> "crohns"). */
const TOKEN_PATTERN = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
const APOSTROPHES = /['’]/g;

const STOPWORDS = new Set(englishStopwords);

export interface Token {
  /** The normalized term (lowercased, stemmed when enabled). */
  term: string;
  /** The lowercased surface word the term came from (prefix queries match on it). */
  word: string;
  /** Position among the document's kept tokens, for phrase matching. */
  position: number;
}

export class Analyzer {
  readonly settings: AnalyzerSettings;
  private readonly stemCache = new Map<string, string>();

  constructor(settings: AnalyzerSettings = DEFAULT_ANALYZER) {
    this.settings = settings;
  }

  /** Lowercased words of `text`, before stopwords and stemming. */
  words(text: string): string[] {
    const matches = text.toLowerCase().normalize('NFC').match(TOKEN_PATTERN);
    return matches ? matches.map((w) => w.replace(APOSTROPHES, '')) : [];
  }

  /** Normalizes one lowercased word; returns undefined for a dropped stopword. */
  normalize(word: string): string | undefined {
    if (this.settings.stopwords && STOPWORDS.has(word)) return undefined;
    if (!this.settings.stem) return word;
    let stemmed = this.stemCache.get(word);
    if (stemmed === undefined) {
      stemmed = stem(word);
      this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }

  /** Tokens of `text` with positions. Dropped stopwords leave a gap so phrases do not match across them. */
  tokens(text: string): Token[] {
    const out: Token[] = [];
    this.words(text).forEach((word, position) => {
      const term = this.normalize(word);
      if (term !== undefined) out.push({ term, word, position });
    });
    return out;
  }

  /** Just the terms of `text`, in order. */
  terms(text: string): string[] {
    return this.tokens(text).map((t) => t.term);
  }
}
