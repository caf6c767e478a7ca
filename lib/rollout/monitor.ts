/**
 * Owns the rollout monitor: one look at an experiment reads its events (the current stage's for
 * the gates; per bucket since the stage began for the triggers), evaluates the rollback triggers
 * (with the episodes they acted on, carried from the previous look) and the stage gates (with the
 * A/B analysis where a gate compares the arms), decides, and records the decision with its
 * evidence. Due rollback actions are applied automatically (monitor.auto_rollback, on by
 * default); advancing stays a person's decision unless monitor.auto_advance is set, and never
 * happens while paused. `runRolloutMonitor` is what the `rollout-monitor` job calls: a broken
 * experiment file is reported (file and line) and the other experiments are still looked at.
 */
import { withStore, type Store } from '../store/store';
import { ACTION_HANDLERS, actionRank, type ActionPlan } from './actions';
import { analyzeAb, type AbAnalysis } from './ab-analysis';
import { latestEvidenceSince, recordDecision, stageBeganAt, type DecisionKind } from './decisions';
import { applyStageChange, listExperimentKeys, resolveForLook, setExperimentStatus, type ExperimentState, type StageChange } from './experiment-store';
import { evaluateStageGates, needsAbAnalysis, type GateResult, type StageReadiness } from './gates';
import { bucketCounts, summarizeArms, type ArmSummaries } from './metrics';
import { evaluateTriggers, type TriggerLook, type TriggerStates } from './triggers';
import { silenceMeansUnavailable } from './experiment-config';
import { nowOf, type Clock } from './clock';

/** The evidence field that carries trigger state from look to look. */
export const TRIGGER_STATE_FIELD = 'trigger_state';

export interface Assessment {
  state: ExperimentState;
  now: Date;
  /** The current stage's events, per arm. */
  summaries: ArmSummaries;
  /** When the current stage began (a halving does not move it): where the triggers' events start. */
  stageBeganAt: Date;
  triggers: TriggerLook[];
  triggerState: TriggerStates;
  readiness: StageReadiness;
  ab: AbAnalysis | undefined;
}

/** Everything one look knows, without deciding or writing anything. */
export async function assessExperiment(store: Store, state: ExperimentState, now: Date): Promise<Assessment> {
  const config = state.config;
  const stageWindow = { from: state.stageStartedAt, to: now };
  const summaries = await summarizeArms(store, state.key, stageWindow);

  // Triggers read the stage since it began, in buckets by the events' own timestamps.
  const began = await stageBeganAt(store, state.key, state.stageStartedAt);
  const buckets = await bucketCounts(store, state.key, { from: began, to: now }, config.monitor.bucket);
  const previousEvidence = await latestEvidenceSince(store, state.key, began, TRIGGER_STATE_FIELD);
  const previous = (previousEvidence?.[TRIGGER_STATE_FIELD] ?? {}) as TriggerStates;
  const { looks, state: triggerState } = evaluateTriggers(config.triggers, {
    now,
    windowStart: began,
    bucketMs: config.monitor.bucket,
    buckets,
    percentage: state.percentage,
    silenceMeansUnavailable: silenceMeansUnavailable(config),
    minUnitsFor: (t) => t.min_units ?? (t.metric === 'llm_unavailable' ? 1 : config.monitor.min_units),
    previous,
  });

  const ab = needsAbAnalysis(config, state.stageIndex)
    ? await analyzeAb(store, state, stageWindow, { control: summaries.control.units, treatment: summaries.treatment.units })
    : undefined;
  const readiness = evaluateStageGates(state, { summaries, ab }, now);
  // A pause a person has lifted (resume) acknowledges its episode: it no longer blocks advances.
  const firing = looks.filter((l) => l.firing && !(l.acted && l.action === 'pause' && state.status !== 'paused'));
  const quiet: GateResult = {
    gate: 'triggers_quiet',
    outcome: firing.length === 0 ? 'pass' : 'fail',
    value: firing.length,
    requirement: 'no rollback trigger firing (a resumed pause excepted)',
    detail: firing.length === 0 ? 'no trigger firing' : `firing: ${firing.map((l) => l.name).join(', ')}`,
  };
  readiness.gates.push(quiet);
  readiness.ready = readiness.ready && quiet.outcome === 'pass';
  return { state, now, summaries, stageBeganAt: began, triggers: looks, triggerState, readiness, ab };
}

/**
 * The JSON-ready evidence of an assessment. 'full' (stage changes, a person's decisions) keeps
 * everything, sentences included; 'compact' (the monitor's routine looks, written every 30 s to
 * 5 min) keeps the numbers that explain the decision.
 */
