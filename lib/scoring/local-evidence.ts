/**
 * Local evidence: how a model did in the team's own Benchlab runs, for a category that names an
 * item_metrics measure in categories.json (query_generation takes nDCG@10 of the items generated
 * by `llm:<model>`). It is blended into the published-benchmark score with the weight
 * w = n / (n + k), n the number of items measured and k from categories.json, so a handful of
 * items moves the score a little and hundreds of items dominate it. Without published data the
 * local score stands alone; without local items the published score does.
 */
import type { Store } from '../store/store';
import { modelMeasureMeans } from '../runs/run-items';
import type { LocalEvidenceConfig } from './categories-schema';

/** The generator id of an LLM model's items in run_items (see lib/querygen/llm-generator.ts). */
export const LLM_GENERATOR_PREFIX = 'llm:';

export interface LocalEvidence {
  measure: string;
  /** Items measured. */
  items: number;
  /** Mean of the measure over those items, as stored (e.g. nDCG@10 in 0-1). */
  mean: number;
  /** mean x scale: on the 0-100 scale of benchmark scores. */
  score: number;
  runs: number;
}

/** Local evidence per model (by its tag) for one category's configuration. */
export async function loadLocalEvidence(store: Store, config: LocalEvidenceConfig): Promise<Map<string, LocalEvidence>> {
  const rows = await modelMeasureMeans(store, {
    generatorPrefix: LLM_GENERATOR_PREFIX,
    measure: config.measure,
    ...(config.datasets ? { datasets: config.datasets } : {}),
  });
  return new Map(
    rows.map((r) => [r.model, { measure: config.measure, items: r.items, mean: r.mean, score: r.mean * config.scale, runs: r.runs }]),
  );
}

/** w = n / (n + k): the share local evidence gets in the blend. */
export function localEvidenceWeight(items: number, k: number): number {
  return items <= 0 ? 0 : items / (items + k);
}

export interface Blend {
  /** The blended score; null when neither published nor local data exists. */
  score: number | null;
  /** The weight the local evidence got (1 when it stands alone, 0 without it). */
  localWeight: number;
}

export function blendScores(benchmark: number | null, local: LocalEvidence | null, k: number): Blend {
  if (local === null || local.items === 0) return { score: benchmark, localWeight: 0 };
  if (benchmark === null) return { score: local.score, localWeight: 1 };
  const w = localEvidenceWeight(local.items, k);
  return { score: (1 - w) * benchmark + w * local.score, localWeight: w };
}
