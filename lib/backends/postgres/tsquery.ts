/**
 * Benchlab's boolean queries (lib/retrieval/query-ast) as PostgreSQL `to_tsquery` text, so a
 * generated query runs on the engine a team already has. The mapping:
 *   term `w`            -> `'w'`        (to_tsquery stems it with the text search configuration)
 *   prefix `w*`         -> `'w':*`      (every lexeme starting with the stemmed `w`)
 *   phrase `"a b c"`    -> `('a' <-> 'b' <-> 'c')`
 *   `x AND y`           -> `(x & y)`,  `x OR y` -> `(x | y)`,  `NOT x` -> `!x`
 * Each word is written as a quoted lexeme, so no character of a (model-written, untrusted) query
 * can act as tsquery syntax: inside the quotes a `'` is doubled and a `\` escaped, as
 * PostgreSQL's tsquery input requires. The text is always sent as a bind parameter, never
 * spliced into SQL.
 *
 * Differences from the embedded engine the user should know (the README repeats them): the
 * configuration's stemmer and stop words apply (`english` is Snowball English, the embedded
 * analyzer Porter2 with its own stop list), a stop word inside a query is dropped by
 * PostgreSQL (`a & the` is `a`), and a prefix is matched on the stemmed prefix.
 */
import type { QueryNode } from '../../retrieval/query-ast';

/** `w` as a quoted tsquery lexeme. */
export function quoteLexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The `to_tsquery` text of a parsed boolean query. */
export function toTsquery(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return node.prefix ? `${quoteLexeme(node.text)}:*` : quoteLexeme(node.text);
    case 'phrase':
      return node.words.length === 1 ? quoteLexeme(node.words[0] as string) : `(${node.words.map(quoteLexeme).join(' <-> ')})`;
    case 'not':
      return `!${toTsquery(node.child)}`;
    case 'and':
    case 'or':
      if (node.children.length === 1) return toTsquery(node.children[0] as QueryNode);
      return `(${node.children.map(toTsquery).join(node.kind === 'and' ? ' & ' : ' | ')})`;
  }
}
