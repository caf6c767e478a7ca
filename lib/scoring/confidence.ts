/**
 * Confidence by role, and how it combines with the score. A model's role in a category is
 * 'single' (its only category: a specialist), 'primary' (the category it is built for, among
 * several) or 'secondary' (another category where it has published scores); the confidences
 * are configured in categories.json (0.95 / 0.9 / 0.7 by default).
 *
 * The combination is multiplicative: final = confidence x score, the score discounted by how
 * sure we are the model is meant for the job. A secondary model (0.7) must therefore score
 * 0.9 / 0.7 = 1.29 times a primary one (0.9) to beat it. Multiplying keeps the final score on
 * the 0-100 scale, keeps an unknown score unknown, and never reorders models of the same role.
 */
import type { ScoringSettings } from './categories-schema';
import type { RegistryModel } from './registry-schema';

export type Role = 'single' | 'primary' | 'secondary';

/** The model's role in `category`, or null when it does not serve that category. */
export function roleOf(model: RegistryModel, category: string): Role | null {
  if (model.categories.primary === category) return model.categories.secondary.length === 0 ? 'single' : 'primary';
  return model.categories.secondary.includes(category) ? 'secondary' : null;
}

export function confidenceOf(role: Role, settings: ScoringSettings): number {
  return settings.role_confidence[role];
}

/** final = confidence x score; null stays null. */
export function combineConfidence(score: number | null, confidence: number): number | null {
  return score === null ? null : confidence * score;
}
