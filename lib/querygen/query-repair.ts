/**
 * Repairing common, unambiguous defects of LLM-generated boolean queries before they are parsed
 * (lib/retrieval/query-parser.ts), and checking a batch of queries with or without repair.
 *
 * This module owns three repairs, applied in this order, each reported only when it changed the
 * text:
 *
 *   - `typographic-quotes`: `“` `”` `„` `″` become `"`. `‘…’` used as phrase quotes around words
 *     (`‘heart failure’`) becomes `"heart failure"`: a `‘` not preceded by a letter or digit,
 *     closed by the first `’` not followed by one; an apostrophe inside a word (`Crohn’s`) is
 *     never a quote and stays. Single quotes inside a `"..."` phrase are left alone.
 *   - `lowercase-operators`: `and` / `or` / `not` (lower case or Capitalized, whole words, outside
 *     phrases) become `AND` / `OR` / `NOT`, but only when the query already uses boolean structure
 *     outside phrases: an upper-case operator word, `&` or `|`, a parenthesis, a phrase quote, or
 *     a `word*` prefix term. Natural-language text without any of these (`effects of diet and
 *     exercise`) is NOT changed: there `and` is far more likely a word of a sentence (the parser
 *     treats it as a term, so the query still runs, as an implicit AND). `and` / `or` must sit
 *     between two operands (a term, phrase or `)` before; a term, phrase, `(`, `-`/`!`, or `not`
 *     after); `not` must be followed by an operand. Two operator words in a row (`a and or b`)
 *     are left as terms.
 *   - `closed-parenthesis`: when the only parenthesis defect is `(`s left open at the end (more
 *     `(` than `)` outside phrases, and no `)` ever closes nothing), the missing `)`s are
 *     appended. A stray `)` is not touched (it stays a parse error), nor is a query with an
 *     unterminated phrase (a `)` appended there would land inside the phrase).
 *
 * Like the parser, this never throws for any input and does no work past MAX_QUERY_LENGTH (a
 * longer query is returned unchanged; the parser reports it).
 *
 * Written by hand: the repairs are defined by this project's query language and the defects our
 * models make; no library knows either.
 */
import { MAX_QUERY_LENGTH, QUOTES, WORD_START, charAt, parseQuery, scanWord } from '../retrieval/query-parser';

export type RepairKind = 'lowercase-operators' | 'closed-parenthesis' | 'typographic-quotes';

export interface QueryCheck {
  /** The query as the model wrote it (after trimming). */
  original: string;
  /** The query that is run: the repaired text when repairs were applied, else the original. */
  query: string;
  repairs: RepairKind[];
  valid: boolean;
  /** When invalid: the parser's 0-based position in `query` and its message. */
  position?: number;
  message?: string;
}

/** Applies the repairs (typographic-quotes, lowercase-operators, closed-parenthesis, in order). */
export function repairQuery(text: string): { query: string; repairs: RepairKind[] } {
  if (typeof text !== 'string' || text.length > MAX_QUERY_LENGTH) return { query: typeof text === 'string' ? text : '', repairs: [] };
  try {
    const repairs: RepairKind[] = [];
    let query = text;
    const steps: ReadonlyArray<readonly [RepairKind, (s: string) => string]> = [
      ['typographic-quotes', repairTypographicQuotes],
      ['lowercase-operators', repairLowercaseOperators],
      ['closed-parenthesis', repairClosedParenthesis],
    ];
    for (const [kind, repair] of steps) {
      const next = repair(query);
      if (next !== query) {
        repairs.push(kind);
        query = next;
      }
    }
    return { query, repairs };
  } catch {
    // Not expected; a bug here must never turn into a crash on model output.
    return { query: text, repairs: [] };
  }
}

/** Parses each query (trimmed), repairing it first when `options.repair`. */
export function checkQueries(queries: readonly string[], options: { repair: boolean }): QueryCheck[] {
  return queries.map((q) => {
    const original = typeof q === 'string' ? q.trim() : '';
    const { query, repairs } = options.repair ? repairQuery(original) : { query: original, repairs: [] };
    const parsed = parseQuery(query);
    if (parsed.ok) return { original, query, repairs, valid: true };
    return { original, query, repairs, valid: false, position: parsed.error.position, message: parsed.error.message };
  });
}

// ---------------------------------------------------------------------------------------------
// Lexing (mirrors the parser's word and phrase rules, but never fails)

/** Quotes the parser accepts (after the typographic repair, `"` is the only one left). */
const PHRASE_QUOTES = QUOTES;

type Lexeme =
  | { kind: 'word'; start: number; end: number; text: string; prefix: boolean }
  | { kind: 'phrase'; start: number; end: number; terminated: boolean }
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'other'; start: number; end: number };

