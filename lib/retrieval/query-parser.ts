/**
 * Parser for the boolean query language that LLM-generated search queries use.
 *
 * This module owns turning query text into a `QueryNode` tree (./query-ast) or a positioned
 * error. The text is untrusted (model output): it is never evaluated, `parseQuery` never throws
 * for any input, and input length and nesting depth are capped (MAX_QUERY_LENGTH,
 * MAX_NESTING_DEPTH) so hostile input cannot exhaust memory or the stack. It does no text
 * analysis: terms keep their surface text (the analyzer lowercases and stems elsewhere).
 *
 * Grammar (EBNF; separators may appear between any two tokens):
 *
 *   query     = or_expr ;
 *   or_expr   = and_expr , { OR , and_expr } ;
 *   and_expr  = unary , { [ AND ] , unary } ;        (* adjacency is an implicit AND *)
 *   unary     = { NOT } , primary ;
 *   primary   = term | phrase | "(" , or_expr , ")" ;
 *   term      = word , [ "*" ] ;                     (* "*" directly after the word: prefix *)
 *   phrase    = quote , { any char but a quote } , quote ;   (* must contain >= 1 word *)
 *   AND       = "AND" | "&" | "&&" ;
 *   OR        = "OR"  | "|" | "||" ;
 *   NOT       = "NOT" | "!" | "-" ;                  (* "-" only directly before a word, quote or "(" *)
 *   word      = word_start , { word_char | joiner , word_start } ;
 *   word_start= ? \p{L} | \p{N} ? ;
 *   word_char = word_start | ? \p{M} ? ;             (* combining marks continue a word *)
 *   joiner    = "-" | "'" | "’" | "." | "_" ;        (* only between word characters *)
 *   quote     = '"' | "“" | "”" ;                    (* any of them opens, any of them closes *)
 *   separator = ? \s | \p{Cc} | \p{Cf} ? | "," | ";" | ":" | "." | "?" ;
 *
 * Precedence NOT > AND > OR; AND and OR are left-associative (and n-ary in the tree: nested
 * operators of the same kind are flattened). Decisions, all covered by tests:
 *   - Word operators are recognized only in UPPER CASE and only as whole words: `AND`, `OR`,
 *     `NOT`. Lower-case `and` / `or` / `not` in model output are far more often words of a
 *     natural-language question than operators, so they are ordinary terms. `AND*` is a prefix
 *     term, not an operator; `NOT-a` is the single hyphenated term `NOT-a`.
 *   - Adjacent operands are joined by an implicit AND: `heart failure` = `heart AND failure`,
 *     `a NOT b` = `a AND NOT b`, `(a)(b)` = `a AND b`. (BM25-style OR semantics would make
 *     `heart failure` match every "heart" document; boolean queries from LLMs mean conjunction.)
 *   - `AND NOT` needs no special rule: it is AND followed by a NOT operand.
 *   - A `-` directly before a word, a quote or `(` is NOT (`-term`, `-"a b"`, `-(a OR b)`).
 *     Inside a word it is a joiner (`covid-19` is one term). Anywhere else (`a - b`, `a-`) it is an
 *     error. `-5` therefore means NOT 5.
 *   - `&&` and `||` are accepted as AND and OR (common in model output).
 *   - Field prefixes are not supported: `:` is a separator, so `title:foo` = `title AND foo`.
 *     The other separators `,` `;` `.` `?` (and whitespace / control / format characters) are
 *     likewise ignored; `.` inside a word is a joiner (`U.S` stays one term, a trailing `.` is
 *     dropped). Any other character outside a phrase (`@`, `+`, `#`, `[`, a lone `'`, ...) is an
 *     error at its position.
 *   - A phrase's words are found with the same word rule; everything else inside the quotes
 *     (punctuation, `*`, operators) is ignored, so `"AND"` is the one-word phrase AND. A phrase
 *     with no word (`""`, `"--"`) is an error. A one-word phrase stays a phrase node.
 *   - `*` is only allowed directly after a word: a bare `*`, `a *`, `"a"*` and `a**` are errors,
 *     and so is an inner wildcard (`diab*tes`).
 *   - A query made only of negations (`NOT x`) is valid; what it means is the engine's call.
 *
 * Errors: the first problem found is reported, lexical problems (characters, quotes, `*`, `-`)
 * before unbalanced parentheses before the rest of the structure. A missing operand is reported
 * at the operator that lacks it (`heart AND` -> 6, `OR x` -> 0, `a & | b` -> 2, the `&`);
 * an unbalanced parenthesis at that parenthesis (the leftmost unclosed `(`); an unterminated or
 * empty phrase at its opening quote; empty parentheses at the `(`; an empty query at 0.
 * Positions are 0-based offsets into the input string in UTF-16 code units (JS string indices).
 */

