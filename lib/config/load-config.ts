/**
 * Owns reading the config files people write for Benchlab (suites, experiments, the jobs config,
 * the task categories, the model registry, prompt templates): YAML, or strict JSON for `.json`
 * files, validated with a zod schema and then by optional checks of the loader, with one error
 * format. Every problem is one line, `FILE:LINE: field.path: message` (the line where it is
 * known, the path where there is one); a file with several problems gives a first line
 * `FILE: invalid WHAT (N problems):` and then one line each. A file that cannot be read is
 * `FILE: cannot read: reason`. All of these are InputErrors (the CLI exits 3, no stack).
 *
 * Lines come from the parsed document: the zod issue path (or a check's path) is followed
 * through the YAML nodes, down to the deepest node that exists; a JSON file is located the same
 * way (JSON is YAML), parsed for that only when there is a problem to place. Alias expansion is
 * bounded: a "billion laughs" file (anchors whose aliases nest aliases) is a few hundred bytes that
 * expand exponentially; `yaml` counts expansions against `maxAliasCount` and throws past it,
 * which becomes an InputError naming the file and the line of the first alias. The limit is set
 * explicitly (yaml's default is also 100) so it cannot drift with the package.
 */
import fs from 'node:fs';
import YAML, { LineCounter, isAlias, isMap, isNode, isScalar, isSeq, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../input-error';
import { jsonErrorOffset } from './json-error-offset';

/** The most alias expansions (yaml's count: uses weighted by the aliases they contain) a file may have. */
export const MAX_YAML_ALIAS_COUNT = 100;

const EXCESSIVE_ALIASES = /Excessive alias count/;

/** Where a value sits in a config file: keys and list indexes from the top (zod's issue path). */
export type ConfigPath = readonly PropertyKey[];

/** One problem of a config file. */
export interface ConfigProblem {
  /** The field it is about; empty for the file as a whole. */
  path: ConfigPath;
  /** 1-based line in the file, where known. */
  line: number | undefined;
  message: string;
}

/** `generators.0.model`: a path as it appears in messages. */
export function formatConfigPath(path: ConfigPath): string {
  return path.map(String).join('.');
}

/** `FILE:LINE: field.path: message`, leaving out the line or the path where there is none. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line !== undefined ? `${file}:${problem.line}` : file;
  return problem.path.length > 0 ? `${where}: ${formatConfigPath(problem.path)}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** A config file that failed: its problems, one line each (under a first line when there are several). */
export class ConfigError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
    readonly what: string,
  ) {
    const lines = problems.map((p) => formatProblem(file, p));
    super(lines.length === 1 ? (lines[0] ?? '') : [`${file}: invalid ${what} (${lines.length} problems):`, ...lines].join('\n'));
    this.name = 'ConfigError';
  }
}

/** A parsed config file: its plain data, and where in the file a path is. */
export interface ConfigSource {
  file: string;
  value: unknown;
  /** 1-based line of the node at `path`, or of its deepest existing parent; undefined when unknown. */
  lineOf: (path: ConfigPath) => number | undefined;
}

export type ConfigFormat = 'yaml' | 'json';

export interface ParseOptions {
  /** Default: `json` for a `.json` file, else `yaml`. */
  format?: ConfigFormat;
  /** The value of an empty file (no content, or only comments); without it an empty file is an error. */
  empty?: unknown;
}

/** Collects the problems of one file; `add` and `addIssues` take paths from the top of the file. */
export class ConfigProblems {
  readonly list: { path: ConfigPath; locate: ConfigPath; message: string }[] = [];

  get size(): number {
    return this.list.length;
  }

  /** A problem at `path` (`locate`: where to find its line, when that is another node). */
  add(path: ConfigPath, message: string, locate: ConfigPath = path): void {
    this.list.push({ path, locate, message });
  }

  /** zod's issues, their paths under `prefix` (for a part validated on its own, e.g. a job's options). */
  addIssues(issues: readonly z.core.$ZodIssue[], prefix: ConfigPath = []): void {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      // An unknown key is reported on its object, at the line of the (first) key itself.
      const locate = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
      const message = issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? `missing (expected ${issue.expected})` : issue.message;
      this.add(path, message, locate);
    }
  }
}

export interface ValidateOptions<T> {
  /** The kind of file, for the first line of a many-problem error: `suite`, `jobs config`, ... */
  what: string;
  /** Checks past the schema (cross-references, per-entry schemas); report with `problems.add`. */
  check?: (value: T, problems: ConfigProblems) => void;
}

export type LoadOptions<T> = ValidateOptions<T> & ParseOptions;

/** A ConfigError for `problems` of `source` (with their lines). */
export function configError(source: ConfigSource, what: string, problems: ConfigProblems): ConfigError {
  return new ConfigError(
    source.file,
    problems.list.map((p) => ({ path: p.path, line: source.lineOf(p.locate), message: p.message })),
    what,
  );
}

