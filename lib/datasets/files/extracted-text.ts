/**
 * What every file extractor of the `files` format returns, and the error it throws for a file
 * that cannot be read (reported as skipped, with the reason; the import goes on). Also the two
 * text rules the extractors share: strict UTF-8 decoding and the "first line" title fallback.
 */

/** One file's text: `title` by the extractor's rule (README, "Your own documents"), `text` the whole content. */
export interface ExtractedText {
  title: string;
  text: string;
}

/** A file whose text cannot be extracted; `reason` is shown to the user beside the file's path. */
export class UnreadableFileError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableFileError';
    this.reason = reason;
  }
}

/** Longest title kept, in characters: a first line can be a whole paragraph. */
export const MAX_TITLE_CHARS = 200;

/** Collapses whitespace, trims and cuts to MAX_TITLE_CHARS. */
export function cleanTitle(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_TITLE_CHARS ? `${t.slice(0, MAX_TITLE_CHARS - 1).trimEnd()}…` : t;
}

/** The first non-blank line of `text`, as a title ('' when there is none). */
export function firstLineTitle(text: string): string {
  for (const line of text.split('\n')) {
    if (line.trim() !== '') return cleanTitle(line);
  }
  return '';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * The bytes as UTF-8 text (a byte-order mark dropped); invalid UTF-8 throws UnreadableFileError
 * naming the line of the first bad byte (the first U+FFFD the lenient decoder put in its place).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const lenient = lenientUtf8.decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const line = at < 0 ? undefined : lenient.slice(0, at).split('\n').length;
    throw new UnreadableFileError(
      `not valid UTF-8${line === undefined ? '' : ` (line ${line})`}; only UTF-8 text is read: convert the file, e.g. iconv -f windows-1252 -t utf-8`,
    );
  }
}
