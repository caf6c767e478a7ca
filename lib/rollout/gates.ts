/**
 * Owns stage gates: whether the current stage may advance. A stage is ready when it has run for
 * its minimum duration, has seen its minimum number of treatment units, and every configured gate
 * passes: the stage gates (`gates`: error rate, average time, cache hit rate, ...) on the
 * treatment arm's units of this stage, or, at the A/B stage, the A/B gates (`ab_gates`: quality
 * lift with the sequential test, time ratio, error rate, sample-ratio mismatch), each stage's own
 * `gates` added over them (the plan's 25% stage: quality at least 10% above the baseline, with
 * the A/B stage's sequential test). A gate without enough data is 'pending', which blocks like a
 * failure but says why. A paused experiment gets a failing 'paused' gate: advances wait until a
 * person resumes. GATE_EVALUATORS is a typed registry over every gate name, so a gate without an
 * evaluator is a compile error.
 */
import type { AbGatesConfig, ExperimentConfig, GatesConfig, SummaryMetric } from './experiment-config';
import { SUMMARY_METRIC_VALUES, type ArmSummaries } from './metrics';
import type { AbAnalysis } from './ab-analysis';
import type { ExperimentState } from './experiment-store';
import { stageGates } from './stage-gates-config';
import { formatHumanDuration } from '../human-duration';

export type GateName = keyof AbGatesConfig;
export type GateOutcome = 'pass' | 'fail' | 'pending';

export interface GateResult {
  gate: string;
  outcome: GateOutcome;
  value: number | null;
  requirement: string;
  detail: string;
}

export interface GateContext {
  summaries: ArmSummaries;
  ab: AbAnalysis | undefined;
}

type Bounds = { below?: number | undefined; above?: number | undefined };

function boundsGate(metric: SummaryMetric) {
  return (bounds: Bounds, ctx: GateContext): GateResult => {
    const value = SUMMARY_METRIC_VALUES[metric](ctx.summaries.treatment);
    const requirement = [bounds.below !== undefined ? `< ${bounds.below}` : '', bounds.above !== undefined ? `> ${bounds.above}` : ''].filter(Boolean).join(' and ');
    if (value === null) return { gate: metric, outcome: 'pending', value, requirement, detail: 'no treatment data in this stage yet' };
    const pass = (bounds.below === undefined || value < bounds.below) && (bounds.above === undefined || value > bounds.above);
    return { gate: metric, outcome: pass ? 'pass' : 'fail', value, requirement, detail: `treatment ${metric} = ${round(value)} over ${ctx.summaries.treatment.events} events` };
  };
}

const SIGNIFICANT = 4;
function round(value: number): number {
  return Number(value.toPrecision(SIGNIFICANT));
}

/** Whether stage `index` needs the A/B analysis (it is the A/B stage, or one of its gates compares the arms). */
export function needsAbAnalysis(config: ExperimentConfig, index: number): boolean {
  const gates = stageGates(config, index);
  return (config.stages[index]?.ab_test ?? false) || gates.quality_lift !== undefined || gates.time_ratio !== undefined || gates.sample_ratio !== undefined;
}

type GateEvaluators = { [K in GateName]-?: (config: NonNullable<AbGatesConfig[K]>, ctx: GateContext) => GateResult };

