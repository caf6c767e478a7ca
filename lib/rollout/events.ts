/**
 * Owns experiment events (`experiment_events`): one observation of one unit in one arm at one
 * time, with its metrics. The metric names are a typed registry (EVENT_METRICS): the zod schema
 * of an event's `metrics` is built from it, so an unknown metric is rejected and every metric
 * has a known type. An event that carries `complaints` and no other metric is feedback (a user
 * complained about a unit): it counts towards the complaints and nothing else. Storing is
 * idempotent by event id: an event already stored with the same
 * content is skipped, one stored with different content is a conflict and is never overwritten.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Store } from '../store/store';
import type { Arm } from './assignment';

export type MetricKind = 'flag' | 'milliseconds' | 'score' | 'count';

export interface MetricDefinition {
  kind: MetricKind;
  description: string;
}

/** Every metric an event may carry. */
export const EVENT_METRICS = {
  error: { kind: 'flag', description: 'the unit failed (LLM error, malformed answer); absent means no error' },
  processing_ms: { kind: 'milliseconds', description: 'time the unit took to process' },
  cache_hit: { kind: 'flag', description: 'the answer came from the cache' },
  quality: { kind: 'score', description: 'a per-unit quality score (higher is better) for the A/B quality test' },
  keyword_count: { kind: 'count', description: 'keywords extracted' },
  hallucinated_count: { kind: 'count', description: 'keywords whose stems do not occur in the document' },
  llm_unavailable: { kind: 'flag', description: 'the LLM service could not be reached (refused, unreachable, overloaded, circuit open): no answer at all' },
  complaints: { kind: 'count', description: 'user complaints about this unit; an event that carries only complaints is feedback, not a processed unit' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof EVENT_METRICS;
export const METRIC_NAMES = Object.keys(EVENT_METRICS) as MetricName[];

const METRIC_SCHEMAS: { [K in MetricKind]: z.ZodType<KindValue[K]> } = {
  flag: z.boolean(),
  milliseconds: z.number().min(0),
  score: z.number(),
  count: z.number().int().min(0),
};

export const metricsSchema = z
  .object(Object.fromEntries(METRIC_NAMES.map((name) => [name, METRIC_SCHEMAS[EVENT_METRICS[name].kind].optional()])))
  .strict();

/** The JS type of each metric kind. */
interface KindValue {
  flag: boolean;
  milliseconds: number;
  score: number;
  count: number;
}

/** An event's metrics, typed from the registry: adding a metric there adds it here. */
export type EventMetrics = { [K in MetricName]?: KindValue[(typeof EVENT_METRICS)[K]['kind']] };

export interface ExperimentEvent {
  eventId: string;
  experimentKey: string;
  unitId: string;
  arm: Arm;
  occurredAt: Date;
  metrics: EventMetrics;
  /** Where it came from: 'batch:<dataset>', 'batch:inbox', 'ingest:<file>', ... */
  source: string;
}

export interface StoreEventsResult {
  inserted: number;
  /** Already stored with the same content (a re-ingest): skipped. */
  duplicates: number;
  /** Already stored with different content: not stored, the stored one is kept. */
  conflicts: { index: number; eventId: string }[];
}

/** Canonical content of an event for comparing a re-sent event with the stored one. */
function contentKey(event: { experimentKey: string; unitId: string; arm: string; occurredAt: Date; metrics: EventMetrics }): string {
  const metrics = Object.fromEntries(Object.entries(event.metrics).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify([event.experimentKey, event.unitId, event.arm, event.occurredAt.getTime(), metrics]);
}

const LOOKUP_CHUNK = 10_000;

/**
 * Stores events that are new, skips exact re-sends, and reports conflicts (same id, different
 * content). Runs inside the caller's transaction when there is one.
 */
export async function storeEvents(store: Store, events: readonly ExperimentEvent[]): Promise<StoreEventsResult> {
  const stored = new Map<string, string>();
  const ids = [...new Set(events.map((e) => e.eventId))];
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const rows = await store.all<{ event_id: string; experiment_key: string; unit_id: string; arm: string; occurred_at: Date; metrics: string }>(
      `SELECT event_id, experiment_key, unit_id, arm, occurred_at, metrics FROM experiment_events WHERE list_contains($ids, event_id)`,
      { ids: listValue(ids.slice(i, i + LOOKUP_CHUNK)) },
      { ids: LIST(VARCHAR) },
    );
    for (const r of rows) {
      stored.set(r.event_id, contentKey({ experimentKey: r.experiment_key, unitId: r.unit_id, arm: r.arm, occurredAt: r.occurred_at, metrics: JSON.parse(r.metrics) as EventMetrics }));
    }
  }
  const fresh: ExperimentEvent[] = [];
  const result: StoreEventsResult = { inserted: 0, duplicates: 0, conflicts: [] };
  events.forEach((event, index) => {
    const key = contentKey(event);
    const existing = stored.get(event.eventId);
    if (existing === undefined) {
      stored.set(event.eventId, key);
      fresh.push(event);
    } else if (existing === key) {
      result.duplicates++;
    } else {
      result.conflicts.push({ index, eventId: event.eventId });
    }
  });
  result.inserted = await store.append(
    'experiment_events',
    fresh.map((e) => [e.eventId, e.experimentKey, e.unitId, e.arm, e.occurredAt, JSON.stringify(e.metrics), e.source]),
  );
  return result;
}
