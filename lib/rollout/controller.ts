/**
 * Owns a person's rollout decisions (`benchlab rollout status|advance|rollback|resume|history`):
 * status is a look that writes nothing (it works on a read-only store; an experiment not started
 * yet has no status, only its plan); advance moves to the next stage only when every gate of the
 * current stage passes (or with force, which is recorded with the failing gates), and never
 * while paused; rollback goes back one stage or to the first; resume lifts a pause; history reads
 * the decision log. Every change is recorded with its evidence and who made it (automatic = false).
 */
import { InputError } from '../input-error';
import type { Store } from '../store/store';
import { ACTION_HANDLERS } from './actions';
import { loadDecisions, recordDecision, type DecisionQuery, type DecisionRecord } from './decisions';
import type { ExperimentConfig } from './experiment-config';
import { applyStageChange, peekExperiment, resolveExperiment, setExperimentStatus, type ExperimentState, type ResolveOptions, type StageChange } from './experiment-store';
import { assessExperiment, evidenceOf, type Assessment } from './monitor';
import { nowOf } from './clock';

export interface ControlOptions extends ResolveOptions {
  /** A note stored with the decision (why). */
  note?: string;
}

/** `rollout status` of an experiment that has a file but nothing stored: there is only its plan. */
export class NotStartedError extends InputError {
  constructor(readonly config: ExperimentConfig, readonly file: string | undefined) {
    super(`${config.key} has not started: nothing is stored yet (advance, step, ingest or a monitor look naming it registers it)`);
    this.name = 'NotStartedError';
  }
}

/**
 * The current look at an experiment, writing nothing: the stored state with the file's
 * configuration in effect (a changed file is not synced). Throws NotStartedError when the
 * experiment has a file but nothing stored. `store` may be a read-only one.
 */
export async function rolloutStatus(store: Store | undefined, keyOrFile: string, options: ResolveOptions = {}): Promise<Assessment> {
  const now = nowOf(options);
  const peeked = await peekExperiment(store, keyOrFile, { ...options, now });
  if (!peeked.state || !store) throw new NotStartedError(peeked.config, peeked.file);
  return assessExperiment(store, peeked.state, now);
}

export class GatesNotMetError extends InputError {
  constructor(readonly assessment: Assessment) {
    const blocking = assessment.readiness.gates.filter((g) => g.outcome !== 'pass');
    super(
      `stage '${assessment.readiness.stage}' of ${assessment.state.key} is not ready to advance:\n` +
        blocking.map((g) => `  ${g.gate}: ${g.outcome} (${g.requirement}; ${g.detail})`).join('\n') +
        `\nuse --force to advance anyway (recorded with these gates)`,
    );
    this.name = 'GatesNotMetError';
  }
}

export interface ControlResult {
  experiment: string;
  from: { stageIndex: number; percentage: number };
  to: StageChange;
  description: string;
}

async function apply(store: Store, state: ExperimentState, change: StageChange, record: Omit<DecisionRecord, 'experimentKey' | 'fromStage' | 'toStage' | 'automatic'>): Promise<void> {
  await store.transaction(async () => {
    await applyStageChange(store, state.key, change, record.decidedAt);
    await recordDecision(store, {
      ...record,
      experimentKey: state.key,
      fromStage: state.stageIndex,
      toStage: change.stageIndex,
      automatic: false,
      evidence: { ...record.evidence, from_percentage: state.percentage, to_percentage: change.percentage },
    });
  });
}

/** Advances to the next stage when its gates pass (or when forced). */
export async function advanceExperiment(store: Store, keyOrFile: string, options: ControlOptions & { force?: boolean } = {}): Promise<ControlResult> {
  const now = nowOf(options);
  const state = await resolveExperiment(store, keyOrFile, { ...options, now });
  if (state.status === 'paused') {
    throw new InputError(`${state.key} is paused: advances wait until a person resumes it ('benchlab rollout resume ${state.key}'); --force does not override a pause`);
  }
  const assessment = await assessExperiment(store, state, now);
  const nextIndex = assessment.readiness.nextStage;
  const next = nextIndex !== undefined ? state.config.stages[nextIndex] : undefined;
  if (nextIndex === undefined || !next) throw new InputError(`${state.key} is already at its last stage '${assessment.readiness.stage}' (${state.percentage}%)`);
  if (!assessment.readiness.ready && !options.force) throw new GatesNotMetError(assessment);
  const change: StageChange = { stageIndex: nextIndex, percentage: next.percentage, status: nextIndex === state.config.stages.length - 1 ? 'completed' : 'running' };
  const description = `advance to '${next.name}' (${state.percentage}% -> ${next.percentage}%)${assessment.readiness.ready ? '' : ' despite failing gates (forced)'}`;
  await apply(store, state, change, {
    decidedAt: now,
    decision: 'advance',
    evidence: { description, forced: !assessment.readiness.ready, ...(options.note ? { note: options.note } : {}), ...evidenceOf(assessment) },
  });
  return { experiment: state.key, from: { stageIndex: state.stageIndex, percentage: state.percentage }, to: change, description };
}

/** Goes back one stage, or to the first stage (0%) with `toZero`. */
export async function rollbackExperiment(store: Store, keyOrFile: string, options: ControlOptions & { toZero?: boolean } = {}): Promise<ControlResult> {
  const now = nowOf(options);
  const state = await resolveExperiment(store, keyOrFile, { ...options, now });
  const plan = ACTION_HANDLERS[options.toZero ? 'rollback-to-zero' : 'previous-stage'].plan(state);
  if (!plan.change) throw new InputError(`${state.key}: nothing to roll back (${plan.description})`);
  const assessment = await assessExperiment(store, state, now);
  await apply(store, state, plan.change, {
    decidedAt: now,
    decision: 'rollback',
    evidence: { description: plan.description, ...(options.note ? { note: options.note } : {}), ...evidenceOf(assessment) },
  });
  return { experiment: state.key, from: { stageIndex: state.stageIndex, percentage: state.percentage }, to: plan.change, description: plan.description };
}

/** Lifts a pause (a person's decision): the experiment runs on at its stage and percentage, and may advance again. */
export async function resumeExperiment(store: Store, keyOrFile: string, options: ControlOptions = {}): Promise<{ experiment: string; description: string }> {
  const now = nowOf(options);
  const state = await resolveExperiment(store, keyOrFile, { ...options, now });
  if (state.status !== 'paused') throw new InputError(`${state.key} is not paused (status: ${state.status}); nothing to resume`);
  const description = `resume at '${state.config.stages[state.stageIndex]?.name}' (${state.percentage}%): advances allowed again`;
  await store.transaction(async () => {
    await setExperimentStatus(store, state.key, 'running', now);
    await recordDecision(store, {
      experimentKey: state.key, decidedAt: now, decision: 'resume', fromStage: state.stageIndex, toStage: state.stageIndex, automatic: false,
      evidence: { description, ...(options.note ? { note: options.note } : {}), from_status: 'paused', to_status: 'running', percentage: state.percentage },
    });
  });
  return { experiment: state.key, description };
}

export async function experimentHistory(store: Store, keyOrFile: string, query: DecisionQuery & ResolveOptions = {}): Promise<{ state: ExperimentState; decisions: DecisionRecord[] }> {
  const state = await resolveExperiment(store, keyOrFile, query);
  return { state, decisions: await loadDecisions(store, state.key, query) };
}
