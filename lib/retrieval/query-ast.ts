/**
 * The syntax tree of a boolean search query, and the two pure helpers that read it.
 *
 * This module owns:
 *   - `QueryNode`, the AST that `parseQuery` (./query-parser) produces;
 *   - `positiveTerms`, the terms and phrases that are not under a negation (what a ranker scores);
 *   - `queryToString`, the canonical printed form of a query.
 * It owns no parsing and no text analysis: terms keep their surface text exactly as written
 * (no lowercasing, no stemming; the analyzer does that later).
 *
 * Shape invariants of every tree `parseQuery` returns:
 *   - `and` / `or` nodes have at least two children, and no child of the same kind (nested
 *     `a AND (b AND c)` is flattened to one `and` with three children);
 *   - parentheses leave no trace (`(a)` is just `a`);
 *   - `not` nodes are kept as written, double negation included (`NOT NOT a`);
 *   - a `term` text is a non-empty word (see the grammar in ./query-parser); `prefix` means it was
 *     written `word*`;
 *   - a `phrase` has at least one word.
 *
 * Canonical form (what `queryToString` prints), in the grammar of ./query-parser:
 *   term      -> `text` or `text*`
 *   phrase    -> `"w1 w2 ..."` (ASCII double quotes, words joined by one space)
 *   not       -> `NOT x`, with `x` in parentheses when it is an `and` / `or`
 *   and       -> children joined by ` AND `, an `or` (or nested `and`) child in parentheses
 *   or        -> children joined by ` OR `, an `and` (or nested `or`) child in parentheses
 * For any tree produced by `parseQuery`, `parseQuery(queryToString(ast))` gives back an equal
 * tree, and printing is idempotent. Hand-built trees that break the invariants above (an empty
 * `and`, a term whose text is not a word, a non-prefix term spelled `AND`) still print without
 * throwing, but are not guaranteed to parse back.
 *
 * The helpers recurse on the tree; the parser bounds the depth of what it builds
 * (MAX_NESTING_DEPTH in ./query-parser), so trees from untrusted queries cannot exhaust the stack.
 */

/** A single word, optionally a prefix (`diabet*`). */
export interface TermNode {
  kind: 'term';
  /** Surface text as written in the query (not lowercased, not stemmed). */
  text: string;
  /** True for `word*`: match every indexed term that starts with `text`. */
  prefix: boolean;
}

/** A quoted phrase: its words must occur adjacent and in order. */
export interface PhraseNode {
  kind: 'phrase';
  /** At least one word, surface text as written. */
  words: string[];
}

/** All children must match. Never has an `and` child (flattened). */
export interface AndNode {
  kind: 'and';
  children: QueryNode[];
}

/** At least one child must match. Never has an `or` child (flattened). */
export interface OrNode {
  kind: 'or';
  children: QueryNode[];
}

/** The child must not match. */
export interface NotNode {
  kind: 'not';
  child: QueryNode;
}

export type QueryNode = TermNode | PhraseNode | AndNode | OrNode | NotNode;

/** A term or phrase a ranker should score: one that occurs outside every negation. */
export type PositiveTerm = { text: string; prefix: boolean } | { phrase: string[] };

/**
 * The terms and phrases of `node` that are not under any `not`, in query order, duplicates kept
 * (a repeated term is repeated here, so a caller can use query term frequency or dedupe).
 * Anything below a `not` is excluded, even under double negation (`NOT NOT a` contributes
 * nothing): the rule is syntactic, not logical.
 */
export function positiveTerms(node: QueryNode): PositiveTerm[] {
  const out: PositiveTerm[] = [];
  collectPositive(node, out);
  return out;
}

function collectPositive(node: QueryNode, out: PositiveTerm[]): void {
  switch (node.kind) {
    case 'term':
      out.push({ text: node.text, prefix: node.prefix });
      return;
    case 'phrase':
      out.push({ phrase: [...node.words] });
      return;
    case 'and':
    case 'or':
      for (const child of node.children) collectPositive(child, out);
      return;
    case 'not':
      return;
  }
}

/** The canonical text of `node` (see the module comment); parses back to an equal tree. */
export function queryToString(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return node.prefix ? `${node.text}*` : node.text;
    case 'phrase':
      return `"${node.words.join(' ')}"`;
    case 'not':
      return `NOT ${printOperand(node.child)}`;
    case 'and':
      return printNary(node.children, 'and');
    case 'or':
      return printNary(node.children, 'or');
  }
}

function printNary(children: QueryNode[], kind: 'and' | 'or'): string {
  if (children.length === 0) return '()';
  return children.map((child) => printOperand(child)).join(kind === 'and' ? ' AND ' : ' OR ');
}

/**
 * Prints `child` as an operand of an `and` / `or` / `not`. Every `and` / `or` operand is
 * parenthesized: required under `not` and for `or` inside `and`; for `and` inside `or` it is not
 * required by precedence but makes the canonical form unambiguous to a human reader.
 * (A one-child `and` / `or`, hand-built only, prints as its child, which is already an operand.)
 */
function printOperand(child: QueryNode): string {
  const text = queryToString(child);
  const needsParens = (child.kind === 'and' || child.kind === 'or') && child.children.length !== 1;
  return needsParens ? `(${text})` : text;
}
