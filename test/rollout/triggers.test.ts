import { describe, expect, it } from 'vitest';
import { PLAN_TRIGGERS, parseExperiment } from '../../lib/rollout/experiment-config';
import { emptySummary, type ArmSummary } from '../../lib/rollout/metrics';
import { evaluateTriggers, type TriggerStates } from '../../lib/rollout/triggers';

const config = parseExperiment('key: t\narms:\n  control: { method: frequency }\n  treatment: { method: llm, model: m }\n', 't.yaml');
const MINUTE = 60_000;
const EVENTS = 100;

function summaryWith(metric: string, value: number): ArmSummary {
  const s = { ...emptySummary('treatment'), events: EVENTS, timedEvents: EVENTS, cacheKnown: EVENTS, errorRate: 0, avgProcessingMs: 500, cacheHitRate: 0.5 };
  if (metric === 'error_rate') s.errorRate = value;
  if (metric === 'avg_processing_ms') s.avgProcessingMs = value;
  if (metric === 'cache_hit_rate') s.cacheHitRate = value;
  return s;
}

/** Looks once a minute for `minutes`, the metric at `value` throughout; returns the due trigger names per look. */
function run(metric: string, value: number, minutes: number, events = EVENTS): string[][] {
  let state: TriggerStates = {};
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const due: string[][] = [];
  for (let m = 0; m <= minutes; m++) {
    const summary = { ...summaryWith(metric, value), events, timedEvents: events, cacheKnown: events };
    const result = evaluateTriggers(config.triggers, { now: new Date(start + m * MINUTE), summaryFor: () => summary, minUnitsFor: () => 20, previous: state });
    due.push(result.looks.filter((l) => l.due).map((l) => l.name));
    state = Object.fromEntries(Object.entries(result.state).map(([k, s]) => [k, { ...s, acted: s.acted || result.looks.some((l) => l.name === k && l.due) }]));
  }
  return due;
}

const dueAfter = (due: string[][]) => due.flatMap((names, minute) => names.map((name) => `${name}@${minute}`));

describe('the rollback decision matrix', () => {
  it('is the plan\'s five rows', () => {
    expect(config.triggers.map((t) => `${t.metric} ${t.action}`)).toEqual([
      'error_rate rollback-to-zero', 'error_rate previous-stage', 'avg_processing_ms previous-stage', 'avg_processing_ms halve-percentage', 'cache_hit_rate investigate',
    ]);
    expect(PLAN_TRIGGERS).toHaveLength(5);
  });

  it.each([
    // [row, metric, value inside the row, window in minutes]
    ['errors-critical', 'error_rate', 0.06, 5],
    ['errors-high', 'error_rate', 0.04, 5],
    ['time-high', 'avg_processing_ms', 3500, 10],
    ['time-elevated', 'avg_processing_ms', 2500, 10],
    ['cache-low', 'cache_hit_rate', 0.05, 10],
  ])('%s acts once its condition has held for its window (%s = %d, %d min), and not before', (row, metric, value, window) => {
    expect(dueAfter(run(metric, value, window))).toEqual([`${row}@${window}`]);
    expect(dueAfter(run(metric, value, window - 1))).toEqual([]);
    // It acts once, not at every later look.
    expect(dueAfter(run(metric, value, window + 5))).toEqual([`${row}@${window}`]);
  });

  it.each([
    // boundaries: strict thresholds, bands closed at the top
    ['error_rate', 0.05, ['errors-high']],
    ['error_rate', 0.0500001, ['errors-critical']],
    ['error_rate', 0.03, []],
    ['error_rate', 0.0300001, ['errors-high']],
    ['avg_processing_ms', 3000, ['time-elevated']],
    ['avg_processing_ms', 3000.5, ['time-high']],
    ['avg_processing_ms', 2000, []],
    ['cache_hit_rate', 0.1, []],
    ['cache_hit_rate', 0.0999, ['cache-low']],
  ])('%s = %d falls in row(s) %j', (metric, value, rows) => {
    const due = run(metric, value, 10).flat();
    expect([...new Set(due)]).toEqual(rows);
  });

  it('restarts the window when the condition stops holding at one look', () => {
    let state: TriggerStates = {};
    const start = Date.UTC(2026, 0, 1);
    const values = [0.06, 0.06, 0.06, 0.01, 0.06, 0.06, 0.06, 0.06, 0.06, 0.06];
    const due: number[] = [];
    values.forEach((v, minute) => {
      const result = evaluateTriggers(config.triggers, { now: new Date(start + minute * MINUTE), summaryFor: () => summaryWith('error_rate', v), minUnitsFor: () => 20, previous: state });
      if (result.looks.some((l) => l.name === 'errors-critical' && l.due)) due.push(minute);
      state = result.state;
    });
    expect(due).toEqual([9]);
  });

  it('does not judge a trigger on too few events', () => {
    expect(dueAfter(run('error_rate', 0.5, 10, 19))).toEqual([]);
    expect(dueAfter(run('error_rate', 0.5, 10, 20))).toEqual(['errors-critical@5']);
  });
});
