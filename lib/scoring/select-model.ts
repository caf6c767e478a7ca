/**
 * `selectModel(category, constraints)`: the best model for a task category under constraints.
 *
 * For every model that serves the category (primary or secondary in the registry):
 *   benchmark score = weighted mean of the category's benchmarks it has (category-score.ts),
 *   blended score   = benchmark score blended with local evidence, w = n / (n + k) (local-evidence.ts),
 *   final score     = confidence by role x blended score (confidence.ts).
 * Models that break a constraint, or that have no score at all, are set aside; the rest are
 * ranked by final score (then smaller memory need, then tag). GPU-aware selection also requires
 * the model to fit the free memory of some GPU (or be loaded already), picks the GPU, and
 * prefers a loaded model when it scores within the configured margin of the best one.
 * The result carries the full breakdown of every candidate, the runner-up and a reason; with a
 * store, every selection is logged to model_selections.
 */
import type { LlmClient } from '../llm/llm-client';
import type { Store } from '../store/store';
import { categoryScore } from './category-score';
import { combineConfidence, confidenceOf, roleOf, type Role } from './confidence';
import {
  buildConstraints,
  noModelFits,
  validateConstraints,
  type ConstrainedCandidate,
  type SelectionConstraints,
} from './constraints';
import { readGpuState, type GpuInfo, type GpuState } from './gpu-state';
import { blendScores, loadLocalEvidence, type LocalEvidence } from './local-evidence';
import { MemoryEstimator, type MemoryNeed } from './memory-need';
import type { RegistryModel } from './registry-schema';
import { selectionReason } from './selection-reason';
import { logSelection } from './selection-log';
import { categoryConfig, loadScoringData, withCategoryWeights, type ScoringData } from './scoring-data';
import { settingDifferences } from './score-settings';
import { formatGb } from './sizes';
import { InputError } from '../input-error';
import type { CandidateBreakdown, GpuChoice, Selection } from './selection';

export type { CandidateBreakdown, GpuChoice, Selection } from './selection';

export interface SelectOptions {
  /** Registry and categories; loaded from data/ when absent. */
  data?: ScoringData;
  /** Benchmark weights for this category that replace the file's (0 drops a benchmark). */
  weights?: Record<string, number>;
  /** For local evidence, GPU samples and logging. Without it none of the three happens. */
  store?: Store;
  /** Check free GPU memory, pick a GPU, prefer loaded models. */
  gpuAware?: boolean;
  /** Asks Ollama's /api/ps live (GPU-aware only); without it, or when it fails, ollama_ps_samples. */
  llm?: LlmClient;
  /** Log to model_selections (default: true when a store is given). */
  log?: boolean;
  now?: () => Date;
}

function gpuChoice(gpu: GpuInfo): GpuChoice {
  return { uuid: gpu.uuid, host: gpu.host, name: gpu.name, freeBytes: gpu.freeBytes, utilizationPct: gpu.utilizationPct };
}

/** Among GPUs with room for `bytes`: the least busy, then the one with the most free memory. */
function pickGpu(gpus: readonly GpuInfo[], bytes: number): GpuInfo | undefined {
  const busy = (g: GpuInfo) => g.utilizationPct ?? 0;
  return gpus.filter((g) => g.freeBytes >= bytes).sort((a, b) => busy(a) - busy(b) || b.freeBytes - a.freeBytes)[0];
}

interface Working extends ConstrainedCandidate {
  breakdown: CandidateBreakdown;
}

function candidate(
  model: RegistryModel,
  role: Role,
  data: ScoringData,
  weights: Record<string, number>,
  local: LocalEvidence | undefined,
  memory: MemoryNeed,
): CandidateBreakdown {
  const settings = data.categories.scoring;
  const benchmark = categoryScore(model, weights);
  const blend = blendScores(benchmark.score, local ?? null, settings.local_evidence.k);
  const confidence = confidenceOf(role, settings);
  return {
    model: model.tag, family: model.family, role, isPrimaryCategory: role !== 'secondary', confidence, benchmark,
    local: local ? { ...local, weight: blend.localWeight } : null,
    blendedScore: blend.score, finalScore: combineConfidence(blend.score, confidence), memory,
    contextTokens: model.context_tokens?.value ?? null, license: model.license.id, loaded: null, gpu: null, eliminatedBy: [], rank: null,
  };
}

