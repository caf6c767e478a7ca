/**
 * Logs each selection to model_selections: when, which category and model, whether it is the
 * model's primary category, confidence, final score, GPU, how long the selection took, the
 * constraints, the breakdown (JSON) and the reason. The SQL views of migration 004 read it.
 */
import { timestampValue } from '@duckdb/node-api';
import type { Store } from '../store/store';
import type { Selection } from './selection';

const MICROS_PER_MS = 1000n;

/** The breakdown as stored: flat keys the views read, then the chosen candidate in full. */
export function storedBreakdown(s: Selection): Record<string, unknown> {
  const c = s.breakdown;
  return {
    role: c.role,
    benchmark_score: c.benchmark.score,
    coverage: c.benchmark.coverage,
    local_score: c.local?.score ?? null,
    local_items: c.local?.items ?? 0,
    local_weight: c.local?.weight ?? 0,
    blended_score: c.blendedScore,
    mixed_settings: c.benchmark.settings.mixed,
    memory_bytes: c.memory.bytes,
    memory_basis: c.memory.basis,
    already_loaded: c.loaded !== null,
    preferred_loaded: s.preferredLoaded,
    gpu_aware: s.gpuAware,
    gpu_checked: s.gpuChecked,
    weights: s.weights,
    runner_up: s.runnerUp ? { model: s.runnerUp.model, final_score: s.runnerUp.finalScore, role: s.runnerUp.role } : null,
    comparability: s.comparability,
    candidates: s.candidates.map((x) => ({ model: x.model, rank: x.rank, final_score: x.finalScore, eliminated_by: x.eliminatedBy.map((e) => e.constraint) })),
    chosen: c,
  };
}

export async function logSelection(store: Store, s: Selection): Promise<void> {
  await store.run(
    `INSERT INTO model_selections
       (selected_at, category, model, is_primary_category, confidence, final_score, gpu_uuid, duration_ms, constraints, breakdown, reason)
     VALUES ($selected_at, $category, $model, $is_primary, $confidence, $final_score, $gpu_uuid, $duration_ms, $constraints, $breakdown, $reason)`,
    {
      selected_at: timestampValue(BigInt(s.selectedAt.getTime()) * MICROS_PER_MS),
      category: s.category,
      model: s.model,
      is_primary: s.isPrimaryCategory,
      confidence: s.confidence,
      final_score: s.finalScore,
      gpu_uuid: s.gpu?.uuid ?? null,
      duration_ms: s.durationMs,
      constraints: JSON.stringify({ ...s.constraints, gpuAware: s.gpuAware }),
      breakdown: JSON.stringify(storedBreakdown(s)),
      reason: s.reason,
    },
  );
}
