/**
 * Versioned prompt templates, kept as data in data/prompts/<id>.v<version>.json so a prompt
 * change is a new version, and every run records which one it used. `{{name}}` placeholders
 * are filled from a variables object; a missing variable is an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../store/db-path';
import { InputError } from '../input-error';

const templateSchema = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  description: z.string().optional(),
  system: z.string().optional(),
  template: z.string().min(1),
});

export type PromptTemplate = z.infer<typeof templateSchema>;

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

export function promptsDir(): string {
  return path.join(projectRoot(), 'data', 'prompts');
}

/** Loads `id@version` (e.g. `boolean-query@1`) from the prompts folder. */
export function loadPromptTemplate(ref: string, dir: string = promptsDir()): PromptTemplate {
  const match = /^([a-z0-9][a-z0-9-]*)@(\d+)$/.exec(ref);
  if (!match) throw new InputError(`prompt reference '${ref}' must look like NAME@VERSION, e.g. boolean-query@1`);
  const file = path.join(dir, `${match[1]}.v${match[2]}.json`);
  if (!fs.existsSync(file)) {
    const available = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    throw new InputError(`prompt template ${file} not found; available: ${available.join(', ') || 'none'}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = templateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  if (`${parsed.data.id}@${parsed.data.version}` !== ref) {
    throw new InputError(`${file}: declares ${parsed.data.id}@${parsed.data.version}, expected ${ref}`);
  }
  return parsed.data;
}

export function renderPrompt(template: PromptTemplate, variables: Record<string, string | number>): string {
  return template.template.replace(PLACEHOLDER, (_all, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new InputError(`prompt ${template.id}@${template.version} needs '${name}'`);
    return String(value);
  });
}
