/**
 * Owns the data of the rollout report, read in one unit of work: the current assessment, the
 * stage timeline (from the decision log's stage changes), per-stage metrics (error rate, time,
 * cache hit, quality), per-arm series over time, each arm's method, the A/B result of the latest
 * A/B stage period, the decision log and the review sample.
 */
import type { Store } from '../store/store';
import type { Arm } from './assignment';
import { loadDecisions, type DecisionRecord } from './decisions';
import type { ExperimentState } from './experiment-store';
import { metricSeries, summarizeArms, type ArmSummaries, type SeriesPoint } from './metrics';
import { assessExperiment, type Assessment } from './monitor';
import { analyzeAb, type AbAnalysis } from './ab-analysis';
import { loadQualityEvaluations, type QualityEvaluation } from './rollout-quality';
import { reviewSample, type ReviewDocument } from './review-sample';

/** Points per time chart: the bucket is the experiment's span divided by this, at least a minute. */
export const SERIES_POINTS = 60;
const MIN_BUCKET_MS = 60_000;
/** Decisions listed in full in the report (routine looks are counted, not listed). */
export const MAX_REPORT_DECISIONS = 200;

export interface StagePeriod {
  stageIndex: number;
  stage: string;
  percentage: number;
  from: Date;
  to: Date;
  /** The decision that started it. */
  cause: string;
}

export interface StageMetrics extends StagePeriod {
  summaries: ArmSummaries;
  /** Mean nDCG@10 of the quality evaluations made in this period (retrieval), per arm. */
  retrieval: { control: number; treatment: number; plain: number } | null;
}

export interface RolloutReportData {
  assessment: Assessment;
  periods: StageMetrics[];
  series: SeriesPoint[];
  bucketMs: number;
  overall: ArmSummaries;
  methods: Record<Arm, string>;
  ab: { period: StagePeriod; analysis: AbAnalysis } | undefined;
  decisions: DecisionRecord[];
  routineLooks: number;
  quality: QualityEvaluation[];
  sample: ReviewDocument[];
}

const STAGE_CHANGES = new Set(['created', 'advance', 'rollback', 'halve', 'config-changed']);

/** Stage periods, oldest first, from the decision log. */
export function stageTimeline(state: ExperimentState, decisions: readonly DecisionRecord[], now: Date): StagePeriod[] {
  const changes = [...decisions]
    .filter((d) => STAGE_CHANGES.has(d.decision) && (d.decision !== 'config-changed' || d.fromStage !== d.toStage))
    .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  const periods: StagePeriod[] = [];
  changes.forEach((d, i) => {
    const stageIndex = d.toStage ?? 0;
    const percentage = Number(d.evidence['to_percentage'] ?? d.evidence['percentage'] ?? state.config.stages[stageIndex]?.percentage ?? 0);
    const next = changes[i + 1];
    periods.push({
      stageIndex, stage: state.config.stages[stageIndex]?.name ?? `#${stageIndex}`, percentage, from: d.decidedAt, to: next ? next.decidedAt : now,
      cause: `${d.decision}${d.automatic ? ' (monitor)' : ''}`,
    });
  });
  return periods;
}

function methodOf(state: ExperimentState, arm: Arm): string {
  const config = state.config.arms[arm];
  return config.method === 'llm' ? `LLM (${config.model}, ${config.prompt})` : 'frequency (TF-IDF)';
}

export async function loadRolloutReportData(store: Store, state: ExperimentState, now: Date, reviewPerArm: number): Promise<RolloutReportData> {
  const assessment = await assessExperiment(store, state, now);
  const all = await loadDecisions(store, state.key);
  const periods = stageTimeline(state, all, now);
  const quality = await loadQualityEvaluations(store, state.key);
  const stageMetrics: StageMetrics[] = [];
  for (const period of periods) {
    const summaries = await summarizeArms(store, state.key, { from: period.from, to: period.to });
    const inPeriod = quality.filter((q) => q.evaluatedAt >= period.from && q.evaluatedAt <= period.to);
    const latest = inPeriod[inPeriod.length - 1];
    stageMetrics.push({ ...period, summaries, retrieval: latest ? latest.means : null });
  }
  const start = periods[0]?.from ?? state.createdAt;
  const bucketMs = Math.max(MIN_BUCKET_MS, Math.ceil((now.getTime() - start.getTime()) / SERIES_POINTS));
  const series = await metricSeries(store, state.key, { from: start, to: now }, bucketMs);
  const overall = await summarizeArms(store, state.key, { to: now });

  const abPeriod = [...periods].reverse().find((p) => state.config.stages[p.stageIndex]?.ab_test);
  let ab: RolloutReportData['ab'];
  if (abPeriod) {
    const window = { from: abPeriod.from, to: abPeriod.to };
    const summaries = await summarizeArms(store, state.key, window);
    const atPeriod: ExperimentState = { ...state, stageIndex: abPeriod.stageIndex, percentage: abPeriod.percentage, stageStartedAt: abPeriod.from };
    ab = { period: abPeriod, analysis: await analyzeAb(store, atPeriod, window, { control: summaries.control.units, treatment: summaries.treatment.units }) };
  }
  const routine = all.filter((d) => d.decision === 'continue' || d.decision === 'ready');
  return {
    assessment,
    periods: stageMetrics,
    series,
    bucketMs,
    overall,
    methods: { control: methodOf(state, 'control'), treatment: methodOf(state, 'treatment') },
    ab,
    decisions: all.filter((d) => d.decision !== 'continue' && d.decision !== 'ready').slice(0, MAX_REPORT_DECISIONS),
    routineLooks: routine.length,
    quality,
    sample: await reviewSample(store, state, reviewPerArm),
  };
}
