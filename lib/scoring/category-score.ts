/**
 * A model's published-benchmark score for a category: the weighted mean of the category's
 * benchmarks that the model has, renormalised over those (sum of w*x over available / sum of w
 * over available), with its coverage, the share of the category's total weight that had data.
 * A model with none of the category's benchmarks has an unknown score (null), never zero.
 */
import type { RegistryModel } from './registry-schema';
import { promptingLabel, settingsMix, type SettingOf, type SettingsMix } from './score-settings';

export interface BenchmarkContribution extends SettingOf {
  weight: number;
  value: number;
  evaluator: string;
  setting: string;
  source: string;
}

export interface CategoryScore {
  /** Weighted mean over the available benchmarks (0-100), or null when none is available. */
  score: number | null;
  /** Share (0-1) of the category's total weight that had data. */
  coverage: number;
  used: BenchmarkContribution[];
  /** The category's benchmarks (weight above 0) this model has no score for. */
  missing: string[];
  settings: SettingsMix;
}

export function categoryScore(model: RegistryModel, weights: Readonly<Record<string, number>>): CategoryScore {
  const used: BenchmarkContribution[] = [];
  const missing: string[] = [];
  let totalWeight = 0;
  for (const [benchmark, weight] of Object.entries(weights)) {
    if (weight <= 0) continue;
    totalWeight += weight;
    const score = model.scores[benchmark];
    if (!score) {
      missing.push(benchmark);
      continue;
    }
    used.push({
      benchmark, weight, value: score.value, variant: score.variant, evaluator: score.evaluator,
      prompting: promptingLabel(score, model.reasoning_model), setting: score.setting, source: score.source,
    });
  }
  const usedWeight = used.reduce((sum, u) => sum + u.weight, 0);
  const score = usedWeight > 0 ? used.reduce((sum, u) => sum + u.weight * u.value, 0) / usedWeight : null;
  return { score, coverage: totalWeight > 0 ? usedWeight / totalWeight : 0, used, missing, settings: settingsMix(used) };
}
