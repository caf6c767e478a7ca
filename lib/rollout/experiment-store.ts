/**
 * Owns an experiment's row in `experiments`: its configuration in effect, current stage,
 * percentage (a stage's, or half of it after a 'halve' action), status, and when the current
 * stage took effect. The experiment file is the source of truth for the configuration: loading
 * an experiment syncs a changed file into the row and logs a 'config-changed' decision; without
 * a file, the stored copy is used.
 */
import { InputError } from '../input-error';
import type { Store } from '../store/store';
import { recordDecision } from './decisions';
import { loadExperimentFile, validateExperiment, type ExperimentConfig } from './experiment-config';
import { toTimestamp } from './timestamps';

export const EXPERIMENT_STATUSES = ['running', 'rolled-back', 'completed'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface ExperimentState {
  key: string;
  config: ExperimentConfig;
  stageIndex: number;
  percentage: number;
  status: ExperimentStatus;
  createdAt: Date;
  updatedAt: Date;
  stageStartedAt: Date;
}

interface ExperimentRow {
  experiment_key: string;
  config: string;
  stage_index: number;
  percentage: number;
  status: ExperimentStatus;
  created_at: Date;
  updated_at: Date;
  stage_started_at: Date | null;
  [key: string]: unknown;
}

function toState(row: ExperimentRow): ExperimentState {
  return {
    key: row.experiment_key,
    config: validateExperiment(JSON.parse(row.config), `experiments.${row.experiment_key} (stored config)`),
    stageIndex: row.stage_index,
    percentage: row.percentage,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    stageStartedAt: row.stage_started_at ?? row.updated_at,
  };
}

export async function getExperiment(store: Store, key: string): Promise<ExperimentState | undefined> {
  const row = await store.one<ExperimentRow>(`SELECT * FROM experiments WHERE experiment_key = $key`, { key });
  return row ? toState(row) : undefined;
}

export async function listExperiments(store: Store): Promise<ExperimentState[]> {
  const rows = await store.all<ExperimentRow>(`SELECT * FROM experiments ORDER BY experiment_key`);
  return rows.map(toState);
}

/**
 * Registers `config` at its first stage, or brings the stored configuration up to date (keeping
 * the stage, clamped to the new stage list). Returns the state in effect.
 */
export async function syncExperiment(store: Store, config: ExperimentConfig, source: string, now: Date = new Date()): Promise<ExperimentState> {
  const json = JSON.stringify(config);
  const existing = await store.one<ExperimentRow>(`SELECT * FROM experiments WHERE experiment_key = $key`, { key: config.key });
  if (!existing) {
    const first = config.stages[0];
    await store.transaction(async () => {
      await store.run(
        `INSERT INTO experiments (experiment_key, config, stage_index, percentage, status, created_at, updated_at, stage_started_at)
         VALUES ($key, $config, 0, $percentage, 'running', $now, $now, $now)`,
        { key: config.key, config: json, percentage: first?.percentage ?? 0, now: toTimestamp(now) },
      );
      await recordDecision(store, {
        experimentKey: config.key, decidedAt: now, decision: 'created', fromStage: null, toStage: 0, automatic: false,
        evidence: { source, stage: first?.name, percentage: first?.percentage ?? 0 },
      });
    });
  } else if (existing.config !== json) {
    const lastStage = config.stages.length - 1;
    const stageIndex = Math.min(existing.stage_index, lastStage);
    const stageChanged = stageIndex !== existing.stage_index;
    await store.transaction(async () => {
      await store.run(
        `UPDATE experiments SET config = $config, stage_index = $stage, updated_at = $now
         ${stageChanged ? ', percentage = $percentage, stage_started_at = $now' : ''} WHERE experiment_key = $key`,
        {
          key: config.key, config: json, stage: stageIndex, now: toTimestamp(now),
          ...(stageChanged ? { percentage: config.stages[stageIndex]?.percentage ?? 0 } : {}),
        },
      );
      await recordDecision(store, {
        experimentKey: config.key, decidedAt: now, decision: 'config-changed', fromStage: existing.stage_index, toStage: stageIndex, automatic: false,
        evidence: { source, previous: JSON.parse(existing.config) as unknown },
      });
    });
  }
  const state = await getExperiment(store, config.key);
  if (!state) throw new Error(`experiment ${config.key} vanished while being registered`);
  return state;
}

export interface ResolveOptions {
  /** Folder of experiment files (default data/experiments). */
  experimentsDir?: string;
  now?: Date;
}

/** The experiment named by key or file: synced from its file when there is one, else as stored. */
export async function resolveExperiment(store: Store, keyOrFile: string, options: ResolveOptions = {}): Promise<ExperimentState> {
  const loaded = loadExperimentFile(keyOrFile, options.experimentsDir);
  if (loaded) return syncExperiment(store, loaded.config, loaded.file, options.now);
  const stored = await getExperiment(store, keyOrFile);
  if (stored) return stored;
  const known = (await listExperiments(store)).map((e) => e.key);
  throw new InputError(
    `unknown experiment '${keyOrFile}': no file data/experiments/${keyOrFile}.yaml and nothing stored` +
      (known.length > 0 ? `; stored experiments: ${known.join(', ')}` : ''),
  );
}

export interface StageChange {
  stageIndex: number;
  percentage: number;
  status: ExperimentStatus;
}

/** Moves the experiment to a stage/percentage; the stage clock restarts. */
export async function applyStageChange(store: Store, key: string, change: StageChange, now: Date): Promise<void> {
  await store.run(
    `UPDATE experiments SET stage_index = $stage, percentage = $percentage, status = $status, updated_at = $now, stage_started_at = $now
     WHERE experiment_key = $key`,
    { key, stage: change.stageIndex, percentage: change.percentage, status: change.status, now: toTimestamp(now) },
  );
}
