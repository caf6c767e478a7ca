/**
 * The text analyzer shared by indexing and querying: Unicode-aware tokenization, lowercasing,
 * optional English stopword removal (the `stopword` package's list) and English Snowball
 * (Porter2) stemming from `wink-porter2-stemmer`. The same settings must be used for a dataset's
 * index and for every query run against it, so the settings are stored with the dataset.
 *
 * Token length cap: a token longer than MAX_TOKEN_CHARS (64) characters (Unicode code points)
 * is cut to its first 64, and the cut word is then stopword-checked and stemmed like any other.
 * Porter2 stemming (wink-porter2-stemmer) takes time quadratic in the word's length: one
 * 200,000-character token (a base64 blob, a sequence, a hash run together) made a 24-document
 * import take 269 s. With the cap, analysis is linear in the text's length. Cut rather than
 * dropped: the token stays findable (a query holding the same long token is cut the same way, and
 * a prefix query matches its first 64 characters), and positions are unchanged, so phrases around
 * it still match. Tokens sharing their first 64 characters become one term; no English word comes
 * near that length (Xapian's TermGenerator uses the same 64 as its default longest word, and
 * skips longer ones). Indexes built before the cap keep their longer terms: re-import a dataset
 * that has tokens over 64 characters so its index and its queries are cut alike.
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

/** Longest token indexed, in characters (code points); longer tokens are cut to this length. See the header. */
export const MAX_TOKEN_CHARS = 64;

/** `word` cut to its first MAX_TOKEN_CHARS code points (never inside a surrogate pair); O(MAX_TOKEN_CHARS). */
export function capToken(word: string): string {
  // A string of at most MAX_TOKEN_CHARS UTF-16 units has at most that many code points.
  if (word.length <= MAX_TOKEN_CHARS) return word;
  let end = 0;
  for (let count = 0; count < MAX_TOKEN_CHARS && end < word.length; count++) {
    const unit = word.charCodeAt(end);
    const pair = unit >= 0xd800 && unit <= 0xdbff && end + 1 < word.length;
    end += pair ? 2 : 1;
  }
  return word.slice(0, end);
}

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

  /** Lowercased words of `text`, before stopwords and stemming, each cut to MAX_TOKEN_CHARS. */
  words(text: string): string[] {
    const matches = text.toLowerCase().normalize('NFC').match(TOKEN_PATTERN);
    if (!matches) return [];
    // Most words hold no apostrophe: test for one before running the replacing regex on each.
    for (let i = 0; i < matches.length; i++) {
      const w = matches[i] as string;
      matches[i] = capToken(w.includes("'") || w.includes('’') ? w.replace(APOSTROPHES, '') : w);
    }
    return matches;
  }

  /** Normalizes one lowercased word (cut to MAX_TOKEN_CHARS first); returns undefined for a dropped stopword. */
  normalize(word: string): string | undefined {
    word = capToken(word);
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