export function evidenceOf(assessment: Assessment, detail: 'full' | 'compact' = 'full'): Record<string, unknown> {
  const { state } = assessment;
  const base = {
    stage: state.config.stages[state.stageIndex]?.name,
    stage_index: state.stageIndex,
    percentage: state.percentage,
    status: state.status,
    stage_started_at: state.stageStartedAt.toISOString(),
    summaries: assessment.summaries,
    ready: assessment.readiness.ready,
  };
  if (detail === 'full') return { ...base, triggers: assessment.triggers, gates: assessment.readiness.gates, ...(assessment.ab ? { ab: assessment.ab } : {}) };
  const ab = assessment.ab;
  const sequential = ab?.quality.sequential;
  const lift = ab?.quality.lift;
  return {
    ...base,
    triggers: assessment.triggers.map((t) => ({ name: t.name, value: t.value, support: t.support, firing: t.firing, since: t.since, held_ms: t.heldMs })),
    gates: assessment.readiness.gates.map((g) => ({ gate: g.gate, outcome: g.outcome, value: g.value })),
    ...(ab
      ? {
          ab: {
            quality_source: ab.quality.source,
            quality_difference: sequential && !sequential.degenerate ? sequential.estimate : null,
            quality_interval: sequential && !sequential.degenerate ? sequential.interval : null,
            quality_p: sequential && !sequential.degenerate ? sequential.pValue : null,
            quality_lift: lift && !lift.degenerate ? lift.estimate : null,
            time_ratio: ab.time.ratio,
            srm_p: ab.srm && !ab.srm.degenerate ? ab.srm.pValue : null,
          },
        }
      : {}),
  };
}

export interface LookResult {
  experiment: string;
  decision: DecisionKind;
  automatic: boolean;
  /** The stage change applied at this look, if any. */
  applied: StageChange | undefined;
  description: string;
  assessment: Assessment;
}

interface Decision {
  kind: DecisionKind;
  plan: ActionPlan | undefined;
  trigger: TriggerLook | undefined;
  description: string;
}

/** The plan of the most severe due trigger, with a due pause applied alongside a milder stage change. */
function planFor(state: ExperimentState, due: readonly TriggerLook[]): { plan: ActionPlan; worst: TriggerLook } | undefined {
  const sorted = [...due].sort((a, b) => actionRank(b.action) - actionRank(a.action));
  const worst = sorted[0];
  if (!worst) return undefined;
  const plan = ACTION_HANDLERS[worst.action].plan(state);
  const pause = sorted.find((t) => t.action === 'pause' && t !== worst);
  if (!pause || state.status !== 'running') return { plan, worst };
  if (plan.change && plan.change.status === 'running') {
    return { plan: { ...plan, change: { ...plan.change, status: 'paused' }, description: `${plan.description}; and pause (${pause.name})` }, worst };
  }
  if (!plan.change) {
    const paused = ACTION_HANDLERS.pause.plan(state);
    return { plan: { ...paused, description: `${paused.description} (${pause.name}); ${worst.name}: ${plan.description}` }, worst: pause };
  }
  return { plan, worst };
}

function decide(assessment: Assessment): Decision {
  const { state, triggers, readiness } = assessment;
  const planned = planFor(state, triggers.filter((t) => t.due));
  if (planned) {
    const { plan, worst } = planned;
    if ((plan.change || plan.status) && !state.config.monitor.auto_rollback) {
      return { kind: 'investigate', plan: undefined, trigger: worst, description: `${worst.name}: ${plan.description} (not applied: monitor.auto_rollback is off)` };
    }
    return { kind: plan.decision, plan, trigger: worst, description: `${worst.name} (${worst.condition}, held ${Math.round(worst.heldMs / 1000)} s since ${worst.since}): ${plan.description}` };
  }
  if (readiness.ready && readiness.nextStage !== undefined) {
    const next = state.config.stages[readiness.nextStage];
    if (state.config.monitor.auto_advance && next) {
      return {
        kind: 'advance',
        plan: {
          decision: 'advance',
          change: { stageIndex: readiness.nextStage, percentage: next.percentage, status: readiness.nextStage === state.config.stages.length - 1 ? 'completed' : 'running' },
          description: `every gate passes: advance to '${next.name}' (${next.percentage}%)`,
        },
        trigger: undefined,
        description: `every gate passes: advance to '${next.name}' (${next.percentage}%)`,
      };
    }
    return { kind: 'ready', plan: undefined, trigger: undefined, description: `every gate passes; '${next?.name}' awaits a person's 'benchlab rollout advance ${state.key}'` };
  }
  const blocking = readiness.gates.filter((g) => g.outcome !== 'pass').map((g) => `${g.gate} ${g.outcome}`);
  const pending = triggers
    .filter((t) => t.firing && !t.due && !t.acted)
    .map((t) => `${t.name} pending ${Math.round(t.heldMs / 1000)}/${Math.round(t.forMs / 1000)} s`);
  return { kind: 'continue', plan: undefined, trigger: undefined, description: [...blocking, ...pending].join('; ') || 'nothing to do' };
}