function lex(s: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < s.length) {
    const c = charAt(s, i);
    if (PHRASE_QUOTES.has(c)) {
      let close = i + 1;
      while (close < s.length && !PHRASE_QUOTES.has(s[close] ?? '')) close += 1;
      const terminated = close < s.length;
      out.push({ kind: 'phrase', start: i, end: terminated ? close + 1 : s.length, terminated });
      i = terminated ? close + 1 : s.length;
    } else if (WORD_START.test(c)) {
      let end = scanWord(s, i);
      const text = s.slice(i, end);
      const prefix = s[end] === '*';
      if (prefix) end += 1;
      out.push({ kind: 'word', start: i, end, text, prefix });
      i = end;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', start: i, end: i + 1 });
      i += 1;
    } else if (c === '&' || c === '|') {
      const len = s[i + 1] === c ? 2 : 1;
      out.push({ kind: c === '&' ? 'and' : 'or', start: i, end: i + len });
      i += len;
    } else if (c === '!' || (c === '-' && /^[\p{L}\p{N}("\u201C\u201D]$/u.test(charAt(s, i + 1)))) {
      out.push({ kind: 'not', start: i, end: i + 1 });
      i += 1;
    } else if (/^[\s\p{Cc}\p{Cf},;:.?]$/u.test(c)) {
      i += c.length;
    } else {
      out.push({ kind: 'other', start: i, end: i + c.length });
      i += c.length;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Repairs

function repairTypographicQuotes(s: string): string {
  const doubled = s.replace(/[\u201C\u201D\u201E\u2033]/g, '"');
  if (!doubled.includes('\u2018')) return doubled;
  let out = '';
  let inPhrase = false;
  let i = 0;
  while (i < doubled.length) {
    const c = doubled[i] ?? '';
    if (c === '"') {
      inPhrase = !inPhrase;
    } else if (c === '\u2018' && !inPhrase && !isWordChar(doubled, i - 1)) {
      const close = findClosingSingleQuote(doubled, i + 1);
      if (close !== -1) {
        out += `"${doubled.slice(i + 1, close)}"`;
        i = close + 1;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/** The first `’` after `from` that is not followed by a letter/digit, if the span between has a word and no `"` or `‘`. */
function findClosingSingleQuote(s: string, from: number): number {
  let hasWord = false;
  for (let j = from; j < s.length; j += 1) {
    const c = s[j];
    if (c === '"' || c === '\u2018') return -1;
    if (c === '\u2019' && !isWordChar(s, j + 1)) return hasWord ? j : -1;
    if (isWordChar(s, j)) hasWord = true;
  }
  return -1;
}

function isWordChar(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  return /[\p{L}\p{N}]/u.test(s[i] ?? '');
}

const LOWER_OPERATORS: Readonly<Record<string, 'AND' | 'OR' | 'NOT'>> = {
  and: 'AND',
  And: 'AND',
  or: 'OR',
  Or: 'OR',
  not: 'NOT',
  Not: 'NOT',
};
const UPPER_OPERATORS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT']);

function repairLowercaseOperators(s: string): string {
  const lexemes = lex(s);
  const hasStructure = lexemes.some(
    (l) =>
      l.kind === 'phrase' ||
      l.kind === 'lparen' ||
      l.kind === 'rparen' ||
      l.kind === 'and' ||
      l.kind === 'or' ||
      (l.kind === 'word' && (l.prefix || UPPER_OPERATORS.has(l.text))),
  );
  if (!hasStructure) return s;

  /** The operator a lower-case / Capitalized operator word would become, if `l` is one. */
  const lowerOperator = (l: Lexeme | undefined): 'AND' | 'OR' | 'NOT' | undefined =>
    l !== undefined && l.kind === 'word' && !l.prefix ? LOWER_OPERATORS[l.text] : undefined;
  const isPlainTerm = (l: Lexeme | undefined): boolean =>
    l !== undefined && l.kind === 'word' && lowerOperator(l) === undefined && (l.prefix || !UPPER_OPERATORS.has(l.text));
  const endsOperand = (l: Lexeme | undefined): boolean =>
    l !== undefined && (isPlainTerm(l) || l.kind === 'phrase' || l.kind === 'rparen');
  const startsOperand = (l: Lexeme | undefined): boolean =>
    l !== undefined &&
    (isPlainTerm(l) || l.kind === 'phrase' || l.kind === 'lparen' || l.kind === 'not' || (l.kind === 'word' && l.text === 'NOT'));
  /** A lower-case `not` that will itself be converted (it is followed by an operand). */
  const convertibleNot = (at: number): boolean => lowerOperator(lexemes[at]) === 'NOT' && startsOperand(lexemes[at + 1]);

  let out = '';
  let copied = 0;
  lexemes.forEach((l, index) => {
    const upper = lowerOperator(l);
    if (upper === undefined) return;
    const convert =
      upper === 'NOT'
        ? convertibleNot(index)
        : endsOperand(lexemes[index - 1]) && (startsOperand(lexemes[index + 1]) || convertibleNot(index + 1));
    if (!convert) return;
    out += s.slice(copied, l.start) + upper;
    copied = l.end;
  });
  return copied === 0 ? s : out + s.slice(copied);
}

function repairClosedParenthesis(s: string): string {
  let depth = 0;
  for (const l of lex(s)) {
    if (l.kind === 'phrase' && !l.terminated) return s;
    if (l.kind === 'lparen') depth += 1;
    if (l.kind === 'rparen') {
      depth -= 1;
      if (depth < 0) return s;
    }
  }
  return depth > 0 ? s.replace(/\s+$/, '') + ')'.repeat(depth) : s;
}
