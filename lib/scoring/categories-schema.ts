/**
 * The shape of data/categories.json: task categories with their benchmark weights (data, like
 * lm-evaluation-harness task files), the optional local evidence each category takes from our
 * own Benchlab runs, and the scoring settings (confidence by role, the local-evidence blend, the
 * GPU-aware preferences). Validated with zod on load (see scoring-data.ts).
 */
import { z } from 'zod';

const about = z.string().optional();
const probability = z.number().min(0).max(1);

export const localEvidenceSchema = z.strictObject({
  about,
  /** The item_metrics measure, e.g. ndcg_cut_10. */
  measure: z.string().min(1),
  /** Multiplies the measure's mean onto the 0-100 scale of benchmark scores. */
  scale: z.number().positive(),
  /** Only runs on these datasets count; all datasets when absent. */
  datasets: z.array(z.string().min(1)).optional(),
});

export const categorySchema = z.strictObject({
  description: z.string().min(1),
  /** Where the weights come from (design note, our default, ...). */
  origin: z.string().min(1),
  weights: z
    .record(z.string().min(1), z.number().min(0))
    .refine((w) => Object.values(w).some((x) => x > 0), 'needs at least one benchmark with a weight above 0'),
  local_evidence: localEvidenceSchema.optional(),
});

export const categoriesFileSchema = z.strictObject({
  about,
  updated: z.string().optional(),
  scoring: z.strictObject({
    role_confidence: z.strictObject({ about, single: probability, primary: probability, secondary: probability }),
    local_evidence: z.strictObject({ about, k: z.number().positive() }),
    gpu: z.strictObject({ about, loaded_preference_margin: probability, max_sample_age_s: z.number().positive() }),
  }),
  categories: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'category names are lowercase words joined by _'), categorySchema)
    .refine((c) => Object.keys(c).length > 0, 'lists no categories'),
});

export type LocalEvidenceConfig = z.infer<typeof localEvidenceSchema>;
export type CategoryConfig = z.infer<typeof categorySchema>;
export type CategoriesFile = z.infer<typeof categoriesFileSchema>;
export type ScoringSettings = CategoriesFile['scoring'];