/** A single-problem ConfigError at a known line (syntax errors, alias bombs, unreadable files). */
function fileProblem(file: string, message: string, line?: number): ConfigError {
  return new ConfigError(file, [{ path: [], line, message }], 'file');
}

/** Reads a config file's text; a missing or unreadable file is `FILE: cannot read: reason`. */
export function readConfigText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).replace(/, \w+ '.*'$/, '');
    throw fileProblem(file, `cannot read: ${reason}`);
  }
}

// --- locating paths in a YAML document ---------------------------------------------------------

function keyMatches(key: unknown, segment: PropertyKey): boolean {
  const value = isScalar(key) ? key.value : key;
  return value === segment || String(value) === String(segment);
}

/** The line of the node at `path` (a map entry: its key's line), or of its deepest existing parent. */
function lineInDocument(doc: Document, counter: LineCounter, path: ConfigPath): number | undefined {
  let node: unknown = doc.contents;
  let line = isNode(node) && node.range ? counter.linePos(node.range[0]).line : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyMatches(p.key, segment));
      if (!pair) break;
      const key: unknown = pair.key;
      if (isNode(key) && key.range) line = counter.linePos(key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (!isNode(item)) break;
      if (item.range) line = counter.linePos(item.range[0]).line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function lineOfOffset(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

interface YamlDocument {
  doc: Document;
  counter: LineCounter;
}

function parseYamlDocument(text: string): YamlDocument {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: counter, prettyErrors: false });
  return { doc, counter };
}

/** `doc.toJS()` with the alias bound; an alias bomb is an InputError naming `file` and the line of its first alias. */
function yamlToJs({ doc, counter }: YamlDocument, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError && EXCESSIVE_ALIASES.test(error.message))) throw error;
    let offset: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) offset = node.range[0];
        return visit.BREAK;
      },
    });
    throw fileProblem(
      file,
      `YAML aliases expand past the limit of ${MAX_YAML_ALIAS_COUNT} (a "billion laughs" file?); write the values out instead of nesting aliases`,
      offset === undefined ? undefined : counter.linePos(offset).line,
    );
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = `not valid JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}`;
    const offset = jsonErrorOffset(text);
    if (offset === undefined) throw fileProblem(file, message);
    const { line, column } = lineOfOffset(text, offset);
    throw fileProblem(file, `${message} (column ${column})`, line);
  }
}

/**
 * Parses a config file's text (YAML, or strict JSON) into plain data with line lookup; syntax
 * errors and alias bombs are InputErrors at `FILE:LINE`.
 */
export function parseConfigSource(text: string, file: string, options: ParseOptions = {}): ConfigSource {
  const format = options.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  let value: unknown;
  let lineOf: ConfigSource['lineOf'];
  if (format === 'json') {
    if (text.trim() === '') {
      if (options.empty === undefined) throw fileProblem(file, 'the file is empty (expected a JSON object)');
      return { file, value: options.empty, lineOf: () => undefined };
    }
    value = parseJson(text, file);
    // Only a file with a problem is parsed again for its lines.
    let located: YamlDocument | undefined;
    lineOf = (path) => {
      located ??= parseYamlDocument(text);
      return located.doc.errors.length > 0 ? undefined : lineInDocument(located.doc, located.counter, path);
    };
  } else {
    const parsed = parseYamlDocument(text);
    const first = parsed.doc.errors[0];
    if (first) {
      const { line, col } = parsed.counter.linePos(first.pos[0]);
      throw fileProblem(file, `${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')} (column ${col})`, line);
    }
    if (parsed.doc.contents === null) {
      if (options.empty === undefined) throw fileProblem(file, 'the file is empty (expected a YAML mapping)');
      return { file, value: options.empty, lineOf: () => undefined };
    }
    value = yamlToJs(parsed, file);
    lineOf = (path) => lineInDocument(parsed.doc, parsed.counter, path);
  }
  return { file, value, lineOf };
}

/** Validates `source` with `schema`, then with `options.check`; every problem at once in a ConfigError. */
export function validateConfig<S extends z.ZodType>(source: ConfigSource, schema: S, options: ValidateOptions<z.output<S>>): z.output<S> {
  const problems = new ConfigProblems();
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) {
    problems.addIssues(parsed.error.issues);
    throw configError(source, options.what, problems);
  }
  options.check?.(parsed.data, problems);
  if (problems.size > 0) throw configError(source, options.what, problems);
  return parsed.data;
}

/** Parses and validates a config file's text; `file` names it in errors and picks the format. */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S, options: LoadOptions<z.output<S>>): z.output<S> {
  return validateConfig(parseConfigSource(text, file, options), schema, options);
}

/** Reads, parses and validates a config file. */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S, options: LoadOptions<z.output<S>>): z.output<S> {
  return parseConfigText(readConfigText(file), file, schema, options);
}
