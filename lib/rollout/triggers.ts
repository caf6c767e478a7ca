/**
 * Owns the rollback decision matrix's evaluation. A trigger watches one metric of one arm over
 * the events of the current stage, cut into buckets by the events' own timestamps (the monitor's
 * `bucket`, 1 minute by default; bucket i covers [i * bucket, (i + 1) * bucket) of epoch time,
 * the first one clipped to the stage start and the newest one to now).
 *
 * - Judging. A bucket is judged when it has at least `min_units` events behind the metric; a
 *   sparser bucket is pooled with the buckets after it until the pool has that many (the pool
 *   starts at its first bucket with an event). Buckets without events neither break an episode
 *   nor start one. The newest pool, still short of `min_units`, is not judged yet. Special
 *   metrics: `complaints` is the running count of complaints since the stage started and every
 *   bucket is judged; `llm_unavailable` is the share of events that could not reach the LLM
 *   service (min_units 1 unless set), and a whole bucket without a single event of the arm while
 *   the arm has traffic (treatment: percentage > 0) is judged as unavailable (1), for live
 *   traffic only (`monitor.silence_means_unavailable`; off by default for batch experiments).
 * - Episodes. A trigger's episode is the run of judged buckets, ending at the newest judged one,
 *   in which its condition held without a break; it starts at the start of the run's first
 *   bucket and has lasted until the end of the newest judged bucket (now, for the current one).
 *   Bands of one metric and arm (a trigger whose `at_most` is another's `above`: 3-5% and > 5%)
 *   share their episodes: the run is of buckets in any of the bands, so an episode that rises
 *   from one band into the next keeps its start.
 * - Action. A trigger fires when the newest judged bucket is in its own condition; it is due
 *   when it fires and its episode has lasted `for`. It acts once per episode: the start of the
 *   episode acted on is kept (TriggerStates, in the monitor's decision evidence), and a later
 *   look in the same episode (one that started at or before it) is not due again.
 */
import type { Arm } from './assignment';
import { PERCENT } from './assignment';
import type { TriggerConfig, TriggerMetric } from './experiment-config';
import { addCounts, emptyCounts, type BucketCounts } from './metrics';

export interface TriggerState {
  /** ISO start of the episode this trigger last acted on; null when it has not acted in this stage. */
  actedEpisode: string | null;
}

export type TriggerStates = Record<string, TriggerState>;

export interface TriggerLook {
  name: string;
  metric: TriggerConfig['metric'];
  arm: TriggerConfig['arm'];
  condition: string;
  /** The condition that keeps the episode going (the union of the bands, for a band). */
  episodeCondition: string;
  /** The metric over the newest judged bucket (or pool); null when nothing is judged yet. */
  value: number | null;
  /** Events behind `value` (for complaints: the complaints). */
  support: number;
  minUnits: number;
  /** The newest judged bucket is in this trigger's condition. */
  firing: boolean;
  /** Nothing judged in this stage yet (too few events): counts as not firing. */
  insufficient: boolean;
  /** ISO start of the episode (when firing). */
  since: string | null;
  /** ISO end of the newest judged bucket. */
  evidenceUntil: string | null;
  heldMs: number;
  forMs: number;
  /** Firing, held for its window, and this episode not acted on yet: the action should be taken now. */
  due: boolean;
  /** This episode was acted on at an earlier look. */
  acted: boolean;
  action: TriggerConfig['action'];
  severity: TriggerConfig['severity'];
}

type Bounds = Pick<TriggerConfig, 'above' | 'below' | 'at_most'>;

/** Whether `value` is past the trigger's threshold(s). */
export function conditionHolds(trigger: Bounds, value: number): boolean {
  if (trigger.above !== undefined && !(value > trigger.above)) return false;
  if (trigger.at_most !== undefined && !(value <= trigger.at_most)) return false;
  if (trigger.below !== undefined && !(value < trigger.below)) return false;
  return true;
}

