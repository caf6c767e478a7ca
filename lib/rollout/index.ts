/**
 * The public API of lib/rollout: staged rollouts and A/B tests of LLM keyword extraction.
 * Experiments (experiment-config), sticky GrowthBook-compatible assignment (assignment,
 * growthbook-hash), events and their ingestion (events, ingest), the batch job (batch-step), the
 * monitor (monitor: `runRolloutMonitor` is the rollout-monitor job's entry point), a person's
 * decisions (controller), the review sample and the rollout report's data (rendered by
 * lib/report/rollout-report.ts, published by lib/publish/rollout-reports.ts).
 */
export { fnv1a32, growthbookHash, HASH_VERSIONS, type HashVersion } from './growthbook-hash';
export { ARMS, assignArm, bucketOf, type Arm, type AssignmentSettings } from './assignment';
export {
  PLAN_AB_GATES, PLAN_GATES, PLAN_STAGES, PLAN_TRIGGERS, TRIGGER_METRICS, experimentSchema, experimentsDir, loadExperimentFile, parseExperiment,
  type ExperimentConfig, type StageConfig, type TriggerConfig, type TriggerMetric,
} from './experiment-config';
export {
  getExperiment, listExperiments, peekExperiment, resolveExperiment, syncExperiment, type ExperimentState, type ExperimentStatus,
} from './experiment-store';
export { commandClock, fixedClock, parseNow, systemClock, NOW_ENV_VAR, type Clock } from './clock';
export { EVENT_METRICS, storeEvents, type EventMetrics, type ExperimentEvent } from './events';
export { ingestEventsFile, formatLineErrors, type IngestOptions, type IngestResult, type LineError } from './ingest';
export { summarizeArms, bucketCounts, type ArmSummary, type ArmSummaries, type BucketCounts } from './metrics';
export { evaluateTriggers, conditionHolds, episodeBounds, type TriggerLook, type TriggerStates } from './triggers';
export { evaluateStageGates, GATE_EVALUATORS, type GateResult, type StageReadiness } from './gates';
export { stageGates } from './stage-gates-config';
export { analyzeAb, type AbAnalysis } from './ab-analysis';
export {
  assessExperiment, lookAtExperiment, runRolloutMonitor, type Assessment, type BrokenExperiment, type LookResult, type MonitorOptions, type MonitorResult,
} from './monitor';
export { advanceExperiment, rollbackExperiment, resumeExperiment, rolloutStatus, experimentHistory, GatesNotMetError, NotStartedError } from './controller';
export { runRolloutStep, readInbox, type StepOptions, type StepResult } from './batch-step';
export { evaluateRolloutQuality, loadQualityEvaluations, type QualityEvaluation } from './rollout-quality';
export { reviewSample, type ReviewDocument } from './review-sample';
export { loadRolloutReportData, type RolloutReportData } from './rollout-report-data';
export { loadDecisions, DECISION_KINDS, type DecisionKind, type DecisionRecord } from './decisions';
