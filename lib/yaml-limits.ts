/**
 * Turning a parsed YAML document (the `yaml` package) into plain data with a bound on alias
 * expansion, for the files users hand Benchlab (suites, experiments). A "billion laughs" file
 * (anchors whose aliases nest aliases) is a few hundred bytes that expand exponentially; `yaml`
 * counts alias expansions against `maxAliasCount` and throws a ReferenceError past it. Here that
 * becomes an InputError naming the file and the line of the first alias (exit 3), never a stack
 * trace. The limit is set explicitly (yaml's default is also 100) so it cannot drift with the
 * package: no suite or experiment needs more than a handful of aliases.
 */
import { visit, type Document } from 'yaml';
import { InputError } from './input-error';

/** The most alias expansions (yaml's count: uses weighted by the aliases they contain) a file may have. */
export const MAX_YAML_ALIAS_COUNT = 100;

const EXCESSIVE_ALIASES = /Excessive alias count/;

/** 1-based line of a character offset in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line of the document's first alias (`*name`), where there is one. */
function firstAliasLine(doc: Document, text: string): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? undefined : lineAt(text, offset);
}

/** `doc.toJS()` with the alias bound; an alias bomb is an InputError naming `file` (and its line). */
export function yamlToJs(doc: Document, text: string, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && EXCESSIVE_ALIASES.test(error.message)) {
      const line = firstAliasLine(doc, text);
      throw new InputError(
        `${file}${line ? `:${line}` : ''}: YAML aliases expand past the limit of ${MAX_YAML_ALIAS_COUNT} ` +
          `(a "billion laughs" file?); write the values out instead of nesting aliases`,
      );
    }
    throw error;
  }
}
