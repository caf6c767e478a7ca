/**
 * Owns the one-line stage gauge shown by `rollout status` and the report: the stage list with the
 * current one bracketed, and a bar of the current percentage (which can sit below its stage's
 * percentage after a 'halve' action).
 */
import { PERCENT } from './assignment';
import type { ExperimentState } from './experiment-store';

/** Width of the percentage bar in characters. */
export const GAUGE_WIDTH = 20;

export function stageGauge(state: ExperimentState): string {
  const stages = state.config.stages
    .map((s, i) => (i === state.stageIndex ? `[${s.name} ${s.percentage}%]` : `${s.name} ${s.percentage}%`))
    .join(' -> ');
  const filled = Math.round((state.percentage / PERCENT) * GAUGE_WIDTH);
  return `${stages}\ntreatment ${'#'.repeat(filled)}${'.'.repeat(GAUGE_WIDTH - filled)} ${state.percentage}%`;
}