export const GATE_EVALUATORS: GateEvaluators = {
  error_rate: boundsGate('error_rate'),
  avg_processing_ms: boundsGate('avg_processing_ms'),
  cache_hit_rate: boundsGate('cache_hit_rate'),
  hallucination_rate: boundsGate('hallucination_rate'),
  avg_keyword_count: boundsGate('avg_keyword_count'),
  quality_lift: (config, ctx) => {
    const requirement = `lift >= ${config.min_lift} with sequential p < ${config.alpha}`;
    const quality = ctx.ab?.quality;
    if (!quality || quality.source === 'none' || !quality.sequential || !quality.lift) {
      return { gate: 'quality_lift', outcome: 'pending', value: null, requirement, detail: 'no quality data yet (events with a quality metric, or a retrieval evaluation)' };
    }
    if (quality.sequential.degenerate) return { gate: 'quality_lift', outcome: 'pending', value: null, requirement, detail: quality.sequential.reason };
    if (quality.lift.degenerate) return { gate: 'quality_lift', outcome: 'pending', value: null, requirement, detail: quality.lift.reason };
    const lift = quality.lift.estimate;
    const p = quality.sequential.pValue;
    const pass = lift >= config.min_lift && p < config.alpha && quality.sequential.estimate !== undefined && quality.sequential.estimate > 0;
    return {
      gate: 'quality_lift', outcome: pass ? 'pass' : 'fail', value: lift, requirement,
      detail: `lift ${round(lift)} (${quality.source}, ${quality.design}); always-valid p = ${round(p)}`,
    };
  },
  time_ratio: (config, ctx) => {
    const requirement = `treatment/control time < ${config.below}`;
    const ratio = ctx.ab?.time.ratio ?? null;
    if (ratio === null) return { gate: 'time_ratio', outcome: 'pending', value: null, requirement, detail: 'needs processing times of both arms' };
    return { gate: 'time_ratio', outcome: ratio < config.below ? 'pass' : 'fail', value: ratio, requirement, detail: `ratio ${round(ratio)}` };
  },
  sample_ratio: (config, ctx) => {
    const requirement = `SRM p >= ${config.alpha}`;
    const srm = ctx.ab?.srm;
    if (!srm) return { gate: 'sample_ratio', outcome: 'pending', value: null, requirement, detail: 'no split to check at this percentage' };
    if (srm.degenerate) return { gate: 'sample_ratio', outcome: 'pending', value: null, requirement, detail: srm.reason };
    return { gate: 'sample_ratio', outcome: srm.mismatch ? 'fail' : 'pass', value: srm.pValue, requirement, detail: srm.sentence };
  },
};

function runGates(config: GatesConfig | AbGatesConfig, ctx: GateContext): GateResult[] {
  const results: GateResult[] = [];
  for (const name of Object.keys(GATE_EVALUATORS) as GateName[]) {
    const gateConfig = (config as AbGatesConfig)[name];
    if (gateConfig === undefined) continue;
    const evaluate = GATE_EVALUATORS[name] as (c: typeof gateConfig, ctx: GateContext) => GateResult;
    results.push(evaluate(gateConfig, ctx));
  }
  return results;
}

export interface StageReadiness {
  stage: string;
  abTest: boolean;
  /** Minimum duration and units, then the configured gates. */
  gates: GateResult[];
  ready: boolean;
  /** The stage an advance would go to; undefined at the last stage. */
  nextStage: number | undefined;
}

/** The gates of the experiment's current stage at `now`. */
export function evaluateStageGates(state: ExperimentState, ctx: GateContext, now: Date): StageReadiness {
  const config: ExperimentConfig = state.config;
  const stage = config.stages[state.stageIndex];
  const abTest = stage?.ab_test ?? false;
  const elapsed = now.getTime() - state.stageStartedAt.getTime();
  const minDuration = stage?.min_duration ?? 0;
  const minUnits = stage?.min_units ?? 0;
  const units = ctx.summaries.treatment.units;
  const gates: GateResult[] = [
    {
      gate: 'min_duration', outcome: elapsed >= minDuration ? 'pass' : 'pending', value: elapsed, requirement: `>= ${formatHumanDuration(minDuration)}`,
      detail: `stage running for ${formatHumanDuration(elapsed)}`,
    },
    { gate: 'min_units', outcome: units >= minUnits ? 'pass' : 'pending', value: units, requirement: `>= ${minUnits} treatment units`, detail: `${units} treatment units` },
    ...runGates(stageGates(config, state.stageIndex), ctx),
  ];
  if (state.status === 'paused') {
    gates.push({
      gate: 'paused', outcome: 'fail', value: null, requirement: `not paused ('benchlab rollout resume ${state.key}')`,
      detail: 'paused by a rollback trigger; advances wait for a person to resume',
    });
  }
  const nextStage = state.stageIndex + 1 < config.stages.length ? state.stageIndex + 1 : undefined;
  return { stage: stage?.name ?? `#${state.stageIndex}`, abTest, gates, ready: gates.every((g) => g.outcome === 'pass'), nextStage };
}
