/**
 * Why a run's completed items did not reach the store: the database stayed held until the run was
 * interrupted, or the file system refused the write. Kept apart from bench-run.ts so the CLI's
 * exit-code mapping can name them without loading the benchmark engine.
 */
import { DatabaseLockedError, describeHolder, type HeldEpisode } from '../store/lock-retry';

/** `12.3 s`. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Completed items that could not be stored because another process held the database until the
 * run was interrupted (exit 4, like any held database). `--resume` runs them again.
 */
export class UnstoredItemsError extends DatabaseLockedError {
  readonly runId: string;
  readonly unstored: number;

  constructor(runId: string, unstored: number, episode: HeldEpisode) {
    super(
      episode.dbPath,
      episode.holder,
      episode.waitedMs,
      `${unstored} completed item(s) of run ${runId} could not be stored: database ${episode.dbPath} is held by ${describeHolder(episode.holder)}, ` +
        `and the run was interrupted after waiting ${seconds(episode.waitedMs)} for it (${episode.attempts} tries). The items stored before are kept; ` +
        `the run stays 'running'. Once the file is free, \`benchlab run --resume ${runId}\` runs the ${unstored} item(s) again.`,
    );
    this.name = 'UnstoredItemsError';
    this.runId = runId;
    this.unstored = unstored;
  }
}

/** Completed items a write failure (disk full, file too large, permission denied) kept out of the store; `cause` is that failure. */
export class RunWriteError extends Error {
  readonly runId: string;
  readonly unstored: number;

  constructor(runId: string, unstored: number, cause: unknown) {
    super(`${unstored} completed item(s) of run ${runId} could not be stored: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunWriteError';
    this.runId = runId;
    this.unstored = unstored;
  }
}