/** GPU placement of one candidate: its GPU, or why no GPU can take it. */
function place(c: CandidateBreakdown, gpu: GpuState): string | null {
  const loaded = gpu.loaded.find((l) => l.model === c.model);
  if (loaded) {
    c.loaded = loaded;
    const on = gpu.gpus.find((g) => g.uuid === loaded.gpuUuid);
    c.gpu = on ? gpuChoice(on) : null;
    return null;
  }
  if (gpu.gpus.length === 0) return null;
  const chosen = pickGpu(gpu.gpus, c.memory.bytes);
  if (chosen) {
    c.gpu = gpuChoice(chosen);
    return null;
  }
  const roomiest = [...gpu.gpus].sort((a, b) => b.freeBytes - a.freeBytes)[0];
  return `needs ${formatGb(c.memory.bytes)}; the most free memory on a GPU is ${formatGb(roomiest?.freeBytes ?? 0)} (${roomiest?.uuid ?? '-'})`;
}

function compareRanked(a: CandidateBreakdown, b: CandidateBreakdown): number {
  return (b.finalScore ?? 0) - (a.finalScore ?? 0) || a.memory.bytes - b.memory.bytes || a.model.localeCompare(b.model);
}

export async function selectModel(category: string, constraints: SelectionConstraints = {}, options: SelectOptions = {}): Promise<Selection> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const selectedAt = now();
  const base = options.data ?? loadScoringData();
  const data = options.weights ? withCategoryWeights(base, category, options.weights) : base;
  const config = categoryConfig(data, category);
  const { registry } = data;
  validateConstraints(constraints, registry);
  const settings = data.categories.scoring;
  const estimator = new MemoryEstimator(registry);
  const local = config.local_evidence && options.store ? await loadLocalEvidence(options.store, config.local_evidence) : new Map<string, LocalEvidence>();
  const gpuAware = options.gpuAware ?? false;
  let gpuState: GpuState | null = null;
  if (gpuAware) {
    gpuState = options.store
      ? await readGpuState(options.store, { now: selectedAt, maxSampleAgeS: settings.gpu.max_sample_age_s, ...(options.llm ? { llm: options.llm } : {}) })
      : { gpus: [], loaded: [], loadedSource: 'none', notes: ['no database, so no GPU data'] };
  }
  const gpuChecked = gpuState !== null && gpuState.gpus.length > 0;

  const working: Working[] = registry.models.flatMap((model) => {
    const role = roleOf(model, category);
    if (role === null) return [];
    const breakdown = candidate(model, role, data, config.weights, local.get(model.tag), estimator.need(model));
    const gpuMisfit = gpuState ? place(breakdown, gpuState) : null;
    return [{ model, memoryBytes: breakdown.memory.bytes, finalScore: breakdown.finalScore, gpuMisfit, breakdown }];
  });
  if (working.length === 0) throw new InputError(`no model in the registry serves category '${category}' (none lists it as primary or secondary)`);

  const checks = buildConstraints(constraints, gpuChecked);
  for (const w of working) {
    for (const check of checks) {
      const detail = check.fails(w);
      if (detail !== null) w.breakdown.eliminatedBy.push({ constraint: check.id, label: check.label, detail });
    }
  }
  const ranked = working.map((w) => w.breakdown).filter((b) => b.eliminatedBy.length === 0).sort(compareRanked);
  ranked.forEach((b, i) => (b.rank = i + 1));
  const best = ranked[0];
  if (!best) throw noModelFits(category, working, checks);

  let chosen = best;
  let runnerUp = ranked[1] ?? null;
  let preferredLoaded = false;
  if (gpuAware && !best.loaded) {
    const floor = (best.finalScore ?? 0) * (1 - settings.gpu.loaded_preference_margin);
    const loaded = ranked.find((b) => b.loaded !== null && (b.finalScore ?? 0) >= floor);
    if (loaded) {
      chosen = loaded;
      runnerUp = best;
      preferredLoaded = true;
    }
  }
  const setAside = working.map((w) => w.breakdown).filter((b) => b.rank === null);
  const comparability = runnerUp ? settingDifferences(chosen.benchmark.used, runnerUp.benchmark.used) : [];
  const selection: Selection = {
    category, model: chosen.model, finalScore: chosen.finalScore ?? 0, confidence: chosen.confidence, role: chosen.role,
    isPrimaryCategory: chosen.isPrimaryCategory, breakdown: chosen, runnerUp, candidates: [...ranked, ...setAside],
    weights: { ...config.weights }, constraints, comparability, gpuAware, gpuChecked, gpu: chosen.gpu,
    gpuNotes: gpuState?.notes ?? [], preferredLoaded, reason: '', selectedAt, durationMs: 0,
  };
  selection.reason = selectionReason(selection, settings.gpu.loaded_preference_margin);
  selection.durationMs = performance.now() - started;
  if (options.store && options.log !== false) await logSelection(options.store, selection);
  return selection;
}
