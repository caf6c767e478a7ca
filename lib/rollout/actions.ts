/**
 * Owns what each rollback-matrix action does to an experiment: roll back to the first stage
 * (0%, critical), go back one stage, halve the percentage (and investigate), or only record an
 * investigation and continue. A typed registry over TRIGGER_ACTIONS, so an action without a
 * handler is a compile error; `rank` orders them by severity when several are due at one look.
 */
import type { DecisionKind } from './decisions';
import { TRIGGER_ACTIONS, type TriggerAction } from './experiment-config';
import type { ExperimentState, StageChange } from './experiment-store';

export interface ActionPlan {
  decision: DecisionKind;
  /** The stage change to apply; undefined when there is nothing to change (already at 0%, say). */
  change: StageChange | undefined;
  description: string;
}

interface ActionHandler {
  plan(state: ExperimentState): ActionPlan;
}

function stagePercentage(state: ExperimentState, index: number): number {
  return state.config.stages[index]?.percentage ?? 0;
}

export const ACTION_HANDLERS: Record<TriggerAction, ActionHandler> = {
  investigate: {
    plan: () => ({ decision: 'investigate', change: undefined, description: 'investigate; the rollout continues' }),
  },
  'halve-percentage': {
    plan: (state) => {
      const percentage = state.percentage / 2;
      return state.percentage > 0
        ? { decision: 'halve', change: { stageIndex: state.stageIndex, percentage, status: state.status }, description: `investigate and halve the percentage: ${state.percentage}% -> ${percentage}%` }
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
        change: { stageIndex, percentage, status: stageIndex === 0 ? 'rolled-back' : 'running' },
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
