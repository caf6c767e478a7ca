/**
 * Stage 5 of the benchmark engine: storing the run. Completed items are kept in memory and
 * written in batches (a full batch, or the flush interval passed); each batch is executed and
 * scored (execute-score.ts) and written in one transaction: run_items and item_metrics
 * (run-store.ts), llm_calls (call-log.ts), RAG answers (lib/rag/rag-answers.ts) and the response cache, an item attempted again
 * replacing its old rows. The store is opened per write, never held during LLM calls.
 *
 * While another process holds the database (a notebook, another writer) the run does not give
 * up: every write (creating the run, a batch, its end) waits for it, in single attempts paced by
 * a backoff capped at 5 s, for as long as the run lives, and says once per hold for what it waits.
 * Meanwhile the run goes on and keeps its completed items in memory; they leave memory only once
 * their batch is committed, so a write that fails (a held database, a full disk) loses none.
 */
import { withStore, type Store, type StoreOptions } from '../../store/store';
import { DatabaseLockedError, HeldDatabaseWait, NO_LOCK_WAIT, RUN_WRITE_BACKOFF, describeHolder, retryWhileHeld, type HeldEpisode } from '../../store/lock-retry';
import type { Qrels } from '../../evaluation/types';
import type { ResponseCache } from '../../llm/response-cache';
import { appendLlmCalls, deleteLlmCalls } from '../../llm/call-log';
import { appendMetricRows, appendRunItems, deleteRunItems } from '../run-store';
import { executeAndScore, scoredRows } from './execute-score';
import { appendRagAnswers, deleteRagAnswers, ragAnswerRows } from '../../rag/rag-answers';
import type { BackendProvider } from '../../backends/registry';
import type { ItemPlan } from './plan-items';
import type { PendingItem } from './items';

export const DEFAULT_FLUSH_ITEMS = 100;
export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;

/** `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What a batch is written with: where the run's questions are judged and what it still has to do. */
export interface BatchTarget {
  runId: string;
  dataset: string;
  topK: number;
  qrels: Qrels;
  plan: ItemPlan;
  cache: ResponseCache;
  /** Where the generated queries run (the suite's `backend`, embedded by default). */
  backends: BackendProvider;
}

/** Executes, scores and stores one batch in one transaction; the items are then done. */
export async function writeBatch(store: Store, target: BatchTarget, batch: PendingItem[]): Promise<void> {
  const { runId, plan } = target;
  const executed = await executeAndScore(target.backends.forStore(store), target.qrels, batch, target.topK);
  const replaced = batch.filter((p) => plan.redo.has(p.key)).map((p) => p.key);
  const { itemRows, metricRows } = scoredRows(runId, batch, executed, new Date().toISOString(), target.qrels, target.topK);
  const cacheCommitted = await store.transaction(async () => {
    // Items attempted again (--resume): their new rows replace the old ones in one transaction.
    await deleteRunItems(store, runId, replaced);
    await deleteLlmCalls(store, runId, replaced);
    await appendRunItems(store, itemRows);
    await appendMetricRows(store, metricRows);
    await appendLlmCalls(store, batch.flatMap((p) => p.calls.map((call) => ({ call, runId, itemKey: p.key }))));
    await deleteRagAnswers(store, runId, replaced);
    await appendRagAnswers(store, ragAnswerRows(runId, batch));
    return target.cache.flush(store);
  });
  cacheCommitted();
  for (const p of batch) {
    plan.done.add(p.key);
    plan.redo.delete(p.key);
  }
}

export interface RecorderSettings {
  storeOptions: StoreOptions;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
  flushItems?: number | undefined;
  flushIntervalMs?: number | undefined;
}

/** The run's writes, waiting out a held database, and the completed items not stored yet. */
export class RunRecorder {
  /** For what the run waits, said when the database is held. */
  waitingFor = 'to start the run';
  readonly held: HeldDatabaseWait;
  /** Completed items not stored yet. */
  readonly pending: PendingItem[] = [];
  /** The first write failure other than a held database (disk full, file too large, ...). */
  writeFailure: unknown;
  private lastFlush = performance.now();
  private target: BatchTarget | undefined;
  private readonly writeOptions: StoreOptions;

  constructor(private readonly settings: RecorderSettings) {
    const { log } = settings;
    this.held = new HeldDatabaseWait({
      onHeld: (episode) =>
        log(
          `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}: waiting for it ${this.waitingFor}, trying again every ` +
            `${seconds(RUN_WRITE_BACKOFF.maxDelayMs)} at most for as long as the run lives (Ctrl-C: one last try, then the run stops)`,
        ),
      onFree: (episode) => log(`database ${episode.dbPath} is free again after ${seconds(episode.waitedMs)} (${episode.attempts} tries)`),
    });
    this.writeOptions = { ...settings.storeOptions, lockRetry: NO_LOCK_WAIT };
  }

  /** Runs `work` on the store, waiting while another process holds the database. */
  whenFree<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return retryWhileHeld(this.held, () => withStore(this.writeOptions, work), this.settings.signal);
  }

  /**
   * A DatabaseLockedError that ended a wait, said as `explain` says it for the episode; other
   * errors as they are.
   */
  heldError(error: unknown, explain: (episode: HeldEpisode) => string): unknown {
    const episode = this.held.episode;
    if (error instanceof DatabaseLockedError && episode) return new DatabaseLockedError(episode.dbPath, episode.holder, episode.waitedMs, explain(episode));
    return error;
  }

  /** Where batches go, once the run is planned. */
  startBatches(target: BatchTarget): void {
    this.target = target;
    this.lastFlush = performance.now();
  }

  /** Keeps a completed item until its batch is stored (see maybeFlush). */
  add(item: PendingItem): void {
    this.pending.push(item);
  }

  /** One attempt to store the pending items; throws DatabaseLockedError when the file is held. */
  private async attemptFlush(): Promise<void> {
    if (this.pending.length === 0 || !this.target) return;
    const target = this.target;
    const batch = this.pending.slice();
    try {
      await withStore(this.writeOptions, (store) => writeBatch(store, target, batch));
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) this.writeFailure ??= error;
      throw error;
    }
    this.pending.splice(0, batch.length);
    this.lastFlush = performance.now();
    if (this.held.isHeld) this.settings.log(`stored the ${batch.length} completed item(s) kept in memory while the database was held`);
  }

  /**
   * Stores the pending items when a batch is full or the interval has passed. While the database
   * is held this never waits: the run goes on with its items in memory, and tries again when
   * the backoff says so.
   */
  async maybeFlush(): Promise<void> {
    if (this.pending.length === 0 || !this.held.due) return;
    const batchDue =
      this.pending.length >= (this.settings.flushItems ?? DEFAULT_FLUSH_ITEMS) || performance.now() - this.lastFlush > (this.settings.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    if (!batchDue && !this.held.isHeld) return;
    this.waitingFor = `to store ${this.pending.length} completed item(s); the run goes on and keeps its completed items in memory meanwhile`;
    try {
      await this.attemptFlush();
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) throw error;
      this.held.held(error);
      return;
    }
    this.held.free();
  }

  /** Stores the pending items, waiting while the database is held (until interrupted: then one last try). */
  async flushPending(): Promise<void> {
    this.waitingFor = `to store the run's last ${this.pending.length} completed item(s)`;
    await retryWhileHeld(this.held, () => this.attemptFlush(), this.settings.signal);
  }
}
