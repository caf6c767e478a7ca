/**
 * Owns the rollback decision matrix's evaluation. A trigger watches one summary metric of one arm
 * over the monitor's lookback (events in (now - lookback, now] of the current stage) and fires
 * when the metric is past its threshold (`above`, `below`, and `at_most` for bands such as
 * 3-5%) with at least `min_units` events behind it. Like a Prometheus alert's `for:`, a trigger
 * must keep firing at every look for its whole window before its action is due: the look that
 * first sees it starts the clock (pending), a look where it does not fire resets it. Once due and
 * acted on, it does not act again until it has stopped firing (or the stage changes). The state
 * carried between looks is TriggerStates, kept in the monitor's decision evidence.
 */
import type { TriggerConfig } from './experiment-config';
import type { ArmSummary } from './metrics';
import { SUMMARY_METRIC_SUPPORT, SUMMARY_METRIC_VALUES } from './metrics';

export interface TriggerState {
  /** ISO time of the first look in the current run of firing looks. */
  pendingSince: string | null;
  /** The action was taken (or recorded) for this run of firing looks. */
  acted: boolean;
}

export type TriggerStates = Record<string, TriggerState>;

export interface TriggerLook {
  name: string;
  metric: TriggerConfig['metric'];
  arm: TriggerConfig['arm'];
  condition: string;
  value: number | null;
  /** Events the value is computed over. */
  support: number;
  minUnits: number;
  firing: boolean;
  /** Too few events to judge: counts as not firing. */
  insufficient: boolean;
  pendingSince: string | null;
  heldMs: number;
  forMs: number;
  /** Fired for its whole window and not yet acted on: the action should be taken now. */
  due: boolean;
  action: TriggerConfig['action'];
  severity: TriggerConfig['severity'];
}

/** Whether `value` is past the trigger's threshold(s). */
export function conditionHolds(trigger: Pick<TriggerConfig, 'above' | 'below' | 'at_most'>, value: number): boolean {
  if (trigger.above !== undefined && !(value > trigger.above)) return false;
  if (trigger.at_most !== undefined && !(value <= trigger.at_most)) return false;
  if (trigger.below !== undefined && !(value < trigger.below)) return false;
  return true;
}

export function describeCondition(trigger: Pick<TriggerConfig, 'metric' | 'above' | 'below' | 'at_most'>): string {
  const parts: string[] = [];
  if (trigger.above !== undefined) parts.push(`> ${trigger.above}`);
  if (trigger.at_most !== undefined) parts.push(`<= ${trigger.at_most}`);
  if (trigger.below !== undefined) parts.push(`< ${trigger.below}`);
  return `${trigger.metric} ${parts.join(' and ')}`;
}

export interface TriggerInputs {
  now: Date;
  /** Summaries per arm over each trigger's lookback (keyed by lookback ms). */
  summaryFor: (trigger: TriggerConfig) => ArmSummary;
  minUnitsFor: (trigger: TriggerConfig) => number;
  previous: TriggerStates;
}

/** One look at every trigger: what each sees, and the state to carry to the next look. */
export function evaluateTriggers(triggers: readonly TriggerConfig[], inputs: TriggerInputs): { looks: TriggerLook[]; state: TriggerStates } {
  const state: TriggerStates = {};
  const looks = triggers.map((trigger): TriggerLook => {
    const summary = inputs.summaryFor(trigger);
    const value = SUMMARY_METRIC_VALUES[trigger.metric](summary);
    const support = SUMMARY_METRIC_SUPPORT[trigger.metric](summary);
    const minUnits = inputs.minUnitsFor(trigger);
    const insufficient = value === null || support < minUnits;
    const firing = !insufficient && conditionHolds(trigger, value);
    const previous = inputs.previous[trigger.name];
    const pendingSince = firing ? (previous?.pendingSince ?? inputs.now.toISOString()) : null;
    const acted = firing ? (previous?.acted ?? false) : false;
    const heldMs = pendingSince ? inputs.now.getTime() - new Date(pendingSince).getTime() : 0;
    const due = firing && heldMs >= trigger.for && !acted;
    state[trigger.name] = { pendingSince, acted };
    return {
      name: trigger.name, metric: trigger.metric, arm: trigger.arm, condition: describeCondition(trigger), value, support, minUnits,
      firing, insufficient, pendingSince, heldMs, forMs: trigger.for, due, action: trigger.action, severity: trigger.severity,
    };
  });
  return { looks, state };
}
