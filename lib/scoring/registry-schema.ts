/**
 * The shape of data/registry.json, Benchlab's model registry: each model's Ollama tag, size,
 * context, license, quantization and categories, and its published benchmark scores, every
 * figure with the id of its source. Validated with zod on load (see registry.ts).
 */
import { z } from 'zod';

const sourceId = z.string().min(1);
const text = z.string().min(1);

/** A published number and where it was published. */
const sourcedNumber = z.strictObject({ value: z.number().positive(), source: sourceId });

/** One published benchmark result, with the setting it was measured in. */
export const scoreSchema = z.strictObject({
  /** Percent, 0-100, as published. */
  value: z.number().min(0).max(100),
  /** instruct = the checkpoint Ollama serves; base = the pre-trained model; base-v0.1 = an older release. */
  variant: z.enum(['instruct', 'base', 'base-v0.1']),
  evaluator: z.enum(['publisher', 'third-party']),
  /** In-context examples; null when the source does not say. */
  shots: z.number().int().min(0).nullable(),
  /** Chain-of-thought prompting; null when the source does not say. */
  cot: z.boolean().nullable(),
  /** The setting in the source's words. */
  setting: text,
  source: sourceId,
  note: text.optional(),
});

export const publishedScoreSchema = scoreSchema.extend({
  /** Other published values for the same benchmark: kept for reference, never averaged. */
  alternatives: z.array(scoreSchema).optional(),
});

export const modelSchema = z.strictObject({
  /** The Ollama tag, name:size. */
  tag: z.string().regex(/^[^\s:]+:[^\s:]+$/, 'must be an Ollama tag such as llama3.1:8b'),
  family: text,
  /** The upstream checkpoint the scores refer to. */
  checkpoint: text,
  tag_source: sourceId,
  /** Emits long chains of thought before answering (scores are not comparable with greedy ones). */
  reasoning_model: z.boolean(),
  categories: z.strictObject({ primary: text, secondary: z.array(text) }),
  parameters_b: sourcedNumber,
  context_tokens: z.strictObject({ value: z.number().int().positive(), source: sourceId }).nullable(),
  license: z.strictObject({
    /** Short id matched by the --license constraint. */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lowercase letters, digits, dots and dashes'),
    name: text,
    source: sourceId,
  }),
  quantization: z.strictObject({ value: text, source: sourceId.nullable() }),
  /** Decimal GB of the default Ollama download; null when no source gives it. */
  download_gb: sourcedNumber.nullable(),
  /** Measured GPU memory need in decimal GB; when present it replaces the estimate. */
  vram_gb: sourcedNumber.optional(),
  notes: z.array(text),
  scores: z.record(text, publishedScoreSchema),
  alternate_checkpoint: z
    .strictObject({ checkpoint: text, note: text, scores: z.record(text, publishedScoreSchema) })
    .optional(),
});

export const registrySchema = z.strictObject({
  about: text,
  schema_version: z.literal(1),
  updated: text,
  units: z.record(text, text),
  score_fields: z.record(text, text),
  memory_estimate: z.strictObject({
    about: text,
    /** GPU memory of a loaded model per byte of download (weights plus KV cache and buffers). */
    runtime_overhead_factor: z.number().min(1),
    runtime_overhead_basis: text,
    runtime_overhead_sources: z.array(sourceId).min(1),
  }),
  /** Every benchmark key a score may use, with what it measures. */
  benchmarks: z.record(text, text),
  sources: z.record(sourceId, z.strictObject({ title: text, url: text, read: text })),
  models: z.array(modelSchema),
});

export type PublishedScore = z.infer<typeof publishedScoreSchema>;
export type Score = z.infer<typeof scoreSchema>;
export type RegistryModel = z.infer<typeof modelSchema>;
export type Registry = z.infer<typeof registrySchema>;
