/**
 * Which gates apply at a stage of an experiment: the stage gates (the A/B gates at the A/B stage),
 * with the stage's own `gates` over them. Read by the gate evaluation (gates.ts) and by the A/B
 * analysis (ab-analysis.ts, for its alphas), so neither imports the other for it.
 */
import type { AbGatesConfig, ExperimentConfig } from './experiment-config';

/** The gates of stage `index`: the stage gates (A/B gates at the A/B stage), with the stage's own gates over them. */
export function stageGates(config: ExperimentConfig, index: number): AbGatesConfig {
  const stage = config.stages[index];
  return { ...(stage?.ab_test ? config.ab_gates : config.gates), ...(stage?.gates ?? {}) };
}
