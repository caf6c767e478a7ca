/**
 * Reading Benchlab's JSON data files (the model registry, the task categories) with a zod
 * schema. Every problem is a DataFileError naming the file and where in it: `file:line:column`
 * for malformed JSON, and the JSON path (`$.models[3].scores.MMLU.value`) for a value that breaks
 * the schema or a cross-reference.
 */
import fs from 'node:fs';
import type { z } from 'zod';
import { InputError } from '../input-error';

export type JsonPath = readonly (string | number)[];

/** `$.models[3].scores["HumanEval+"].value`: the path of a value inside a JSON document. */
export function formatJsonPath(path: JsonPath): string {
  return (
    '$' +
    path
      .map((segment) =>
        typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`,
      )
      .join('')
  );
}

export class DataFileError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: readonly { path: JsonPath | null; message: string }[],
    what: string,
  ) {
    super(
      `${file}: invalid ${what}: ` +
        problems.map((p) => (p.path === null ? p.message : `${formatJsonPath(p.path)}: ${p.message}`)).join('; '),
    );
    this.name = 'DataFileError';
  }
}

/** Line and column (both from 1) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses JSON text; a syntax error becomes an InputError at `file:line:column`. */
export function parseJsonText(text: string, file: string): unknown {
  if (text.trim() === '') throw new InputError(`${file}: the file is empty (expected a JSON object)`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    if (position === undefined) throw new InputError(`${file}: not valid JSON: ${message}`);
    const { line, column } = lineAndColumn(text, Number(position));
    throw new InputError(`${file}:${line}:${column}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

/** Reads `file` and validates it with `schema`; `what` names the kind of file in errors. */
export function readDataFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const raw = parseJsonText(text, file);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DataFileError(
      file,
      parsed.error.issues.map((issue) => ({
        path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? `missing (expected ${issue.expected})` : issue.message,
      })),
      what,
    );
  }
  return parsed.data;
}
