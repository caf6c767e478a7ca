/**
 * The rollback triggers as a pure function of per-minute event counts: episodes by the events'
 * own timestamps, bands that share an episode, acting once per episode, pooling of sparse
 * buckets, complaints and the LLM-unavailable / silence rule.
 */
import { describe, expect, it } from 'vitest';
import { PLAN_TRIGGERS, parseExperiment, silenceMeansUnavailable } from '../../lib/rollout/experiment-config';
import { emptyCounts, type BucketCounts } from '../../lib/rollout/metrics';
import { episodeBounds, evaluateTriggers, type TriggerLook, type TriggerStates } from '../../lib/rollout/triggers';
import type { Arm } from '../../lib/rollout/assignment';

const config = parseExperiment('key: t\narms:\n  control: { method: frequency }\n  treatment: { method: llm, model: m }\n', 't.yaml');
const MINUTE = 60_000;
const EVENTS = 100;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A minute of `events` healthy treatment events, with `metric` at `value`. */
function minute(metric: string, value: number, events = EVENTS): BucketCounts {
  const c: BucketCounts = { ...emptyCounts(), events, timedEvents: events, processingMsSum: 500 * events, cacheKnown: events, cacheHits: events / 2 };
  if (metric === 'error_rate') c.errors = Math.round(value * events);
  if (metric === 'avg_processing_ms') c.processingMsSum = value * events;
  if (metric === 'cache_hit_rate') c.cacheHits = Math.round(value * events);
  if (metric === 'complaints') c.complaints = value;
  if (metric === 'llm_unavailable') c.unavailable = Math.round(value * events);
  return c;
}

type Traffic = (m: number) => BucketCounts | undefined;

/**
 * Looks at each of `looks` (ms after T0) with the traffic of every minute whose events (stamped
 * 30 s into the minute) are not after the look, the state carried from look to look as the
 * monitor does. Returns each look's trigger looks.
 */
function lookAt(traffic: Traffic, looks: number[], options: { percentage?: number; state?: TriggerStates; triggers?: typeof config.triggers; windowStart?: number; silence?: boolean } = {}): TriggerLook[][] {
  let state: TriggerStates = options.state ?? {};
  return looks.map((offset) => {
    const now = T0 + offset;
    const buckets = new Map<number, Record<Arm, BucketCounts>>();
    for (let m = 0; m * MINUTE + 30_000 <= offset; m++) {
      const counts = traffic(m);
      if (counts) buckets.set(Math.floor((T0 + m * MINUTE) / MINUTE), { control: emptyCounts(), treatment: counts });
    }
    const result = evaluateTriggers(options.triggers ?? config.triggers, {
      now: new Date(now), windowStart: new Date(options.windowStart ?? T0), bucketMs: MINUTE, buckets, percentage: options.percentage ?? 25, silenceMeansUnavailable: options.silence ?? true,
      minUnitsFor: (t) => t.min_units ?? (t.metric === 'llm_unavailable' ? 1 : 20), previous: state,
    });
    state = result.state;
    return result.looks;
  });
}

const everyMinute = (minutes: number) => Array.from({ length: minutes + 1 }, (_, m) => m * MINUTE);
/** `name@minute` of every due trigger, looking once a minute on the minute. */
const dueAt = (traffic: Traffic, minutes: number, options: Parameters<typeof lookAt>[2] = {}) =>
  lookAt(traffic, everyMinute(minutes), options).flatMap((looks, m) => looks.filter((l) => l.due).map((l) => `${l.name}@${m}`));
const steady = (metric: string, value: number, events = EVENTS): Traffic => () => minute(metric, value, events);

