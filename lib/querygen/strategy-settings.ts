/**
 * The settings of the dense and hybrid retrieval strategies as suites write them (zod shapes),
 * shared by the suite's `{type: dense}` / `{type: hybrid}` generator entries (lib/suites/suite.ts)
 * and a RAG generator's `retriever: {type: dense | hybrid, ...}` (lib/rag/rag-suite.ts), so one
 * definition says what each setting means and defaults to; and how those settings become the
 * embedding pass's DenseSettings and the fusion's FusionSettings.
 */
import { z } from 'zod';
import type { DenseSettings } from '../embeddings/dense-retriever';
import type { FusionSettings } from './fusion';

/** How documents are cut for embedding: words per chunk and words repeated from the chunk before. */
export const chunkingSchema = z
  .object({ max_tokens: z.number().int().min(8).max(8192).default(256), overlap_tokens: z.number().int().min(0).max(8191).default(32) })
  .strict()
  .refine((c) => c.overlap_tokens < c.max_tokens, { message: 'overlap_tokens must be below max_tokens', path: ['overlap_tokens'] });

/** The embedding settings of the dense and hybrid strategies. */
export const denseFields = {
  /** An embedding model (Ollama: e.g. nomic-embed-text; OpenAI-compatible: the server's name). */
  model: z.string().min(1),
  /** Cut vectors to this length (the server normalizes again); default: the model's own. */
  dimensions: z.number().int().min(1).max(65_536).optional(),
  chunking: chunkingSchema.optional(),
  /** A document's score from its chunks' scores. */
  aggregate: z.enum(['max', 'sum']).default('max'),
  /** Inputs per embedding request. */
  batch_size: z.number().int().min(1).max(2048).default(64),
};

/** How a hybrid fuses its lexical and dense rankings. */
export const fusionFields = {
  fusion: z.enum(['rrf', 'combsum', 'combmnz']).default('rrf'),
  /** CombSUM / CombMNZ: how each ranking's scores are normalized first. */
  normalize: z.enum(['minmax', 'zscore']).default('minmax'),
  rrf_k: z.number().int().min(1).max(10_000).default(60),
};

const denseObject = z.object(denseFields);
const fusionObject = z.object(fusionFields);
export type DenseEntrySettings = z.infer<typeof denseObject>;
export type FusionEntrySettings = z.infer<typeof fusionObject>;

/** The embedding pass's settings for a dense or hybrid entry over `dataset`. */
export function denseSettingsOf(entry: DenseEntrySettings, dataset: string): DenseSettings {
  return {
    dataset,
    model: entry.model,
    dimensions: entry.dimensions,
    chunking: entry.chunking ? { maxTokens: entry.chunking.max_tokens, overlapTokens: entry.chunking.overlap_tokens } : undefined,
    aggregate: entry.aggregate,
    batchSize: entry.batch_size,
  };
}

/** The fusion settings of a hybrid entry. */
export function fusionSettingsOf(entry: FusionEntrySettings): FusionSettings {
  return { method: entry.fusion, normalize: entry.normalize, rrfK: entry.rrf_k };
}
