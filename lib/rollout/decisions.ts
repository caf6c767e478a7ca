/**
 * Owns the decision log (`experiment_decisions`): every decision about an experiment, by a
 * person or by the monitor, with its evidence as JSON. The monitor's looks are decisions too
 * ('continue', 'ready'), so the log shows what was known at each look and why nothing happened;
 * it also carries the triggers' state (which episode each acted on) from one look to the next,
 * and tells when the current stage began (`stageBeganAt`: halving the percentage restarts the
 * stage clock of the gates, not the stage).
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
  'pause',
  'resume',
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

/** Decisions that put the experiment at the start of a stage (a halving or a pause does not). */
const STAGE_STARTS: readonly DecisionKind[] = ['created', 'advance', 'rollback'];

/**
 * When the experiment's current stage began: the latest decision that moved it to a stage
 * (created, advance, rollback, or a config change that moved the stage), at or before
 * `stageStartedAt` (which a halving moves on). Triggers read the stage's events from here, so an
 * episode goes on across a halving. Falls back to `stageStartedAt`.
 */
export async function stageBeganAt(store: Store, experimentKey: string, stageStartedAt: Date): Promise<Date> {
  const row = await store.one<{ began: Date | null }>(
    `SELECT max(decided_at) AS began FROM experiment_decisions
     WHERE experiment_key = $key AND decided_at <= $until
       AND (decision IN (${STAGE_STARTS.map((d) => `'${d}'`).join(', ')}) OR (decision = 'config-changed' AND from_stage IS DISTINCT FROM to_stage))`,
    { key: experimentKey, until: toTimestamp(stageStartedAt) },
  );
  return row?.began ?? stageStartedAt;
}