export function describeCondition(trigger: Bounds & Pick<TriggerConfig, 'metric'>): string {
  const parts: string[] = [];
  if (trigger.above !== undefined) parts.push(`> ${trigger.above}`);
  if (trigger.at_most !== undefined) parts.push(`<= ${trigger.at_most}`);
  if (trigger.below !== undefined) parts.push(`< ${trigger.below}`);
  return `${trigger.metric} ${parts.join(' and ')}${trigger.metric === 'llm_unavailable' ? ' (or no events of the arm)' : ''}`;
}

/**
 * The condition that keeps each trigger's episode going: its own, or for a band, the union of
 * the bands it is chained to (same metric and arm, one's `at_most` equal to the next one's `above`).
 */
export function episodeBounds(triggers: readonly TriggerConfig[]): Map<string, Bounds> {
  const parent = triggers.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const isBand = (t: TriggerConfig) => t.below === undefined && t.above !== undefined;
  triggers.forEach((a, i) => {
    triggers.forEach((b, j) => {
      if (i !== j && isBand(a) && isBand(b) && a.metric === b.metric && a.arm === b.arm && a.at_most !== undefined && a.at_most === b.above) {
        parent[find(i)] = find(j);
      }
    });
  });
  const out = new Map<string, Bounds>();
  triggers.forEach((t, i) => {
    const members = triggers.filter((_, j) => find(j) === find(i));
    if (members.length === 1) {
      out.set(t.name, { above: t.above, at_most: t.at_most, below: t.below });
      return;
    }
    const lowest = Math.min(...members.map((m) => m.above as number));
    const top = members.reduce((a, b) => ((b.above as number) > (a.above as number) ? b : a));
    out.set(t.name, { above: lowest, at_most: top.at_most, below: undefined });
  });
  return out;
}

/** A judged bucket, or a pool of buckets judged together. */
export interface JudgedSpan {
  /** Epoch ms. */
  start: number;
  end: number;
  value: number | null;
  support: number;
}

const SUPPORT: Record<Exclude<TriggerMetric, 'complaints'>, (c: BucketCounts) => number> = {
  error_rate: (c) => c.events,
  avg_processing_ms: (c) => c.timedEvents,
  cache_hit_rate: (c) => c.cacheKnown,
  hallucination_rate: (c) => c.events,
  avg_keyword_count: (c) => c.events,
  llm_unavailable: (c) => c.events,
};

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

const VALUE: Record<Exclude<TriggerMetric, 'complaints'>, (c: BucketCounts) => number | null> = {
  error_rate: (c) => ratio(c.errors, c.events),
  avg_processing_ms: (c) => ratio(c.processingMsSum, c.timedEvents),
  cache_hit_rate: (c) => ratio(c.cacheHits, c.cacheKnown),
  hallucination_rate: (c) => ratio(c.hallucinated, c.checkedKeywords),
  avg_keyword_count: (c) => ratio(c.keywordSum, c.keywordEvents),
  llm_unavailable: (c) => ratio(c.unavailable, c.events),
};

export interface TriggerInputs {
  now: Date;
  /** Where the trigger's events begin: the start of the current stage (halving does not restart it). */
  windowStart: Date;
  bucketMs: number;
  /** Per-bucket counts of each arm (absent: no events), from `bucketCounts`. */
  buckets: ReadonlyMap<number, Record<Arm, BucketCounts>>;
  /** The experiment's current treatment percentage (whether an arm should be seeing traffic). */
  percentage: number;
  /**
   * Whether a whole bucket without events of an arm with traffic is judged as the LLM being
   * unavailable (live traffic), or is simply not judged (batch experiments, silent between batches).
   */
  silenceMeansUnavailable: boolean;
  minUnitsFor: (trigger: TriggerConfig) => number;
  previous: TriggerStates;
}

