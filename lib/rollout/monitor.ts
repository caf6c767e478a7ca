/**
 * Owns the rollout monitor: one look at an experiment reads its events (the current stage's, and
 * each trigger's lookback), evaluates the rollback triggers (with the pending state carried from
 * the previous look) and the stage gates (with the A/B analysis at the A/B stage), decides, and
 * records the decision with its evidence. Due rollback actions are applied automatically
 * (monitor.auto_rollback, on by default); advancing stays a person's decision unless
 * monitor.auto_advance is set. `runRolloutMonitor` is what the `rollout-monitor` job calls.
 */
import { withStore, type Store } from '../store/store';
import { ACTION_HANDLERS, actionRank, type ActionPlan } from './actions';
import { analyzeAb, type AbAnalysis } from './ab-analysis';
import { latestEvidenceSince, recordDecision, type DecisionKind } from './decisions';
import type { TriggerConfig } from './experiment-config';
import { applyStageChange, listExperiments, resolveExperiment, type ExperimentState, type StageChange } from './experiment-store';
import { evaluateStageGates, type GateResult, type StageReadiness } from './gates';
import { summarizeArms, type ArmSummaries, type ArmSummary } from './metrics';
import { evaluateTriggers, type TriggerLook, type TriggerStates } from './triggers';

/** The evidence field that carries trigger state from look to look. */
export const TRIGGER_STATE_FIELD = 'trigger_state';

export interface Assessment {
  state: ExperimentState;
  now: Date;
  /** The current stage's events, per arm. */
  summaries: ArmSummaries;
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

  // One summary per distinct lookback; a lookback never reaches back before the stage started.
  const lookbackOf = (t: TriggerConfig) => t.lookback ?? config.monitor.lookback;
  const byLookback = new Map<number, ArmSummaries>();
  for (const lookback of new Set(config.triggers.map(lookbackOf))) {
    const from = new Date(Math.max(state.stageStartedAt.getTime(), now.getTime() - lookback));
    byLookback.set(lookback, await summarizeArms(store, state.key, { from, to: now }));
  }
  const previousEvidence = await latestEvidenceSince(store, state.key, state.stageStartedAt, TRIGGER_STATE_FIELD);
  const previous = (previousEvidence?.[TRIGGER_STATE_FIELD] ?? {}) as TriggerStates;
  const { looks, state: triggerState } = evaluateTriggers(config.triggers, {
    now,
    summaryFor: (t) => (byLookback.get(lookbackOf(t)) as ArmSummaries)[t.arm] as ArmSummary,
    minUnitsFor: (t) => t.min_units ?? config.monitor.min_units,
    previous,
  });