describe('the rollback decision matrix', () => {
  it('is the plan\'s eight rows', () => {
    expect(config.triggers.map((t) => `${t.metric} ${t.action} ${t.for / MINUTE}m`)).toEqual([
      'error_rate rollback-to-zero 5m', 'error_rate previous-stage 5m', 'avg_processing_ms previous-stage 10m', 'avg_processing_ms halve-percentage 10m',
      'cache_hit_rate investigate 10m', 'complaints rollback-to-zero 0m', 'complaints pause 0m', 'llm_unavailable rollback-to-zero 5m',
    ]);
    expect(PLAN_TRIGGERS).toHaveLength(8);
  });

  it.each([
    // [row, metric, value inside the row, window in minutes]
    ['errors-critical', 'error_rate', 0.06, 5],
    ['errors-high', 'error_rate', 0.04, 5],
    ['time-high', 'avg_processing_ms', 3500, 10],
    ['time-elevated', 'avg_processing_ms', 2500, 10],
    ['cache-low', 'cache_hit_rate', 0.05, 10],
    ['llm-unavailable', 'llm_unavailable', 1, 5],
  ])('%s acts when its condition has held for its window by the events\' timestamps (%s = %d, %d min), once', (row, metric, value, window) => {
    expect(dueAt(steady(metric, value), window)).toEqual([`${row}@${window}`]);
    expect(dueAt(steady(metric, value), window - 1)).toEqual([]);
    // Once per episode, not at every later look.
    expect(dueAt(steady(metric, value), window + 30)).toEqual([`${row}@${window}`]);
  });

  it('counts the window from the bucket where the condition began, however rarely it looks', () => {
    // Bad traffic from minute 0; the first look is at 4:59, the next at 5:00.
    const looks = lookAt(steady('error_rate', 0.06), [4 * MINUTE + 59_000, 5 * MINUTE]);
    const critical = looks.map((l) => l.find((t) => t.name === 'errors-critical'));
    expect(critical.map((t) => [t?.firing, t?.due, t?.heldMs, t?.since])).toEqual([
      [true, false, 4 * MINUTE + 59_000, new Date(T0).toISOString()],
      [true, true, 5 * MINUTE, new Date(T0).toISOString()],
    ]);
  });

  it.each([
    // boundaries: strict thresholds, bands closed at the top
    ['error_rate', 0.05, ['errors-high']],
    ['error_rate', 0.06, ['errors-critical']],
    ['error_rate', 0.03, []],
    ['error_rate', 0.04, ['errors-high']],
    ['avg_processing_ms', 3000, ['time-elevated']],
    ['avg_processing_ms', 3000.5, ['time-high']],
    ['avg_processing_ms', 2000, []],
    ['cache_hit_rate', 0.1, []],
    ['cache_hit_rate', 0.09, ['cache-low']],
  ])('%s = %d falls in row(s) %j', (metric, value, rows) => {
    const due = dueAt(steady(metric, value), 10).map((d) => d.split('@')[0]);
    expect([...new Set(due)]).toEqual(rows);
  });

  it('restarts the episode when one judged bucket is outside the condition', () => {
    const values = [0.06, 0.06, 0.06, 0.01, 0.06, 0.06, 0.06, 0.06, 0.06, 0.06];
    expect(dueAt((m) => minute('error_rate', values[m] ?? 0.06), 12)).toEqual(['errors-critical@9']);
  });

  it('keeps the episode\'s start when the error rate rises from the 3-5% band into > 5% (the bands share one episode)', () => {
    const rising: Traffic = (m) => minute('error_rate', m < 3 ? 0.04 : 0.06);
    const looks = lookAt(rising, everyMinute(6));
    const due = looks.flatMap((l, m) => l.filter((t) => t.due).map((t) => `${t.name}@${m}`));
    expect(due).toEqual(['errors-critical@5']);
    expect(looks[5]?.find((t) => t.name === 'errors-critical')?.since).toBe(new Date(T0).toISOString());
    // Down again into the band within the same episode: errors-high acts on its window from the episode start.
    const fallingBack: Traffic = (m) => minute('error_rate', m < 2 ? 0.06 : 0.04);
    expect(dueAt(fallingBack, 6)).toEqual(['errors-high@5']);
    // The chained bands: union (0.03, inf) for both error rows, (2000, inf) for both time rows.
    const bounds = episodeBounds(config.triggers);
    expect(bounds.get('errors-critical')).toEqual({ above: 0.03, at_most: undefined, below: undefined });
    expect(bounds.get('time-elevated')).toEqual({ above: 2000, at_most: undefined, below: undefined });
    expect(bounds.get('cache-low')).toMatchObject({ below: 0.1 });
  });

  it('halves once per episode, and again only in a new episode', () => {
    expect(dueAt(steady('avg_processing_ms', 2500), 60)).toEqual(['time-elevated@10']);
    // The same episode rising to > 3 s after the halving: time-high's clock started with it.
    const worse: Traffic = (m) => minute('avg_processing_ms', m < 12 ? 2500 : 3500);
    expect(dueAt(worse, 20)).toEqual(['time-elevated@10', 'time-high@13']);
    // A healthy minute ends the episode; the next one is acted on after its own window.
    const twice: Traffic = (m) => minute('avg_processing_ms', m === 15 ? 500 : 2500);
    expect(dueAt(twice, 40)).toEqual(['time-elevated@10', 'time-elevated@26']);
  });

  it('pools sparse buckets until min_units, and never judges a pool short of it', () => {
    // 19 events a minute: pooled two by two (38 >= 20); 20 a minute: judged minute by minute.
    expect(dueAt(steady('error_rate', 0.5, 19), 10)).toEqual(['errors-critical@6']);
    expect(dueAt(steady('error_rate', 0.5, 20), 10)).toEqual(['errors-critical@5']);
    // A lone sparse minute and nothing after: not judged, whatever its rate.
    const lone = lookAt((m) => (m === 0 ? minute('error_rate', 1, 10) : undefined), [10 * MINUTE]);
    expect(lone[0]?.find((t) => t.name === 'errors-critical')).toMatchObject({ insufficient: true, firing: false, value: null });
  });

  it('starts an episode at the first bucket with events, not at the stage start', () => {
    // The stage began an hour before the first (bad) event.
    const late: Traffic = (m) => (m >= 60 ? minute('error_rate', 0.5) : undefined);
    const due = dueAt(late, 70, { windowStart: T0 });
    expect(due.filter((d) => d.startsWith('errors'))).toEqual(['errors-critical@65']);
  });

  it('counts complaints since the stage began: more than 5 pauses, more than 10 rolls back, each at once', () => {
    const complaints: Record<number, number> = { 1: 2, 3: 3, 5: 1, 8: 4, 9: 1 };
    const traffic: Traffic = (m) => ({ ...minute('error_rate', 0), complaints: complaints[m] ?? 0 });
    expect(dueAt(traffic, 12)).toEqual(['complaints@6', 'complaints-many@10']);
    const [before, after] = lookAt(traffic, [5 * MINUTE + 29_000, 5 * MINUTE + 30_000]).map((l) => l.find((t) => t.name === 'complaints'));
    expect(before).toMatchObject({ value: 5, firing: false, due: false });
    expect(after).toMatchObject({ value: 6, firing: true, due: true, since: new Date(T0 + 5 * MINUTE).toISOString() });
  });

  it('treats whole minutes without treatment events as the LLM being unavailable, while treatment is on', () => {
    // Treatment events until minute 2 (inclusive), then none.
    const stops: Traffic = (m) => (m <= 2 ? minute('error_rate', 0) : undefined);
    expect(dueAt(stops, 12)).toEqual(['llm-unavailable@8']);
    const looks = lookAt(stops, [7 * MINUTE, 8 * MINUTE]).map((l) => l.find((t) => t.name === 'llm-unavailable'));
    expect(looks.map((t) => [t?.firing, t?.heldMs, t?.due])).toEqual([[true, 4 * MINUTE, false], [true, 5 * MINUTE, true]]);
    // Not at 0% (nobody is in treatment), and not within the current, unfinished minute.
    expect(dueAt(stops, 12, { percentage: 0 })).toEqual([]);
    expect(lookAt(() => undefined, [59_000])[0]?.find((t) => t.name === 'llm-unavailable')).toMatchObject({ firing: false, insufficient: true });
  });

  it('does not read the silence between batches as the LLM being unavailable in a batch experiment (one with a source)', () => {
    // `rollout step` writes a batch of events at minute 0 and the next one at minute 30: silent in between.
    const batches: Traffic = (m) => (m % 30 === 0 ? minute('error_rate', 0) : undefined);
    expect(dueAt(batches, 40)).toContain('llm-unavailable@6'); // read as live traffic, the silence rolls back
    const batch = parseExperiment('key: b\narms:\n  control: { method: frequency }\n  treatment: { method: llm, model: m }\nsource: { dataset: sample }\n', 'b.yaml');
    expect(silenceMeansUnavailable(batch)).toBe(false);
    expect(silenceMeansUnavailable(config)).toBe(true);
    expect(dueAt(batches, 40, { silence: silenceMeansUnavailable(batch) })).toEqual([]);
    // A batch experiment can still ask for it, and a live one can turn it off.
    expect(silenceMeansUnavailable({ ...batch, monitor: { ...batch.monitor, silence_means_unavailable: true } })).toBe(true);
    expect(silenceMeansUnavailable({ ...config, monitor: { ...config.monitor, silence_means_unavailable: false } })).toBe(false);
    // Errors reported by the batches' events still count.
    const failing: Traffic = (m) => (m % 30 === 0 ? { ...minute('error_rate', 0), unavailable: EVENTS } : undefined);
    expect(lookAt(failing, [MINUTE], { silence: false })[0]?.find((t) => t.name === 'llm-unavailable')).toMatchObject({ firing: true });
  });

  it('reads the state written before episodes were tracked: an acted run stays acted', () => {
    const state: TriggerStates = { 'errors-critical': { pendingSince: new Date(T0 + 3 * MINUTE).toISOString(), acted: true } as never };
    expect(dueAt(steady('error_rate', 0.06), 10, { state })).toEqual([]);
  });
});
