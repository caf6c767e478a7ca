/**
 * The result of a model selection (`selectModel`): the chosen model, the full breakdown of every
 * candidate, the chosen GPU and the reason. Its own module so the selection log and the reason
 * text read it without importing select-model.ts (which calls them).
 */
import type { CategoryScore } from './category-score';
import type { Role } from './confidence';
import type { ConstraintId, SelectionConstraints } from './constraints';
import type { LoadedModel } from './gpu-state';
import type { LocalEvidence } from './local-evidence';
import type { MemoryNeed } from './memory-need';
import type { SettingDifference } from './score-settings';

export interface GpuChoice {
  uuid: string;
  host: string;
  name: string | null;
  freeBytes: number;
  utilizationPct: number | null;
}

export interface CandidateBreakdown {
  model: string;
  family: string;
  role: Role;
  isPrimaryCategory: boolean;
  confidence: number;
  benchmark: CategoryScore;
  local: (LocalEvidence & { weight: number }) | null;
  blendedScore: number | null;
  finalScore: number | null;
  memory: MemoryNeed;
  contextTokens: number | null;
  license: string;
  /** Where Ollama has it loaded (GPU-aware selection only). */
  loaded: LoadedModel | null;
  /** The GPU it would run on (GPU-aware selection with GPU data only). */
  gpu: GpuChoice | null;
  eliminatedBy: { constraint: ConstraintId; label: string; detail: string }[];
  /** 1 for the best eligible candidate; null when set aside. */
  rank: number | null;
}

export interface Selection {
  category: string;
  model: string;
  finalScore: number;
  confidence: number;
  role: Role;
  isPrimaryCategory: boolean;
  breakdown: CandidateBreakdown;
  runnerUp: CandidateBreakdown | null;
  /** Every candidate: eligible ones by rank, then the ones set aside. */
  candidates: CandidateBreakdown[];
  weights: Record<string, number>;
  constraints: SelectionConstraints;
  /** Benchmarks on which the choice and the runner-up were measured in different settings. */
  comparability: SettingDifference[];
  gpuAware: boolean;
  /** Whether GPU memory was checked (GPU-aware with recent GPU data). */
  gpuChecked: boolean;
  gpu: GpuChoice | null;
  /** What GPU-aware selection did not know (no GPU data, no /api/ps data, ...). */
  gpuNotes: string[];
  /** A loaded model was chosen over a better one that would need a load. */
  preferredLoaded: boolean;
  reason: string;
  selectedAt: Date;
  durationMs: number;
}