import type { QueryNode } from './query-ast';

/** Longest query accepted, in UTF-16 code units; longer input is an error, not truncated. */
export const MAX_QUERY_LENGTH = 10_000;

/** Deepest nesting accepted: each `(` and each NOT (`NOT`, `!`, `-`) counts one level. */
export const MAX_NESTING_DEPTH = 100;

export interface QueryParseError {
  /** 0-based offset into the input (UTF-16 code units). */
  position: number;
  message: string;
}

export type QueryParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QueryParseError };

type Token =
  | { kind: 'term'; pos: number; text: string; prefix: boolean }
  | { kind: 'phrase'; pos: number; words: string[] }
  | { kind: 'and' | 'or' | 'not'; pos: number; text: string }
  | { kind: 'lparen' | 'rparen' | 'eof'; pos: number };

type OperatorToken = Extract<Token, { kind: 'and' | 'or' | 'not' }>;

/** Raised inside this module only; `parseQuery` turns it into an `{ ok: false }` result. */
class QueryParseFailure {
  constructor(
    readonly position: number,
    readonly message: string,
  ) {}
}

export const WORD_START = /^[\p{L}\p{N}]$/u;
export const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
export const JOINERS: ReadonlySet<string> = new Set(['-', "'", '\u2019', '.', '_']);
export const QUOTES: ReadonlySet<string> = new Set(['"', '\u201C', '\u201D']);
const SEPARATOR = /^[\s\p{Cc}\p{Cf},;:.?]$/u;
const OPERATOR_WORDS: Readonly<Record<string, 'and' | 'or' | 'not'>> = { AND: 'and', OR: 'or', NOT: 'not' };

/**
 * Parses `input` into a query tree, or reports the first error with its position.
 * Never throws, whatever it is given (a non-string from untyped callers included).
 */
