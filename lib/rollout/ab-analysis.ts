/**
 * Owns the A/B analysis of a stage, with lib/stats doing every statistic:
 * - quality: treatment vs control on per-unit quality. Significance comes from the asymptotic
 *   confidence sequence (startConfidenceSequence/updateConfidenceSequence/
 *   confidenceSequenceResult): the monitor looks again and again, and its always-valid p-value
 *   keeps the false-alarm rate at alpha over all looks. The relative lift and its interval come
 *   from relativeLift (delta method). Per-unit quality comes from the events' `quality` metric;
 *   without it, from the latest retrieval evaluation (per-query nDCG@10 of the index expanded
 *   with each arm's keywords, a paired design over queries).
 * - processing time: the treatment/control ratio of per-unit mean times (relativeLift + 1).
 * - sample-ratio mismatch: sampleRatioMismatch of the arms' unit counts against the percentage.
 */
import {
  DEFAULT_ALPHA,
  confidenceSequenceResult,
  meanOrNull,
  relativeLift,
  sampleRatioMismatch,
  startConfidenceSequence,
  updateConfidenceSequence,
  type ConfidenceSequenceResult,
  type EstimateOutcome,
  type SampleRatioMismatchResult,
} from '../stats/index';
import { PRIMARY_MEASURE } from '../evaluation/measure-registry';
import type { Store } from '../store/store';
import { PERCENT, type Arm } from './assignment';
import type { ExperimentState } from './experiment-store';
import { unitValues, type TimeWindow } from './metrics';
import { latestQualityEvaluation } from './rollout-quality';
import { stageGates } from './stage-gates-config';

/** The planned sample (units over both arms) the confidence sequence is tuned for, when the stage names none. */
export const DEFAULT_PLANNED_UNITS = 1000;
/** Arms per unpaired design: the planned total is twice the stage's treatment units. */
const ARMS_PER_DESIGN = 2;
/** The fewest values per arm (or pairs) before a comparison is attempted. */
export const MIN_UNITS_PER_ARM = 2;

export type QualitySource = 'events' | 'retrieval' | 'none';

export interface QualityComparison {
  source: QualitySource;
  design: 'unpaired' | 'paired' | 'none';
  n: Record<Arm, number>;
  controlMean: number | null;
  treatmentMean: number | null;
  /** Sequential test of treatment minus control (interval valid at every look). */
  sequential: ConfidenceSequenceResult | null;
  /** treatment / control - 1, with a delta-method interval. */
  lift: EstimateOutcome | null;
}

export interface TimeComparison {
  controlMs: number | null;
  treatmentMs: number | null;
  /** treatment / control mean per-unit time. */
  ratio: number | null;
  /** relativeLift of per-unit times (ratio - 1) with its interval. */
  lift: EstimateOutcome | null;
}

export interface AbAnalysis {
  quality: QualityComparison;
  time: TimeComparison;
  srm: SampleRatioMismatchResult | null;
}

function compare(x: readonly number[], y: readonly number[], design: 'paired' | 'unpaired', plannedSampleSize: number, alpha: number, metric: string) {
  const labels: [string, string] = ['treatment', 'control'];
  const sequential = confidenceSequenceResult(
    updateConfidenceSequence(startConfidenceSequence({ design, plannedSampleSize, alpha, labels, metric }), { x, y }),
  );
  const lift = relativeLift(x, y, { paired: design === 'paired', confidenceLevel: 1 - alpha, labels, metric });
  return { sequential, lift };
}

/** Quality, time and sample-ratio analysis of the stage window (alphas from the stage's gates). */
export async function analyzeAb(store: Store, state: ExperimentState, window: TimeWindow, units: Record<Arm, number>): Promise<AbAnalysis> {
  const stage = state.config.stages[state.stageIndex];
  const gates = stageGates(state.config, state.stageIndex);
  const gate = gates.quality_lift;
  const alpha = gate?.alpha ?? DEFAULT_ALPHA;
  const planned = stage && stage.min_units > 0 ? stage.min_units * ARMS_PER_DESIGN : DEFAULT_PLANNED_UNITS;

  let quality: QualityComparison = {
    source: 'none', design: 'none', n: { control: 0, treatment: 0 }, controlMean: null, treatmentMean: null, sequential: null, lift: null,
  };
  const perUnit = await unitValues(store, state.key, window, 'quality');
  if (perUnit.treatment.length >= MIN_UNITS_PER_ARM && perUnit.control.length >= MIN_UNITS_PER_ARM) {
    quality = {
      source: 'events', design: 'unpaired', n: { control: perUnit.control.length, treatment: perUnit.treatment.length },
      controlMean: meanOrNull(perUnit.control), treatmentMean: meanOrNull(perUnit.treatment),
      ...compare(perUnit.treatment, perUnit.control, 'unpaired', planned, alpha, 'quality'),
    };
  } else {
    const evaluation = await latestQualityEvaluation(store, state.key, window.from);
    if (evaluation && evaluation.queries.length >= MIN_UNITS_PER_ARM) {
      const treatment = evaluation.queries.map((q) => q.treatment);
      const control = evaluation.queries.map((q) => q.control);
      quality = {
        source: 'retrieval', design: 'paired', n: { control: control.length, treatment: treatment.length },
        controlMean: meanOrNull(control), treatmentMean: meanOrNull(treatment),
        ...compare(treatment, control, 'paired', evaluation.queries.length, alpha, PRIMARY_MEASURE.label),
      };
    }
  }

  const times = await unitValues(store, state.key, window, 'processing_ms');
  const controlMs = meanOrNull(times.control);
  const treatmentMs = meanOrNull(times.treatment);
  const time: TimeComparison = {
    controlMs,
    treatmentMs,
    ratio: controlMs !== null && treatmentMs !== null && controlMs > 0 ? treatmentMs / controlMs : null,
    lift: times.treatment.length >= MIN_UNITS_PER_ARM && times.control.length >= MIN_UNITS_PER_ARM
      ? relativeLift(times.treatment, times.control, { labels: ['treatment', 'control'], metric: 'processing time' })
      : null,
  };

  const share = state.percentage / PERCENT;
  const srmAlpha = gates.sample_ratio?.alpha ?? state.config.ab_gates.sample_ratio?.alpha;
  const srm = share > 0 && share < 1
    ? sampleRatioMismatch([units.control, units.treatment], [1 - share, share], {
        ...(srmAlpha !== undefined ? { threshold: srmAlpha } : {}),
        labels: ['control', 'treatment'],
      })
    : null;
  return { quality, time, srm };
}