  const stage = config.stages[state.stageIndex];
  const ab = stage?.ab_test
    ? await analyzeAb(store, state, stageWindow, { control: summaries.control.units, treatment: summaries.treatment.units })
    : undefined;
  const readiness = evaluateStageGates(state, { summaries, ab }, now);
  const firing = looks.filter((l) => l.firing);
  const quiet: GateResult = {
    gate: 'triggers_quiet',
    outcome: firing.length === 0 ? 'pass' : 'fail',
    value: firing.length,
    requirement: 'no rollback trigger firing',
    detail: firing.length === 0 ? 'no trigger firing' : `firing: ${firing.map((l) => l.name).join(', ')}`,
  };
  readiness.gates.push(quiet);
  readiness.ready = readiness.ready && quiet.outcome === 'pass';
  return { state, now, summaries, triggers: looks, triggerState, readiness, ab };
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
    triggers: assessment.triggers.map((t) => ({ name: t.name, value: t.value, support: t.support, firing: t.firing, held_ms: t.heldMs })),
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

function decide(assessment: Assessment): Decision {
  const { state, triggers, readiness } = assessment;
  const due = triggers.filter((t) => t.due).sort((a, b) => actionRank(b.action) - actionRank(a.action));
  const worst = due[0];
  if (worst) {
    const plan = ACTION_HANDLERS[worst.action].plan(state);
    if (plan.change && !state.config.monitor.auto_rollback) {
      return { kind: 'investigate', plan: undefined, trigger: worst, description: `${worst.name}: ${plan.description} (not applied: monitor.auto_rollback is off)` };
    }
    return { kind: plan.decision, plan, trigger: worst, description: `${worst.name} (${worst.condition}, held ${Math.round(worst.heldMs / 1000)} s): ${plan.description}` };
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
  const pending = triggers.filter((t) => t.firing && !t.due && !t.insufficient).map((t) => `${t.name} pending ${Math.round(t.heldMs / 1000)}/${Math.round(t.forMs / 1000)} s`);
  return { kind: 'continue', plan: undefined, trigger: undefined, description: [...blocking, ...pending].join('; ') || 'nothing to do' };
}

/** One monitor look: assess, decide, apply an automatic action, record. Returns what it did. */
export async function lookAtExperiment(store: Store, state: ExperimentState, now: Date): Promise<LookResult & { rowsWritten: number }> {
  const assessment = await assessExperiment(store, state, now);
  const decision = decide(assessment);
  const change = decision.plan?.change;
  // Due triggers are acted on once; a stage change starts the next stage with a clean state.
  const carried: TriggerStates = change
    ? {}
    : Object.fromEntries(
        Object.entries(assessment.triggerState).map(([name, s]) => [name, assessment.triggers.find((t) => t.name === name)?.due ? { ...s, acted: true } : s]),
      );
  await store.transaction(async () => {
    if (change) await applyStageChange(store, state.key, change, now);
    await recordDecision(store, {
      experimentKey: state.key,
      decidedAt: now,
      decision: decision.kind,
      fromStage: state.stageIndex,
      toStage: change ? change.stageIndex : state.stageIndex,
      automatic: true,
      evidence: {
        description: decision.description,
        ...(decision.trigger ? { trigger: decision.trigger.name, action: decision.trigger.action, severity: decision.trigger.severity } : {}),
        ...(change ? { from_percentage: state.percentage, to_percentage: change.percentage } : {}),
        ...evidenceOf(assessment, decision.kind === 'continue' || decision.kind === 'ready' ? 'compact' : 'full'),
        [TRIGGER_STATE_FIELD]: carried,
      },
    });
  });
  return {
    experiment: state.key, decision: decision.kind, automatic: true, applied: change, description: decision.description, assessment,
    rowsWritten: change ? 2 : 1,
  };
}

export interface MonitorOptions {
  dbPath?: string;
  /** Only this experiment (key or file); default: every experiment in the store. */
  experiment?: string;
  /** The look's time (tests and replays); default: now. */
  now?: Date;
  experimentsDir?: string;
  /** Called with each look's result (the job logs them). */
  onLook?: (look: LookResult) => void;
}

/**
 * The `rollout-monitor` job's entry point: one look at each experiment (or the one named), each
 * in its own unit of work. Returns the decisions recorded and the rows written.
 */
export async function runRolloutMonitor(options: MonitorOptions = {}): Promise<{ decisions: number; rowsWritten: number }> {
  const storeOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  const resolveOptions = { ...(options.experimentsDir ? { experimentsDir: options.experimentsDir } : {}), ...(options.now ? { now: options.now } : {}) };
  const keys = options.experiment
    ? [options.experiment]
    : await withStore(storeOptions, async (store) => (await listExperiments(store)).map((e) => e.key));
  let decisions = 0;
  let rowsWritten = 0;
  for (const key of keys) {
    const look = await withStore(storeOptions, async (store) => {
      const state = await resolveExperiment(store, key, resolveOptions);
      return lookAtExperiment(store, state, options.now ?? new Date());
    });
    decisions++;
    rowsWritten += look.rowsWritten;
    options.onLook?.(look);
  }
  return { decisions, rowsWritten };
}
