/**
 * Owns an experiment's row in `experiments`: its configuration in effect, current stage,
 * percentage (a stage's, or half of it after a 'halve' action), status (running, paused: advances
 * wait for a person's resume, rolled-back, completed), and when the current stage took effect.
 * The experiment file is the source of truth for the configuration: loading an experiment syncs a
 * changed file into the row and logs a 'config-changed' decision; without a file, the stored copy
 * is used. `peekExperiment` shows the same without writing anything (for `rollout status`), and
 * `resolveForLook` keeps the monitor going past a broken file (it looks with the stored copy).
 */
import { InputError } from '../input-error';
import type { Store } from '../store/store';
import { recordDecision } from './decisions';
import { loadExperimentFile, validateExperiment, type ExperimentConfig } from './experiment-config';
import { toTimestamp } from './timestamps';
import { nowOf, type Clock } from './clock';

export const EXPERIMENT_STATUSES = ['running', 'paused', 'rolled-back', 'completed'] as const;
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

/** The keys of every stored experiment (without validating their stored configurations). */
export async function listExperimentKeys(store: Store): Promise<string[]> {
  const rows = await store.all<{ experiment_key: string }>(`SELECT experiment_key FROM experiments ORDER BY experiment_key`);
  return rows.map((r) => r.experiment_key);
}

/** The stored state with `config` in effect, as syncExperiment would leave it, without writing. */
function withConfig(stored: ExperimentState, config: ExperimentConfig, now: Date): ExperimentState {
  if (JSON.stringify(stored.config) === JSON.stringify(config)) return stored;
  const stageIndex = Math.min(stored.stageIndex, config.stages.length - 1);
  if (stageIndex === stored.stageIndex) return { ...stored, config };
  return { ...stored, config, stageIndex, percentage: config.stages[stageIndex]?.percentage ?? 0, stageStartedAt: now };
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
  /** The time of this unit of work; default: the clock's. */
  now?: Date;
  /** Where "now" comes from when `now` is not given (default: the wall clock). */
  clock?: Clock;
}

async function unknownExperiment(store: Store, keyOrFile: string): Promise<InputError> {
  const known = await listExperimentKeys(store);
  return new InputError(
    `unknown experiment '${keyOrFile}': no file data/experiments/${keyOrFile}.yaml and nothing stored` +
      (known.length > 0 ? `; stored experiments: ${known.join(', ')}` : ''),
  );
}

/** The experiment named by key or file: synced from its file when there is one, else as stored. */
export async function resolveExperiment(store: Store, keyOrFile: string, options: ResolveOptions = {}): Promise<ExperimentState> {
  const loaded = loadExperimentFile(keyOrFile, options.experimentsDir);
  if (loaded) return syncExperiment(store, loaded.config, loaded.file, nowOf(options));
  const stored = await getExperiment(store, keyOrFile);
  if (stored) return stored;
  throw await unknownExperiment(store, keyOrFile);
}

export interface PeekedExperiment {
  /** The stored state with the file's configuration in effect; undefined when nothing is stored (not started). */
  state: ExperimentState | undefined;
  /** The configuration in effect: the file's, else the stored copy's. */
  config: ExperimentConfig;
  file: string | undefined;
}

/**
 * The experiment as `resolveExperiment` would see it, writing nothing: the stored row (if any)
 * with the file's configuration applied in memory. `store` may be undefined (no database yet).
 */
export async function peekExperiment(store: Store | undefined, keyOrFile: string, options: ResolveOptions = {}): Promise<PeekedExperiment> {
  const loaded = loadExperimentFile(keyOrFile, options.experimentsDir);
  const stored = store ? await getExperiment(store, loaded?.config.key ?? keyOrFile) : undefined;
  if (loaded) return { state: stored ? withConfig(stored, loaded.config, nowOf(options)) : undefined, config: loaded.config, file: loaded.file };
  if (stored) return { state: stored, config: stored.config, file: undefined };
  if (!store) throw new InputError(`unknown experiment '${keyOrFile}': no file data/experiments/${keyOrFile}.yaml and no database`);
  throw await unknownExperiment(store, keyOrFile);
}

export interface ResolvedForLook {
  /** What to look at: synced from the file, or the stored copy when the file is broken; undefined when there is nothing to look at. */
  state: ExperimentState | undefined;
  /** Why the file (or the stored copy) could not be used: the message names the file and line. */
  broken: string | undefined;
}

/**
 * The monitor's resolve: like resolveExperiment, but a broken experiment file (or stored
 * configuration) is reported instead of thrown. With a broken file the stored copy, the last good
 * configuration, is looked at, so its triggers can still roll back.
 */
export async function resolveForLook(store: Store, key: string, options: ResolveOptions = {}): Promise<ResolvedForLook> {
  let broken: string | undefined;
  try {
    const loaded = loadExperimentFile(key, options.experimentsDir);
    if (loaded) return { state: await syncExperiment(store, loaded.config, loaded.file, nowOf(options)), broken: undefined };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    broken = error.message;
  }
  try {
    const stored = await getExperiment(store, key);
    if (stored) return { state: stored, broken };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { state: undefined, broken: [broken, error.message].filter(Boolean).join('\n') };
  }
  if (broken !== undefined) return { state: undefined, broken };
  throw await unknownExperiment(store, key);
}

export interface StageChange {
  stageIndex: number;
  percentage: number;
  status: ExperimentStatus;
}

/** Changes only the status (pause, resume): the stage and its clock stay. */
export async function setExperimentStatus(store: Store, key: string, status: ExperimentStatus, now: Date): Promise<void> {
  await store.run(`UPDATE experiments SET status = $status, updated_at = $now WHERE experiment_key = $key`, { key, status, now: toTimestamp(now) });
}

/** Moves the experiment to a stage/percentage; the stage clock restarts. */
export async function applyStageChange(store: Store, key: string, change: StageChange, now: Date): Promise<void> {
  await store.run(
    `UPDATE experiments SET stage_index = $stage, percentage = $percentage, status = $status, updated_at = $now, stage_started_at = $now
     WHERE experiment_key = $key`,
    { key, stage: change.stageIndex, percentage: change.percentage, status: change.status, now: toTimestamp(now) },
  );
}