export function parseQuery(input: string): QueryParseResult {
  try {
    if (typeof input !== 'string') return fail(0, 'query must be a string');
    if (input.length > MAX_QUERY_LENGTH) {
      return fail(MAX_QUERY_LENGTH, `query is longer than ${MAX_QUERY_LENGTH} characters`);
    }
    const tokens = tokenize(input);
    checkParentheses(tokens);
    return { ok: true, ast: new Parser(tokens).parseQuery() };
  } catch (e) {
    if (e instanceof QueryParseFailure) return fail(e.position, e.message);
    // Not expected; kept so that a bug can never turn into a crash on model output.
    return fail(0, `internal query parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function fail(position: number, message: string): QueryParseResult {
  return { ok: false, error: { position, message } };
}

/** The code point at `i` as a string (1 or 2 code units), or '' past the end. */
export function charAt(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** End index of the word starting at `start` (which must be a word start). */
export function scanWord(s: string, start: number): number {
  let i = start + charAt(s, start).length;
  for (;;) {
    const c = charAt(s, i);
    if (c !== '' && WORD_CHAR.test(c)) {
      i += c.length;
    } else if (JOINERS.has(c) && WORD_START.test(charAt(s, i + 1))) {
      i += 1; // every joiner is one code unit
    } else {
      return i;
    }
  }
}

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `'${c}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = charAt(input, i);
    if (SEPARATOR.test(c)) {
      i += c.length;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', pos: i });
      i += 1;
    } else if (c === '&' || c === '|') {
      const text = input[i + 1] === c ? c + c : c;
      tokens.push({ kind: c === '&' ? 'and' : 'or', pos: i, text });
      i += text.length;
    } else if (c === '!') {
      tokens.push({ kind: 'not', pos: i, text: '!' });
      i += 1;
    } else if (c === '-') {
      const next = charAt(input, i + 1);
      if (!(WORD_START.test(next) || next === '(' || QUOTES.has(next))) {
        throw new QueryParseFailure(i, "'-' must be directly followed by a term, phrase or '(' (it means NOT)");
      }
      tokens.push({ kind: 'not', pos: i, text: '-' });
      i += 1;
    } else if (QUOTES.has(c)) {
      let close = i + 1;
      while (close < input.length && !QUOTES.has(input[close] ?? '')) close += 1;
      if (close >= input.length) throw new QueryParseFailure(i, 'unterminated phrase: missing closing quote');
      const words = phraseWords(input.slice(i + 1, close));
      if (words.length === 0) throw new QueryParseFailure(i, 'empty phrase: a phrase needs at least one word');
      tokens.push({ kind: 'phrase', pos: i, words });
      i = close + 1;
    } else if (c === '*') {
      throw new QueryParseFailure(i, "bare '*': a wildcard must directly follow a term (prefix search, e.g. diabet*)");
    } else if (WORD_START.test(c)) {
      let end = scanWord(input, i);
      const text = input.slice(i, end);
      const prefix = input[end] === '*';
      if (prefix) {
        const after = charAt(input, end + 1);
        if (after !== '' && WORD_CHAR.test(after)) {
          throw new QueryParseFailure(end, "'*' is only supported at the end of a term (prefix search)");
        }
        end += 1;
      }
      const operator = prefix ? undefined : OPERATOR_WORDS[text];
      tokens.push(operator ? { kind: operator, pos: i, text } : { kind: 'term', pos: i, text, prefix });
      i = end;
    } else {
      throw new QueryParseFailure(i, `unexpected character ${describeChar(c)}`);
    }
  }
  tokens.push({ kind: 'eof', pos: input.length });
  return tokens;
}

function phraseWords(content: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < content.length) {
    const c = charAt(content, i);
    if (WORD_START.test(c)) {
      const end = scanWord(content, i);
      words.push(content.slice(i, end));
      i = end;
    } else {
      i += c.length;
    }
  }
  return words;
}

/** Reports an unmatched `)`, or else the leftmost `(` that is never closed. */
function checkParentheses(tokens: Token[]): void {
  const open: number[] = [];
  for (const t of tokens) {
    if (t.kind === 'lparen') {
      open.push(t.pos);
    } else if (t.kind === 'rparen') {
      if (open.pop() === undefined) throw new QueryParseFailure(t.pos, "unmatched ')'");
    }
  }
  const first = open[0];
  if (first !== undefined) throw new QueryParseFailure(first, "unmatched '('");
}

function startsOperand(t: Token): boolean {
  return t.kind === 'term' || t.kind === 'phrase' || t.kind === 'lparen' || t.kind === 'not';
}

/** and/or node from operands, flattening children of the same kind; a single operand is returned as is. */
function nary(kind: 'and' | 'or', operands: QueryNode[]): QueryNode {
  const children: QueryNode[] = [];
  for (const child of operands) {
    if (child.kind === kind) children.push(...child.children);
    else children.push(child);
  }
  const only = children[0];
  return children.length === 1 && only !== undefined ? only : { kind, children };
}

