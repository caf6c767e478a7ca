/**
 * Versioned prompt templates, kept as data in data/prompts/<id>.v<version>.json so a prompt
 * change is a new version, and every run records which one it used. `{{name}}` placeholders
 * are filled from a variables object; a missing variable is an error. `{{answer_schema}}` is
 * always available: the declared answer schema as JSON, so the prompt states it even where a
 * server skips schema keywords it does not support.
 *
 * Each template declares its answer (`answer`): a JSON Schema (sent as the request's format), the
 * list it holds (`list`, e.g. `queries`) and the field names a model may put each item under
 * when it answers with objects (`item_fields`), which the tolerant reader uses. The schema is
 * compiled with ajv when the template loads, so a broken schema fails there, naming the file.
 * Templates are read by the config loader (lib/config): a problem is `FILE:LINE: field.path: message`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../store/db-path';
import { InputError } from '../input-error';
import { loadConfigFile } from '../config/load-config';
import { PROMPT_REF } from './prompt-ref';
import { schemaPredicate } from '../llm/answer-extraction';
import type { AnswerSchema } from '../llm/types';

const answerSpecSchema = z
  .object({
    /** The schema's name (OpenAI `json_schema.name`): letters, digits, `_` and `-`. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    list: z.string().min(1),
    item_fields: z.array(z.string().min(1)).min(1),
    schema: z.record(z.string(), z.unknown()),
  })
  .strict();

const templateSchema = z
  .object({
    id: z.string().min(1),
    version: z.number().int().positive(),
    description: z.string().optional(),
    system: z.string().optional(),
    template: z.string().min(1),
    answer: answerSpecSchema,
  })
  .strict();

export type PromptTemplate = z.infer<typeof templateSchema>;
export type AnswerSpec = z.infer<typeof answerSpecSchema>;

/** A loaded template with its compiled answer reader settings. */
export interface LoadedPromptTemplate extends PromptTemplate {
  /** `id@version`. */
  ref: string;
  /** True when a parsed answer follows the declared schema exactly. */
  isStrict: (json: unknown) => boolean;
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

export function promptsDir(): string {
  return path.join(projectRoot(), 'data', 'prompts');
}

/** Loads `id@version` (e.g. `boolean-query@1`) from the prompts folder. */
export function loadPromptTemplate(ref: string, dir: string = promptsDir()): LoadedPromptTemplate {
  const match = PROMPT_REF.exec(ref);
  if (!match) throw new InputError(`prompt reference '${ref}' must look like NAME@VERSION, e.g. boolean-query@1`);
  const file = path.join(dir, `${match[1]}.v${match[2]}.json`);
  if (!fs.existsSync(file)) {
    const available = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    throw new InputError(`prompt template ${file} not found; available: ${available.join(', ') || 'none'}`);
  }
  let isStrict: (json: unknown) => boolean = () => false;
  const template = loadConfigFile(file, templateSchema, {
    what: 'prompt template',
    check: (loaded, problems) => {
      if (`${loaded.id}@${loaded.version}` !== ref) problems.add(['id'], `declares ${loaded.id}@${loaded.version}, expected ${ref}`);
      try {
        isStrict = schemaPredicate(loaded.answer.schema, 'answer.schema');
      } catch (error) {
        problems.add(['answer', 'schema'], (error as Error).message.replace(/^invalid JSON Schema in answer\.schema: /, 'not a valid JSON Schema: '));
      }
    },
  });
  return { ...template, ref, isStrict };
}

/** The answer schema as the request's format. */
export function answerFormat(template: PromptTemplate): AnswerSchema {
  return { name: template.answer.name, schema: template.answer.schema };
}

export function renderPrompt(template: PromptTemplate, variables: Record<string, string | number>): string {
  const all: Record<string, string | number> = { answer_schema: JSON.stringify(template.answer.schema), ...variables };
  return template.template.replace(PLACEHOLDER, (_all, name: string) => {
    const value = all[name];
    if (value === undefined) throw new InputError(`prompt ${template.id}@${template.version} needs '${name}'`);
    return String(value);
  });
}
