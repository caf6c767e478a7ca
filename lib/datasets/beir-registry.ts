/**
 * The registry of published BEIR collections that `benchlab datasets pull NAME` can fetch.
 *
 * Owns: reading the registry file (data, not code: `data/beir-datasets.json`), validating it with
 * zod, and looking a name up (an unknown name is an `InputError` listing the known ones).
 *
 * Which file: an explicit path (tests, library callers) beats `$BENCHLAB_BEIR_REGISTRY`, which
 * beats `<project>/data/beir-datasets.json`. Every entry pins the MD5 checksum BEIR publishes
 * for its zip (the file names its source); a pull refuses an archive whose checksum differs.
 *
 * File format:
 *   { "datasets": { "<name>": { "url", "md5", "split", "splits"?, "documents"?, "judgedQueries"?,
 *                              "archiveBytes"?, "title"? } } }
 * `documents` and `judgedQueries` (for `split`) are the published sizes: a pull warns when the
 * imported collection differs. `archiveBytes` sizes the download bar when the server sends no
 * Content-Length.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../input-error';
import { projectRoot } from '../store/db-path';
import { formatZodIssue } from './beir';

export const BEIR_REGISTRY_ENV = 'BENCHLAB_BEIR_REGISTRY';
export const DEFAULT_BEIR_REGISTRY_RELATIVE = path.join('data', 'beir-datasets.json');

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const entrySchema = z
  .object({
    title: z.string().optional(),
    url: z
      .string()
      .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), { message: 'expected an http(s) URL' }),
    md5: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/, { message: 'expected 32 hex digits' })
      .transform((s) => s.toLowerCase()),
    split: z.string().min(1).default('test'),
    splits: z.array(z.string().min(1)).optional(),
    documents: z.number().int().nonnegative().optional(),
    judgedQueries: z.number().int().nonnegative().optional(),
    archiveBytes: z.number().int().positive().optional(),
  })
  .strict();

const registrySchema = z.object({
  $comment: z.union([z.string(), z.array(z.string())]).optional(),
  datasets: z.record(z.string().regex(NAME_PATTERN, { message: 'invalid dataset name' }), entrySchema),
});

export type BeirRegistryEntry = z.infer<typeof entrySchema> & { name: string };

export interface BeirRegistry {
  /** The file it was read from. */
  file: string;
  datasets: Map<string, BeirRegistryEntry>;
}

/** The registry file to read: `explicit`, else `$BENCHLAB_BEIR_REGISTRY`, else the project's data file. */
export function beirRegistryPath(explicit?: string): string {
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const fromEnv = process.env[BEIR_REGISTRY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.join(projectRoot(), DEFAULT_BEIR_REGISTRY_RELATIVE);
}

/** Parses registry JSON text; `file` only labels errors. */
export function parseBeirRegistry(text: string, file: string): BeirRegistry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${file}: invalid BEIR registry: ${formatZodIssue(parsed.error)}`);
  const datasets = new Map<string, BeirRegistryEntry>();
  for (const name of Object.keys(parsed.data.datasets).sort()) {
    const entry = parsed.data.datasets[name];
    if (entry !== undefined) datasets.set(name, { ...entry, name });
  }
  return { file, datasets };
}

/** Reads the registry (see `beirRegistryPath` for which file). */
export function loadBeirRegistry(explicit?: string): BeirRegistry {
  const file = beirRegistryPath(explicit);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the BEIR registry ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseBeirRegistry(text, file);
}

export class UnknownBeirDatasetError extends InputError {
  constructor(name: string, known: string[]) {
    super(
      `unknown BEIR dataset '${name}'; known: ${known.length > 0 ? known.join(', ') : 'none'}` +
        ` (or give the archive with --from FILE_OR_URL)`,
    );
    this.name = 'UnknownBeirDatasetError';
  }
}

/** The entry for `name`, or undefined. */
export function findBeirDataset(registry: BeirRegistry, name: string): BeirRegistryEntry | undefined {
  return registry.datasets.get(name);
}

/** The entry for `name`; an unknown name throws `UnknownBeirDatasetError` listing the known ones. */
export function requireBeirDataset(registry: BeirRegistry, name: string): BeirRegistryEntry {
  const entry = registry.datasets.get(name);
  if (!entry) throw new UnknownBeirDatasetError(name, [...registry.datasets.keys()]);
  return entry;
}
