/**
 * Owns what each rollback-matrix action does to an experiment: roll back to the first stage
 * (0%, critical), go back one stage, halve the percentage (and investigate), pause (the stage and
 * percentage stay, advances wait until a person resumes), or only record an investigation and
 * continue. A typed registry over TRIGGER_ACTIONS, so an action without a handler is a compile
 * error; `rank` orders them by severity when several are due at one look. A paused experiment
 * stays paused when it is halved or goes back a stage.
 */
import type { DecisionKind } from './decisions';
import { TRIGGER_ACTIONS, type TriggerAction } from './experiment-config';
import type { ExperimentState, ExperimentStatus, StageChange } from './experiment-store';

export interface ActionPlan {
  decision: DecisionKind;
  /** The stage change to apply (the stage clock restarts); undefined when there is nothing to change (already at 0%, say). */
  change: StageChange | undefined;
  /** A status change without a stage change (pause): the stage clock keeps running. */
  status?: ExperimentStatus;
  description: string;
}

interface ActionHandler {
  plan(state: ExperimentState): ActionPlan;
}

function stagePercentage(state: ExperimentState, index: number): number {
  return state.config.stages[index]?.percentage ?? 0;
}

/** The status after a change that keeps the experiment going: a pause outlives it. */
function goingStatus(state: ExperimentState): ExperimentStatus {
  return state.status === 'paused' ? 'paused' : 'running';
}

export const ACTION_HANDLERS: Record<TriggerAction, ActionHandler> = {
  investigate: {
    plan: () => ({ decision: 'investigate', change: undefined, description: 'investigate; the rollout continues' }),
  },
  pause: {
    plan: (state) =>
      state.status !== 'running'
        ? { decision: 'investigate', change: undefined, description: `already ${state.status}; investigate` }
        : {
            decision: 'pause', change: undefined, status: 'paused',
            description: `pause at ${state.percentage}%: advances wait for 'benchlab rollout resume ${state.key}'`,
          },
  },
  'halve-percentage': {
    plan: (state) => {
      const percentage = state.percentage / 2;
      return state.percentage > 0
        ? { decision: 'halve', change: { stageIndex: state.stageIndex, percentage, status: goingStatus(state) }, description: `investigate and halve the percentage: ${state.percentage}% -> ${percentage}%` }
        : { decision: 'investigate', change: undefined, description: 'investigate; the percentage is already 0%' };
    },
  },
  'previous-stage': {
    plan: (state) => {
      if (state.stageIndex === 0) return { decision: 'investigate', change: undefined, description: 'already at the first stage; investigate' };
      const stageIndex = state.stageIndex - 1;
      const percentage = stagePercentage(state, stageIndex);
      return {
        decision: 'rollback',
        change: { stageIndex, percentage, status: stageIndex === 0 ? 'rolled-back' : goingStatus(state) },
        description: `roll back to the previous stage '${state.config.stages[stageIndex]?.name}' (${state.percentage}% -> ${percentage}%)`,
      };
    },
  },
  'rollback-to-zero': {
    plan: (state) => {
      const percentage = stagePercentage(state, 0);
      if (state.stageIndex === 0 && state.percentage === percentage) {
        return { decision: 'investigate', change: undefined, description: `already at the first stage (${percentage}%); investigate` };
      }
      return {
        decision: 'rollback',
        change: { stageIndex: 0, percentage, status: 'rolled-back' },
        description: `critical: roll back to '${state.config.stages[0]?.name}' (${state.percentage}% -> ${percentage}%)`,
      };
    },
  },
};

/** Severity order of actions: higher is more severe. */
export function actionRank(action: TriggerAction): number {
  return TRIGGER_ACTIONS.indexOf(action);
}