/** One monitor look: assess, decide, apply an automatic action, record. Returns what it did. */
export async function lookAtExperiment(store: Store, state: ExperimentState, now: Date, extra: Record<string, unknown> = {}): Promise<LookResult & { rowsWritten: number }> {
  const assessment = await assessExperiment(store, state, now);
  const decision = decide(assessment);
  const change = decision.plan?.change;
  const status = decision.plan?.status;
  // A move to another stage starts it with a clean trigger state; a halving or a pause keeps the
  // episodes acted on, so the same episode is not acted on again.
  const carried: TriggerStates = change && change.stageIndex !== state.stageIndex ? {} : assessment.triggerState;
  await store.transaction(async () => {
    if (change) await applyStageChange(store, state.key, change, now);
    if (status) await setExperimentStatus(store, state.key, status, now);
    await recordDecision(store, {
      experimentKey: state.key,
      decidedAt: now,
      decision: decision.kind,
      fromStage: state.stageIndex,
      toStage: change ? change.stageIndex : state.stageIndex,
      automatic: true,
      evidence: {
        description: decision.description,
        ...extra,
        ...(decision.trigger ? { trigger: decision.trigger.name, action: decision.trigger.action, severity: decision.trigger.severity, episode_since: decision.trigger.since } : {}),
        ...(change ? { from_percentage: state.percentage, to_percentage: change.percentage } : {}),
        ...(status || change ? { from_status: state.status, to_status: status ?? change?.status } : {}),
        ...evidenceOf(assessment, decision.kind === 'continue' || decision.kind === 'ready' ? 'compact' : 'full'),
        [TRIGGER_STATE_FIELD]: carried,
      },
    });
  });
  return {
    experiment: state.key, decision: decision.kind, automatic: true, applied: change, description: decision.description, assessment,
    rowsWritten: change || status ? 2 : 1,
  };
}

export interface MonitorOptions {
  dbPath?: string;
  /** Only this experiment (key or file); default: every experiment in the store. */
  experiment?: string;
  /** The look's time (tests and replays); default: the clock's. */
  now?: Date;
  /** Where each look's time comes from when `now` is not given; default: the wall clock. */
  clock?: Clock;
  experimentsDir?: string;
  /** Called with each look's result (the job logs them). */
  onLook?: (look: LookResult) => void;
  /** Called with each broken experiment, as soon as it is found. */
  onBroken?: (broken: BrokenExperiment) => void;
}

export interface BrokenExperiment {
  experiment: string;
  /** The error, naming the file and line. */
  message: string;
  /** Whether the experiment was still looked at, with its stored configuration. */
  lookedAt: boolean;
}

export interface MonitorResult {
  decisions: number;
  rowsWritten: number;
  /** Experiments whose file (or stored configuration) could not be read. */
  broken: BrokenExperiment[];
}

/**
 * The `rollout-monitor` job's entry point: one look at each experiment (or the one named), each
 * in its own unit of work. A broken experiment file does not stop the others: it is reported in
 * `broken`, and the experiment is looked at with its stored configuration (the last good one)
 * so its triggers can still roll back. Returns the decisions recorded, the rows written and the
 * broken experiments.
 */
export async function runRolloutMonitor(options: MonitorOptions = {}): Promise<MonitorResult> {
  const storeOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  const keys = options.experiment ? [options.experiment] : await withStore(storeOptions, listExperimentKeys);
  const result: MonitorResult = { decisions: 0, rowsWritten: 0, broken: [] };
  for (const key of keys) {
    const now = nowOf(options);
    const resolveOptions = { ...(options.experimentsDir ? { experimentsDir: options.experimentsDir } : {}), now };
    const look = await withStore(storeOptions, async (store) => {
      const { state, broken } = await resolveForLook(store, key, resolveOptions);
      if (broken !== undefined) {
        const report: BrokenExperiment = { experiment: key, message: broken, lookedAt: state !== undefined };
        result.broken.push(report);
        options.onBroken?.(report);
      }
      if (!state) return undefined;
      return lookAtExperiment(store, state, now, broken !== undefined ? { config_error: broken, configuration: 'stored' } : {});
    });
    if (!look) continue;
    result.decisions++;
    result.rowsWritten += look.rowsWritten;
    options.onLook?.(look);
  }
  return result;
}
