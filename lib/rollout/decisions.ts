/**
 * Owns the decision log (`experiment_decisions`): every decision about an experiment, by a
 * person or by the monitor, with its evidence as JSON. The monitor's looks are decisions too
 * ('continue', 'ready'), so the log shows what was known at each look and why nothing happened;
 * it also carries the triggers' pending state from one look to the next.
 */
import type { Store } from '../store/store';
import { toTimestamp } from './timestamps';

/** What was decided. Stage changes carry from/to stage; percentages and reasons live in the evidence. */
export const DECISION_KINDS = [
  'created',
  'config-changed',
  'continue',
  'ready',
  'advance',
  'rollback',
  'halve',
  'investigate',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export interface DecisionRecord {
  experimentKey: string;
  decidedAt: Date;
  decision: DecisionKind;
  fromStage: number | null;
  toStage: number | null;
  automatic: boolean;
  evidence: Record<string, unknown>;
}

export async function recordDecision(store: Store, record: DecisionRecord): Promise<void> {
  await store.append('experiment_decisions', [[
    record.experimentKey,
    record.decidedAt,
    record.decision,
    record.fromStage,
    record.toStage,
    record.automatic,
    JSON.stringify(record.evidence),
  ]]);
}

interface DecisionRow {
  experiment_key: string;
  decided_at: Date;
  decision: DecisionKind;
  from_stage: number | null;
  to_stage: number | null;
  automatic: boolean;
  evidence: string;
  [key: string]: unknown;
}

function toRecord(row: DecisionRow): DecisionRecord {
  return {
    experimentKey: row.experiment_key,
    decidedAt: row.decided_at,
    decision: row.decision,
    fromStage: row.from_stage,
    toStage: row.to_stage,
    automatic: row.automatic,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
  };
}

export interface DecisionQuery {
  /** Newest first, at most this many. */
  limit?: number;
  /** Leave out the monitor's routine looks ('continue', 'ready'). */
  actionsOnly?: boolean;
}

const ROUTINE: readonly DecisionKind[] = ['continue', 'ready'];

/** The decision log of an experiment, newest first. */
export async function loadDecisions(store: Store, experimentKey: string, query: DecisionQuery = {}): Promise<DecisionRecord[]> {
  const rows = await store.all<DecisionRow>(
    `SELECT * FROM experiment_decisions
     WHERE experiment_key = $key ${query.actionsOnly ? `AND decision NOT IN (${ROUTINE.map((d) => `'${d}'`).join(', ')})` : ''}
     ORDER BY decided_at DESC, rowid DESC
     ${query.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(query.limit))}` : ''}`,
    { key: experimentKey },
  );
  return rows.map(toRecord);
}

/** The newest decision at or after `since` whose evidence carries `field` (the monitor's trigger state). */
export async function latestEvidenceSince(store: Store, experimentKey: string, since: Date, field: string): Promise<Record<string, unknown> | undefined> {
  const row = await store.one<{ evidence: string }>(
    `SELECT evidence FROM experiment_decisions
     WHERE experiment_key = $key AND decided_at >= $since AND json_exists(evidence, $path)
     ORDER BY decided_at DESC, rowid DESC LIMIT 1`,
    { key: experimentKey, since: toTimestamp(since), path: `$.${field}` },
  );
  return row ? (JSON.parse(row.evidence) as Record<string, unknown>) : undefined;
}