/**
 * Recursive descent over the token list. Recursion depth is bounded by MAX_NESTING_DEPTH:
 * only `(` recurses, and NOT chains are read in a loop but still count toward the depth.
 */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): QueryNode {
    this.requireFirstOperand(null);
    const node = this.parseOr(0);
    const rest = this.peek();
    if (rest.kind === 'rparen') throw new QueryParseFailure(rest.pos, "unmatched ')'");
    if (rest.kind !== 'eof') throw new QueryParseFailure(rest.pos, 'unexpected token');
    return node;
  }

  private peek(): Token {
    // The token list always ends with 'eof' and the parser never advances past it.
    return this.tokens[this.index] ?? { kind: 'eof', pos: this.tokens[this.tokens.length - 1]?.pos ?? 0 };
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index += 1;
    return t;
  }

  /** At the start of the query or of a group: an operand must follow. */
  private requireFirstOperand(open: Token | null): void {
    const t = this.peek();
    if (startsOperand(t)) return;
    if (t.kind === 'and' || t.kind === 'or') {
      throw new QueryParseFailure(t.pos, `'${t.text}' is missing its left operand`);
    }
    if (open !== null) {
      throw new QueryParseFailure(open.pos, t.kind === 'rparen' ? 'empty parentheses' : "unmatched '('");
    }
    if (t.kind === 'rparen') throw new QueryParseFailure(t.pos, "unmatched ')'");
    throw new QueryParseFailure(0, 'empty query: no terms or phrases');
  }

  /** After operator `op`: an operand must follow. */
  private requireOperand(op: OperatorToken): void {
    if (startsOperand(this.peek())) return;
    const which = op.kind === 'not' ? 'operand' : 'right operand';
    throw new QueryParseFailure(op.pos, `'${op.text}' is missing its ${which}`);
  }

  private parseOr(depth: number): QueryNode {
    const operands = [this.parseAnd(depth)];
    for (let t = this.peek(); t.kind === 'or'; t = this.peek()) {
      this.next();
      this.requireOperand(t);
      operands.push(this.parseAnd(depth));
    }
    return nary('or', operands);
  }

  private parseAnd(depth: number): QueryNode {
    const operands = [this.parseUnary(depth)];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') {
        this.next();
        this.requireOperand(t);
      } else if (!startsOperand(t)) {
        break;
      }
      operands.push(this.parseUnary(depth));
    }
    return nary('and', operands);
  }

  private parseUnary(depth: number): QueryNode {
    let negations = 0;
    for (let t = this.peek(); t.kind === 'not'; t = this.peek()) {
      this.next();
      depth += 1;
      if (depth > MAX_NESTING_DEPTH) {
        throw new QueryParseFailure(t.pos, `query nesting is deeper than ${MAX_NESTING_DEPTH} levels`);
      }
      this.requireOperand(t);
      negations += 1;
    }
    let node = this.parsePrimary(depth);
    for (; negations > 0; negations -= 1) node = { kind: 'not', child: node };
    return node;
  }

  private parsePrimary(depth: number): QueryNode {
    const t = this.next();
    switch (t.kind) {
      case 'term':
        return { kind: 'term', text: t.text, prefix: t.prefix };
      case 'phrase':
        return { kind: 'phrase', words: t.words };
      case 'lparen': {
        if (depth + 1 > MAX_NESTING_DEPTH) {
          throw new QueryParseFailure(t.pos, `query nesting is deeper than ${MAX_NESTING_DEPTH} levels`);
        }
        this.requireFirstOperand(t);
        const inner = this.parseOr(depth + 1);
        const close = this.next();
        if (close.kind !== 'rparen') throw new QueryParseFailure(t.pos, "unmatched '('");
        return inner;
      }
      default:
        // Unreachable: callers check startsOperand first.
        throw new QueryParseFailure(t.pos, 'expected a term, phrase or (');
    }
  }
}
