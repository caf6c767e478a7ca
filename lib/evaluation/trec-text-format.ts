/**
 * Owns the line mechanics shared by the TREC run and qrels text formats: splitting into
 * numbered content lines, splitting fields on C isspace() whitespace, the
 * `${file}:${line}: message` error convention, and checks for fields written back out.
 */

/** C isspace() in the "C" locale, which is what trec_eval splits fields on (not Unicode \s). */
const FIELD_SEPARATOR = /[ \t\n\v\f\r]+/;
const HAS_FIELD_SEPARATOR = /[ \t\n\v\f\r]/;
/** trec_eval skips lines whose first non-blank character is this (get_trec_results.c, get_qrels.c). */
const COMMENT_MARKER = '#';

/** One non-blank, non-comment line of a TREC text file, split into fields. */
export interface ContentLine {
  /** 1-based physical line number in the file. */
  readonly lineNumber: number;
  readonly fields: readonly string[];
}

/** Builds the error every reader throws: the message starts with `${file}:${line}:`. */
export function lineError(file: string, lineNumber: number, message: string): Error {
  return new Error(`${file}:${lineNumber}: ${message}`);
}

/** Yields each content line with its physical line number; blank and '#' lines are skipped. */
export function* contentLines(text: string): Generator<ContentLine> {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const trimmed = (lines[index] ?? '').replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
    if (trimmed === '' || trimmed.startsWith(COMMENT_MARKER)) continue;
    yield { lineNumber: index + 1, fields: trimmed.split(FIELD_SEPARATOR) };
  }
}

/**
 * Throws unless `value` can be written as one whitespace-free field. The first field of a line
 * (`leading`) also may not start with '#', or the line would read back as a comment.
 */
export function assertWritableField(what: string, value: string, leading = false): void {
  if (value === '' || HAS_FIELD_SEPARATOR.test(value)) {
    throw new Error(`${what} ${JSON.stringify(value)} cannot be written: TREC fields must be non-empty and contain no whitespace`);
  }
  if (leading && value.startsWith(COMMENT_MARKER)) {
    throw new Error(`${what} ${JSON.stringify(value)} cannot be written: a line starting with '#' is read back as a comment`);
  }
}