/** The judged spans of one trigger's metric, oldest first. */
export function judgedSpans(trigger: TriggerConfig, inputs: TriggerInputs, minUnits: number): JudgedSpan[] {
  const { bucketMs } = inputs;
  const now = inputs.now.getTime();
  const from = inputs.windowStart.getTime();
  if (now < from) return [];
  const share = trigger.arm === 'treatment' ? inputs.percentage / PERCENT : 1 - inputs.percentage / PERCENT;
  const spans: JudgedSpan[] = [];
  let pool: { start: number; end: number; counts: BucketCounts } | undefined;
  let complaints = 0;
  for (let i = Math.floor(from / bucketMs); i <= Math.floor(now / bucketMs); i++) {
    const start = Math.max(from, i * bucketMs);
    const complete = (i + 1) * bucketMs <= now;
    const end = Math.min(now, (i + 1) * bucketMs);
    const counts = inputs.buckets.get(i)?.[trigger.arm] ?? emptyCounts();
    if (trigger.metric === 'complaints') {
      complaints += counts.complaints;
      spans.push({ start, end, value: complaints, support: complaints });
      continue;
    }
    const metric = trigger.metric;
    if (metric === 'llm_unavailable' && counts.events === 0) {
      if (complete && share > 0 && inputs.silenceMeansUnavailable) {
        pool = undefined;
        spans.push({ start, end, value: 1, support: 0 });
      }
      continue;
    }
    if (!pool && SUPPORT[metric](counts) === 0) continue;
    pool = pool ? { start: pool.start, end, counts: addCounts(pool.counts, counts) } : { start, end, counts };
    const support = SUPPORT[metric](pool.counts);
    if (support >= minUnits) {
      spans.push({ start: pool.start, end: pool.end, value: VALUE[metric](pool.counts), support });
      pool = undefined;
    }
  }
  return spans;
}

/** One look at every trigger: what each sees, and the state to carry to the next look (due triggers marked acted). */
export function evaluateTriggers(triggers: readonly TriggerConfig[], inputs: TriggerInputs): { looks: TriggerLook[]; state: TriggerStates } {
  const state: TriggerStates = {};
  const episodes = episodeBounds(triggers);
  const looks = triggers.map((trigger): TriggerLook => {
    const minUnits = inputs.minUnitsFor(trigger);
    const spans = judgedSpans(trigger, inputs, minUnits);
    const bounds = episodes.get(trigger.name) ?? trigger;
    const newest = spans[spans.length - 1];
    const holds = (b: Bounds, span: JudgedSpan | undefined) => span !== undefined && span.value !== null && conditionHolds(b, span.value);
    const firing = holds(trigger, newest) && holds(bounds, newest);
    let since: number | undefined;
    if (firing) {
      let first = spans.length - 1;
      while (first > 0 && holds(bounds, spans[first - 1])) first--;
      since = spans[first]?.start;
    }
    const heldMs = since !== undefined && newest ? newest.end - since : 0;
    const previous = inputs.previous[trigger.name];
    const actedEpisode = previous?.actedEpisode ?? legacyActed(previous);
    const acted = since !== undefined && actedEpisode !== null && since <= new Date(actedEpisode).getTime();
    const due = firing && heldMs >= trigger.for && !acted;
    state[trigger.name] = { actedEpisode: due && since !== undefined ? new Date(since).toISOString() : actedEpisode };
    return {
      name: trigger.name, metric: trigger.metric, arm: trigger.arm, condition: describeCondition(trigger),
      episodeCondition: describeCondition({ ...bounds, metric: trigger.metric }),
      value: newest?.value ?? null, support: newest?.support ?? 0, minUnits, firing, insufficient: newest === undefined,
      since: since !== undefined ? new Date(since).toISOString() : null,
      evidenceUntil: newest ? new Date(newest.end).toISOString() : null,
      heldMs, forMs: trigger.for, due, acted, action: trigger.action, severity: trigger.severity,
    };
  });
  return { looks, state };
}

/** State written before episodes were tracked ({pendingSince, acted}): an acted run counts as acted from its first look. */
function legacyActed(previous: TriggerState | undefined): string | null {
  const old = previous as { pendingSince?: unknown; acted?: unknown } | undefined;
  return old?.acted === true && typeof old.pendingSince === 'string' ? old.pendingSince : null;
}
