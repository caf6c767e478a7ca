/**
 * Model registry, benchmark scoring and GPU-aware model selection: the public API of
 * lib/scoring. See select-model.ts for how a selection is made.
 */
export { selectModel, type SelectOptions, type Selection, type CandidateBreakdown, type GpuChoice } from './select-model';
export { type SelectionConstraints, type ConstraintId, NoModelFitsError } from './constraints';
export {
  loadScoringData,
  loadCategories,
  withCategoryWeights,
  categoryConfig,
  UnknownCategoryError,
  DEFAULT_CATEGORIES_FILE,
  type ScoringData,
} from './scoring-data';
export { loadRegistry, DEFAULT_REGISTRY_FILE } from './registry';
export type { Registry, RegistryModel, PublishedScore, Score } from './registry-schema';
export type { CategoriesFile, CategoryConfig, LocalEvidenceConfig, ScoringSettings } from './categories-schema';
export { categoryScore, type CategoryScore, type BenchmarkContribution } from './category-score';
export { roleOf, confidenceOf, combineConfidence, type Role } from './confidence';
export { loadLocalEvidence, blendScores, localEvidenceWeight, type LocalEvidence } from './local-evidence';
export { MemoryEstimator, downloadGbPerBillionParameters, type MemoryNeed } from './memory-need';
export { readGpuState, type GpuState, type GpuInfo, type LoadedModel } from './gpu-state';
export { logSelection, storedBreakdown } from './selection-log';
export { parseSize, formatGb } from './sizes';
export { settingsMix, settingDifferences, type SettingsMix, type SettingDifference } from './score-settings';
