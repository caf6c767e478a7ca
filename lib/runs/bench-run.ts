/**
 * The query-generation benchmark run (`benchlab run`, `npm run bench`): for every repeat,
 * question and generator, generate queries (LLM or baseline), execute the valid ones ID-only,
 * fuse, score, and store the item with its LLM calls. Multi-model items fuse every valid query
 * of every model for a question. Items are written in batches (the store is opened per batch,
 * never held during LLM calls); an interruption or crash leaves the completed items and marks
 * the run, and `--resume RUN_ID` finishes it without redoing them, with the suite stored with the
 * run (a `--suite` given must have the same content). One process works on a run at a time: it
 * holds the run's lock (run-lock.ts) from start, or resume, to the end.
 *
 * While another process holds the database (a notebook, another writer) the run does not give
 * up: it goes on with its completed items in memory, says once for whom it waits, and writes
 * them when the file is free (tries paced by a backoff capped at 5 s, for as long as the run
 * lives; interrupted, it makes one last try and says how many items it could not store, exit 4).
 * The run row is created only once the run has all it needs, so one that fails before its first
 * item leaves no `running` row.
 *
 * Faults stay with the model that has them. When a model's circuit is open (see llm-client.ts),
 * the run moves on to the other generators and comes back to it at the end of the repeat, once
 * the cooldown has passed; a model whose failures already cost the run its budget (first-token
 * deadline x breaker threshold) is not probed again. Items that still cannot be attempted are
 * stored as `not-attempted`, apart from model errors; `--resume RUN_ID` attempts them, and
 * `--retry-errors` also attempts the items that ended in an error.
 */
import type { Query } from '../datasets/types';
import type { Qrels } from '../evaluation/types';
import { getDataset, loadQrels, loadQueries } from '../datasets/catalog';
import { parseCollection } from '../datasets/index';
import { importCollection } from '../datasets/import';
import { UnknownDatasetError } from '../datasets/catalog';
import { withStore, type Store, type StoreOptions } from '../store/store';
import { DatabaseLockedError, HeldDatabaseWait, NO_LOCK_WAIT, RUN_WRITE_BACKOFF, describeHolder, retryWhileHeld } from '../store/lock-retry';
import { GpuSampler } from '../gpu/gpu-sampler';
import { summarizeGpuRun, type GpuRunSummary } from '../gpu/run-summary';
import { Analyzer } from '../text/analyzer';
import { DEFAULT_BM25 } from '../retrieval/bm25';
import { LlmClient, type LlmCall, type LlmClientOptions } from '../llm/llm-client';
import { hostsFromSettings, type HostConfig } from '../llm/hosts';
import { limitsFromSettings } from '../llm/llm-settings';
import { ResponseCache } from '../llm/response-cache';
import { UnknownModelError } from '../llm/model-catalog';
import { loadPromptTemplate } from '../querygen/prompt-template';
import { QuestionOrBaseline } from '../querygen/question-or-baseline';
import { TfidfKeywordsBaseline, type TermStatistics } from '../querygen/tfidf-keywords-baseline';
import { LlmQueryGenerator } from '../querygen/llm-generator';
import { executeQueries } from '../querygen/execute-queries';
import type { QueryCheck } from '../querygen/query-repair';
import type { ItemErrorKind, QueryGenerator } from '../querygen/types';
import type { AnswerReading } from '../llm/answer-extraction';
import { llmCallRow } from '../llm/call-log';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { loadSuite, resolveSuitePath, suiteSchema, type Suite } from '../suites/suite';
import { InputError } from '../input-error';
import { resolveDbPath } from '../store/db-path';
import { createRun, finishRun, reopenRun } from './run-store';
import { acquireRunLock } from './run-lock';
import { newRunId } from './run-id';
import { canonicalJson } from './run-fingerprint';
import { silentProgress, type Progress } from './progress';
import { MULTI_MODEL_GENERATOR, summarizeBenchRun, type BenchSummary } from './bench-summary';

export { MULTI_MODEL_GENERATOR };
import { checkExpectations } from './expectations';
import { RunWriteError, UnstoredItemsError } from './run-errors';

export const DEFAULT_FLUSH_ITEMS = 100;

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;

export interface BenchOptions {
  suite?: string;
  dbPath?: string;
  useCache?: boolean;
  resumeRunId?: string;
  /** With resumeRunId: attempt the items that ended in an error again. */
  retryErrors?: boolean;
  hosts?: HostConfig[];
  llm?: Omit<LlmClientOptions, 'hosts' | 'cache' | 'useCache'>;
  progress?: Progress;
  log?: (line: string) => void;
  signal?: AbortSignal;
  flushItems?: number;
  flushIntervalMs?: number;
  /** GPU sampler settings: the environment it finds its tools in (PATH), and its interval. */
  gpu?: { env?: NodeJS.ProcessEnv; intervalMs?: number };
}

export interface SkippedModel {
  model: string;
  reason: string;
}

export interface BenchResult {
  runId: string;
  status: 'completed' | 'interrupted' | 'failed';
  suite: Suite;
  suiteFile: string;
  llmReachable: boolean;
  skippedModels: SkippedModel[];
  summary: BenchSummary;
  /** GPU figures of the run per model and phase; null when no GPU telemetry was taken. */
  gpu: GpuRunSummary | null;
  expectationFailures: string[];
}

/** `ok`: at least one usable query; `error`: attempted, nothing usable; `not-attempted`: the model's circuit stayed open. */
export type ItemStatus = 'ok' | 'error' | 'not-attempted';

/** One finished unit of work, before it is executed against the index. */
interface PendingItem {
  key: string;
  generator: string;
  model: string | undefined;
  questionId: string;
  repeat: number;
  /** The valid queries, which are run. */
  queries: string[];
  checks: QueryCheck[];
  answerRead: AnswerReading | null;
  latencyMs: number;
  /** Model load over the item's calls; for a multi-model item, over its models' items. */
  loadMs: number | null;
  calls: LlmCall[];
  status: ItemStatus;
  error: string | undefined;
  errorKind: ItemErrorKind | undefined;
}

function itemKey(repeat: number, generator: string, questionId: string): string {
  return `r${repeat}|${generator}|${questionId}`;
}

async function ensureDataset(store: Store, suite: Suite, log: (line: string) => void): Promise<void> {
  try {
    await getDataset(store, suite.dataset);
  } catch (error) {
    if (!(error instanceof UnknownDatasetError) || !suite.import) throw error;
    const paths = suite.import.paths.map(resolveSuitePath);
    log(`importing dataset '${suite.dataset}' from ${paths.join(', ')}`);
    const collection = await parseCollection(suite.import.format, paths);
    await importCollection(store, suite.dataset, collection, {
      ...(suite.import.fields ? { fields: suite.import.fields } : {}),
      sourcePaths: paths,
    });
  }
}

async function termStatistics(store: Store, dataset: string, docCount: number): Promise<TermStatistics> {
  const rows = await store.all<{ term: string; doc_freq: number }>(`SELECT term, doc_freq FROM index_terms WHERE dataset = $dataset`, { dataset });
  return { docCount, docFreq: new Map(rows.map((r) => [r.term, r.doc_freq])) };
}

interface RunContext {
  runId: string;
  questions: Query[];
  qrels: Qrels;
  stats: TermStatistics;
  analyzerSettings: { stem: boolean; stopwords: boolean };
  done: Set<string>;
  /** Items stored before that this run attempts again (their old rows are replaced). */
  redo: Set<string>;
  /** Queries of LLM items already stored (for multi-model items on resume). */
  storedQueries: Map<string, StoredSingle>;
}

/** What a multi-model item needs of each model's item for the same question. */
interface StoredSingle {
  queries: string[];
  checks: QueryCheck[];
  latencyMs: number;
  loadMs: number | null;
  errorKind: ItemErrorKind | undefined;
}

/** A suite and the file it was read from. */
interface LoadedSuite {
  suite: Suite;
  file: string;
}

/**
 * The run to resume and the suite to resume it with: the one stored with the run (runs.config
 * `suite`, `suiteFile`). A `--suite` given must have the same content (wherever the file is);
 * only a run that did not store its suite takes the given one.
 */
async function runToResume(store: Store, runId: string, given: LoadedSuite | undefined): Promise<{ status: string; loaded: LoadedSuite }> {
  const run = await store.one<{ status: string; config: unknown }>(`SELECT status, config FROM runs WHERE run_id = $id AND kind = 'bench'`, { id: runId });
  if (!run) throw new InputError(`no benchmark run '${runId}' to resume`);
  let config: unknown = run.config;
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config) as unknown;
    } catch {
      config = {};
    }
  }
  const stored = typeof config === 'object' && config !== null ? (config as { suite?: unknown; suiteFile?: unknown }) : {};
  const storedFile = typeof stored.suiteFile === 'string' ? stored.suiteFile : '(file not recorded)';
  if (stored.suite === undefined || stored.suite === null) {
    if (!given) throw new InputError(`run ${runId} does not record its suite: resume it with --suite FILE, the suite it was started with`);
    return { status: run.status, loaded: given };
  }
  const parsed = suiteSchema.safeParse(stored.suite);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InputError(`the suite stored with run ${runId} (${storedFile}) is not a valid suite any more: ${problems.join('; ')}`);
  }
  if (given) {
    const a = parsed.data as Record<string, unknown>;
    const b = given.suite as Record<string, unknown>;
    const differing = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => canonicalJson(a[key]) !== canonicalJson(b[key])).sort();
    if (differing.length > 0) {
      throw new InputError(
        `--suite ${given.file} differs from the suite run ${runId} was started with (${storedFile}, stored with the run) in ${differing.join(', ')}. ` +
          `Resume without --suite to finish the run with its own suite, or start a new run with this one.`,
      );
    }
  }
  return { status: run.status, loaded: { suite: parsed.data, file: storedFile } };
}

/**
 * Opens the run: a new one is created under `runId`; a resumed one (options.resumeRunId) is read
 * back with its suite, and its items done are not redone. `given` is the suite file loaded for a
 * new run, or the `--suite` given with a resume.
 */
async function prepare(
  store: Store,
  runId: string,
  given: LoadedSuite | undefined,
  options: BenchOptions,
  cache: ResponseCache,
  log: (line: string) => void,
): Promise<{ ctx: RunContext; suite: Suite; suiteFile: string }> {
  const resumed = options.resumeRunId !== undefined ? await runToResume(store, runId, given) : undefined;
  const { suite, file: suiteFile } = resumed?.loaded ?? given ?? loadSuite();
  await ensureDataset(store, suite, log);
  const info = await getDataset(store, suite.dataset);
  const all = await loadQueries(store, suite.dataset);
  const qrels = await loadQrels(store, suite.dataset);
  const questions = all.filter((q) => qrels.has(q.id)).slice(0, suite.max_questions ?? all.length);
  if (questions.length === 0) throw new InputError(`dataset '${suite.dataset}' has no judged questions to benchmark`);
  const stats = await termStatistics(store, suite.dataset, info.docCount);
  await cache.load(store, suite.generators.flatMap((g) => (g.type === 'llm' ? [g.model] : [])));
  const done = new Set<string>();
  const redo = new Set<string>();
  const storedQueries = new Map<string, StoredSingle>();
  if (resumed) {
    const items = await store.all<{ item_key: string; generated_queries: string | null; query_checks: string | null; latency_ms: number | null; load_ms: number | null; status: string | null; error_kind: string | null }>(
      `SELECT item_key, generated_queries, query_checks, latency_ms, load_ms, status, error_kind FROM run_items WHERE run_id = $id`,
      { id: runId },
    );
    for (const item of items) {
      const again = item.status === 'not-attempted' || (options.retryErrors === true && item.status === 'error');
      if (again) {
        redo.add(item.item_key);
        continue;
      }
      done.add(item.item_key);
      storedQueries.set(item.item_key, {
        queries: item.generated_queries ? (JSON.parse(item.generated_queries) as string[]) : [],
        checks: item.query_checks ? (JSON.parse(item.query_checks) as QueryCheck[]) : [],
        latencyMs: item.latency_ms ?? 0,
        loadMs: item.load_ms,
        errorKind: (item.error_kind as ItemErrorKind | null) ?? undefined,
      });
    }
    if (resumed.status === 'completed' && redo.size === 0) {
      throw new InputError(`run ${runId} is already completed` + (options.retryErrors ? ' and has no errors to retry' : '; add --retry-errors to attempt its errors again'));
    }
    await reopenRun(store, runId);
    log(`resuming run ${runId} (suite ${suite.name}, ${suiteFile}): ${done.size} item(s) already done, ${redo.size} to attempt again`);
  }
  // A new run's row is written only when the run has checked what it needs (generators, prompt
  // template) and starts work: see the createRun call in runLocked.
  return { ctx: { runId, questions, qrels, stats, analyzerSettings: info.analyzer, done, redo, storedQueries }, suite, suiteFile };
}

/** Which LLM models can run: reachable hosts that have them. Says why for each that cannot. */
async function availableModels(client: LlmClient, models: string[], log: (line: string) => void): Promise<{ reachable: boolean; available: string[]; skipped: SkippedModel[] }> {
  if (models.length === 0) return { reachable: true, available: [], skipped: [] };
  const { errors } = await client.listModels();
  if (errors.length === client.hosts.length) {
    const reason = `no LLM host reachable (${errors.map((e) => `${e.host}: ${e.message}`).join('; ')})`;
    log(`${reason}. LLM generators are skipped; the baselines still run. Start Ollama or set OLLAMA_HOST.`);
    return { reachable: false, available: [], skipped: models.map((model) => ({ model, reason })) };
  }
  const available: string[] = [];
  const skipped: SkippedModel[] = [];
  for (const model of models) {
    try {
      await client.validateModel(model);
      available.push(model);
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      skipped.push({ model, reason: error.message });
      log(`skipping ${model}: ${error.message}`);
    }
  }
  return { reachable: true, available, skipped };
}

export { RunWriteError, UnstoredItemsError };

/** `12.3 s`. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function flush(store: Store, suite: Suite, ctx: RunContext, pending: PendingItem[], cache: ResponseCache): Promise<void> {
  const executed = await executeQueries(store, suite.dataset, ctx.qrels, pending.map((p) => ({ key: p.key, questionId: p.questionId, queries: p.queries })), suite.top_k);
  const replaced = pending.filter((p) => ctx.redo.has(p.key)).map((p) => p.key);
  const cacheCommitted = await store.transaction(async () => {
    if (replaced.length > 0) {
      // Items attempted again (--resume): their new rows replace the old ones in one transaction.
      const keys = { run: ctx.runId, keys: listValue(replaced) };
      const types = { keys: LIST(VARCHAR) };
      for (const table of ['run_items', 'item_metrics', 'llm_calls']) {
        await store.run(`DELETE FROM ${table} WHERE run_id = $run AND list_contains($keys, item_key)`, keys, types);
      }
    }
    const now = new Date().toISOString();
    await store.append(
      'run_items',
      pending.map((p, i) => {
        const e = executed[i];
        const calls = p.calls;
        const cacheHit = calls.length > 0 && calls.every((c) => c.cacheHit);
        return [
          ctx.runId, p.key, p.generator, p.model ?? null, p.questionId, p.repeat, JSON.stringify(p.queries), p.checks.filter((c) => c.valid).length,
          p.checks.length, e?.docsFound ?? 0, p.latencyMs, sumOrNull(calls.map((c) => c.timings.promptTokens)), sumOrNull(calls.map((c) => c.timings.evalTokens)),
          calls.length > 0 ? cacheHit : null, p.error ?? null, now,
          // migration 5
          p.status, p.errorKind ?? null, p.answerRead, JSON.stringify(p.checks), p.loadMs,
        ];
      }),
    );
    await store.append(
      'item_metrics',
      // An item that ended in an error scores 0 (the model gave nothing usable); one never
      // attempted has no score at all, so a circuit that stayed open cannot drag a mean down.
      executed.flatMap((e, i) => (pending[i]?.status !== 'not-attempted' ? Object.entries(e.metrics).map(([measure, value]) => [ctx.runId, e.key, measure, value]) : [])),
    );
    await store.append('llm_calls', pending.flatMap((p) => p.calls.map((c) => llmCallRow(c, ctx.runId, p.key))));
    return cache.flush(store);
  });
  cacheCommitted();
  for (const p of pending) {
    ctx.done.add(p.key);
    ctx.redo.delete(p.key);
  }
}

const NS_PER_MS = 1e6;

/** Model load time the server reported over the calls that reached it (cache hits load nothing). */
function loadMs(calls: LlmCall[]): number | null {
  const fresh = calls.filter((c) => !c.cacheHit);
  const total = sumOrNull(fresh.map((c) => c.timings.loadNs));
  return total === null ? null : total / NS_PER_MS;
}

function sumOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? present.reduce((a, b) => a + b, 0) : null;
}


/** Samples the GPU for the run's duration; says once, and carries on, when there is no GPU tool. */
async function startGpuSampler(
  runId: string,
  storeOptions: StoreOptions,
  client: LlmClient,
  log: (line: string) => void,
  settings: BenchOptions['gpu'] = {},
): Promise<GpuSampler | undefined> {
  const sampler = new GpuSampler({
    store: storeOptions,
    ...(settings.env ? { env: settings.env } : {}),
    ...(settings.intervalMs !== undefined ? { intervalMs: settings.intervalMs } : {}),
    ...(client.providerKind === 'ollama' ? { ollamaHosts: client.hosts } : { ollamaHosts: [] }),
    onLog: (line) => log(`gpu: ${line}`),
  });
  const started = await sampler.start(runId);
  if (started.source === null) {
    log(`no GPU telemetry for this run: ${started.failure?.message ?? 'no GPU tool found'}`);
  }
  return sampler;
}


/**
 * Runs a suite, or resumes a run (options.resumeRunId) with the suite stored with it. The run's
 * lock is held from before the run is created or read back until it is finished; a run another
 * live process holds is refused (RunLockedError, exit 4).
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  // A new run is locked under the id it is about to be created with.
  const runId = options.resumeRunId ?? newRunId();
  const given = options.suite !== undefined || options.resumeRunId === undefined ? loadSuite(options.suite) : undefined;
  const lock = acquireRunLock(resolveDbPath(options.dbPath), runId, log);
  try {
    return await runLocked(runId, given, options);
  } finally {
    lock.release();
  }
}

async function runLocked(runId: string, given: LoadedSuite | undefined, options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? silentProgress;
  const cache = new ResponseCache();
  const useCache = options.useCache ?? true;
  const storeOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  // Every write of the run waits for a database another process holds, for as long as the run
  // lives: single attempts (NO_LOCK_WAIT), a backoff capped at 5 s between them, one message per
  // hold. Meanwhile the run goes on and keeps its completed items in memory (see maybeFlush).
  let waitingFor = 'to start the run';
  const held = new HeldDatabaseWait({
    onHeld: (episode) =>
      log(
        `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}: waiting for it ${waitingFor}, trying again every ` +
          `${seconds(RUN_WRITE_BACKOFF.maxDelayMs)} at most for as long as the run lives (Ctrl-C: one last try, then the run stops)`,
      ),
    onFree: (episode) => log(`database ${episode.dbPath} is free again after ${seconds(episode.waitedMs)} (${episode.attempts} tries)`),
  });
  const writeOptions: StoreOptions = { ...storeOptions, lockRetry: NO_LOCK_WAIT };
  const whenFree = <T>(work: (store: Store) => Promise<T>): Promise<T> => retryWhileHeld(held, () => withStore(writeOptions, work), options.signal);
  const { ctx, suite, suiteFile } = await whenFree((store) => prepare(store, runId, given, options, cache, log)).catch((error: unknown) => {
    const episode = held.episode;
    if (error instanceof DatabaseLockedError && episode) {
      throw new DatabaseLockedError(episode.dbPath, episode.holder, episode.waitedMs,
        `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}; the run waited ${seconds(episode.waitedMs)} for it to start and was interrupted: nothing was run or stored.`);
    }
    throw error;
  });

  const llmEvents: string[] = [];
  const client = new LlmClient({
    hosts: options.hosts ?? hostsFromSettings(suite.llm),
    ...limitsFromSettings(suite.llm),
    ...(options.llm ?? {}),
    cache,
    useCache,
    onEvent: (event) => {
      const line = event.type === 'breaker' ? `circuit ${event.host}: ${event.from} -> ${event.to} (${event.reason})` : `retry ${event.model}@${event.host} after attempt ${event.attempt}: ${event.error}`;
      llmEvents.push(line);
      log(line);
      options.llm?.onEvent?.(event);
    },
  });
  const llmModels = suite.generators.flatMap((g) => (g.type === 'llm' ? [g.model] : []));
  const { reachable, available, skipped, template } = await (async () => {
    const models = await availableModels(client, llmModels, log);
    return { ...models, template: models.available.length > 0 ? loadPromptTemplate(suite.prompt) : undefined };
  })().catch(async (error: unknown) => {
    // A new run has no row yet. A resumed one was set running by prepare: it is not left so.
    if (options.resumeRunId !== undefined) {
      const text = `the resume failed before its first item: ${error instanceof Error ? error.message : String(error)}`;
      await withStore(storeOptions, (store) => finishRun(store, runId, 'failed', text)).catch((storeError: unknown) =>
        log(`could not mark run ${runId} failed: ${storeError instanceof Error ? storeError.message : String(storeError)}`),
      );
    }
    throw error;
  });
  const analyzer = new Analyzer(ctx.analyzerSettings);
  const generators: QueryGenerator[] = suite.generators.flatMap((g): QueryGenerator[] => {
    if (g.type === 'question-or') return [new QuestionOrBaseline()];
    if (g.type === 'tfidf-keywords') return [new TfidfKeywordsBaseline(ctx.stats, analyzer, g.keywords)];
    return available.includes(g.model) && template
      ? [new LlmQueryGenerator(client, g.model, template, { queriesPerModel: suite.queries_per_model, options: suite.options, repairQueries: suite.repair_queries })]
      : [];
  });
  const llmGenerators = generators.filter((g) => g.kind === 'llm');
  const withMulti = suite.multi_model && llmGenerators.length >= 2;

  const perQuestion = generators.length + (withMulti ? 1 : 0);
  const total = suite.repeats * ctx.questions.length * perQuestion;
  if (options.resumeRunId === undefined) {
    // The run row is created now that the run has all it needs: a run that fails before (a
    // missing prompt template, an unknown dataset) leaves no 'running' row behind.
    waitingFor = 'to create the run';
    await whenFree((store) =>
      createRun(store, { runId, kind: 'bench', dataset: suite.dataset, suite: suite.name, config: { suite, suiteFile, useCache, bm25: DEFAULT_BM25 } }),
    ).catch((error: unknown) => {
      const episode = held.episode;
      if (error instanceof DatabaseLockedError && episode) {
        throw new DatabaseLockedError(episode.dbPath, episode.holder, episode.waitedMs,
          `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}; the run waited ${seconds(episode.waitedMs)} to create run ${runId} and was interrupted: nothing was run or stored.`);
      }
      throw error;
    });
  }
  progress.start(total, ctx.done.size);
  // Completed items not stored yet. They leave this list only once their batch is committed, so
  // a write that fails (a held database, a full disk) loses none of them.
  const pending: PendingItem[] = [];
  let lastFlush = performance.now();
  /** The first write failure other than a held database (disk full, file too large, ...). */
  let writeFailure: unknown;
  /** One attempt to store the pending items; throws DatabaseLockedError when the file is held. */
  const attemptFlush = async () => {
    if (pending.length === 0) return;
    const batch = pending.slice();
    try {
      await withStore(writeOptions, (store) => flush(store, suite, ctx, batch, cache));
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) writeFailure ??= error;
      throw error;
    }
    pending.splice(0, batch.length);
    lastFlush = performance.now();
    if (held.isHeld) log(`stored the ${batch.length} completed item(s) kept in memory while the database was held`);
  };
  /** Stores the pending items, waiting while the database is held (until interrupted: then one last try). */
  const flushPending = async () => {
    waitingFor = `to store the run's last ${pending.length} completed item(s)`;
    await retryWhileHeld(held, attemptFlush, options.signal);
  };

  const gpu = suite.gpu_sampling && llmGenerators.length > 0 ? await startGpuSampler(ctx.runId, storeOptions, client, log, options.gpu) : undefined;
  let status: BenchResult['status'] = 'completed';
  let failure: unknown;
  /**
   * Stores the pending items when a batch is full or the interval has passed. While the database
   * is held this never waits: the run goes on with its items in memory, and tries again when
   * the backoff says so.
   */
  const maybeFlush = async () => {
    if (pending.length === 0 || !held.due) return;
    const batchDue = pending.length >= (options.flushItems ?? DEFAULT_FLUSH_ITEMS) || performance.now() - lastFlush > (options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    if (!batchDue && !held.isHeld) return;
    waitingFor = `to store ${pending.length} completed item(s); the run goes on and keeps its completed items in memory meanwhile`;
    try {
      await attemptFlush();
    } catch (error) {
      if (!(error instanceof DatabaseLockedError)) throw error;
      held.held(error);
      return;
    }
    held.free();
  };
  const aborted = () => options.signal?.aborted === true;
  // (repeat, question) -> the LLM generators' items, for the multi-model items.
  const llmItems = new Map<string, StoredSingle[]>();
  const collect = (generator: QueryGenerator, repeat: number, questionId: string, item: StoredSingle | undefined) => {
    if (generator.kind !== 'llm' || !item) return;
    const list = llmItems.get(`${repeat}|${questionId}`) ?? [];
    list.push(item);
    llmItems.set(`${repeat}|${questionId}`, list);
  };
  const record = async (item: PendingItem, label: string) => {
    pending.push(item);
    progress.advance(label);
    await maybeFlush();
  };

  /**
   * Runs `generator` over `questions` in order. Returns the questions left when the model's
   * circuit was open (nothing was sent), so the run can come back to them.
   */
  const runGenerator = async (generator: QueryGenerator, repeat: number, questions: Query[]): Promise<Query[]> => {
    for (let index = 0; index < questions.length; index++) {
      const question = questions[index] as Query;
      if (aborted()) return [];
      const key = itemKey(repeat, generator.id, question.id);
      if (ctx.done.has(key)) {
        collect(generator, repeat, question.id, ctx.storedQueries.get(key));
        continue;
      }
      const generated = await generator.generate(question);
      if (generated.errorKind === 'circuit' && generated.calls.every((c) => c.attempts === 0)) return questions.slice(index);
      const item: PendingItem = {
        key, generator: generator.id, model: generator.model, questionId: question.id, repeat,
        queries: generated.queries, checks: generated.checks, answerRead: generated.answerRead, latencyMs: generated.latencyMs,
        loadMs: loadMs(generated.calls), calls: generated.calls, status: generated.error ? 'error' : 'ok', error: generated.error, errorKind: generated.errorKind,
      };
      await record(item, `${generator.id} ${question.id}`);
      collect(generator, repeat, question.id, item);
    }
    return [];
  };

  const notAttempted = async (generator: QueryGenerator, repeat: number, questions: Query[], reason: string) => {
    for (const question of questions) {
      if (aborted()) return;
      await record(
        {
          key: itemKey(repeat, generator.id, question.id), generator: generator.id, model: generator.model, questionId: question.id, repeat,
          queries: [], checks: [], answerRead: null, latencyMs: 0, loadMs: null, calls: [], status: 'not-attempted', error: `not attempted: ${reason}`, errorKind: 'circuit',
        },
        `${generator.id} ${question.id}`,
      );
    }
  };

  // What the failed attempts of one model may cost the run: its first-token deadline (the
  // longest one attempt can hang) times the breaker threshold.
  const { deadline, breaker } = client.limits;
  const attemptLimitMs = Math.max(deadline.firstTokenMs ?? deadline.idleMs, deadline.idleMs);
  const failureBudgetMs = attemptLimitMs * breaker.failureThreshold;

  /** Comes back to a model whose circuit was open: after the cooldown, within the model's failure budget. */
  const comeBack = async (generator: QueryGenerator, repeat: number, questions: Query[]) => {
    const model = generator.model ?? '';
    const spentMs = client.failureCostMs(model);
    if (spentMs + attemptLimitMs > failureBudgetMs) {
      const reason = `circuit open for ${model}; its failures cost ${(spentMs / 1000).toFixed(1)} s, and a probe could take ${(attemptLimitMs / 1000).toFixed(1)} s more of its ${(failureBudgetMs / 1000).toFixed(1)} s budget`;
      log(`${generator.id}: ${questions.length} item(s) not attempted (${reason})`);
      await notAttempted(generator, repeat, questions, reason);
      return;
    }
    const waitMs = Math.min(client.circuitWaitMs(model) ?? 0, breaker.cooldownMs);
    log(`${generator.id}: coming back to ${questions.length} item(s)${waitMs > 0 ? ` after ${Math.ceil(waitMs)} ms` : ''}`);
    if (waitMs > 0) await sleep(waitMs, options.signal);
    const left = await runGenerator(generator, repeat, questions);
    if (left.length > 0) {
      const reason = `circuit open for ${model} after the probe`;
      log(`${generator.id}: ${left.length} item(s) not attempted (${reason})`);
      await notAttempted(generator, repeat, left, reason);
    }
  };

  try {
    outer: for (let repeat = 0; repeat < suite.repeats; repeat++) {
      // Generator-major order: a local GPU loads each model once, instead of once per question.
      const parked: { generator: QueryGenerator; questions: Query[] }[] = [];
      for (const generator of generators) {
        gpu?.markPhase('generate', generator.model);
        const left = await runGenerator(generator, repeat, ctx.questions);
        if (aborted()) break outer;
        if (left.length > 0) {
          log(`${generator.id}: circuit open; moving on and coming back to its ${left.length} item(s) after the other generators`);
          parked.push({ generator, questions: left });
        }
      }
      for (const { generator, questions } of parked) {
        gpu?.markPhase('generate', generator.model);
        await comeBack(generator, repeat, questions);
        if (aborted()) break outer;
      }
      if (!withMulti) continue;
      gpu?.markPhase('fuse');
      for (const question of ctx.questions) {
        if (aborted()) break outer;
        const key = itemKey(repeat, MULTI_MODEL_GENERATOR, question.id);
        if (ctx.done.has(key)) continue;
        const singles = llmItems.get(`${repeat}|${question.id}`) ?? [];
        const queries = singles.flatMap((i) => i.queries);
        const failedKinds = [...new Set(singles.flatMap((i) => (i.errorKind ? [i.errorKind] : [])))];
        const errorKind: ItemErrorKind | undefined = queries.length > 0 ? undefined : failedKinds.length === 1 ? failedKinds[0] : failedKinds.length === 0 ? 'parse' : 'other';
        await record(
          {
            key, generator: MULTI_MODEL_GENERATOR, model: llmGenerators.map((g) => g.model).join('+'), questionId: question.id, repeat,
            // Every valid query of every model: one model's bad query never fails the fused item.
            queries, checks: singles.flatMap((i) => i.checks), answerRead: null,
            // Serial on a local host: the multi-model time is the sum of the models' times.
            latencyMs: singles.reduce((sum, i) => sum + i.latencyMs, 0),
            loadMs: sumOrNull(singles.map((i) => i.loadMs)),
            calls: [], status: queries.length > 0 ? 'ok' : 'error',
            error: queries.length > 0 ? undefined : 'no model produced a valid query', errorKind,
          },
          `${MULTI_MODEL_GENERATOR} ${question.id}`,
        );
      }
    }
    if (options.signal?.aborted) status = 'interrupted';
  } catch (error) {
    status = 'failed';
    failure = error;
  } finally {
    progress.stop();
  }
  const gpuSummary = gpu ? await gpu.stop() : undefined;
  // Whatever completed is kept, whatever happened: while the database is held the run waits
  // (one last try once interrupted); a write that fails for another reason is reported with its
  // first cause and the number of items it kept out.
  try {
    await flushPending();
  } catch (error) {
    const episode = held.episode;
    if (error instanceof DatabaseLockedError && episode) throw new UnstoredItemsError(ctx.runId, pending.length, episode);
    status = 'failed';
    failure ??= error;
  }
  if (pending.length > 0) {
    // Not stored (disk full, file too large, ...): the first cause, not a later symptom.
    failure = new RunWriteError(ctx.runId, pending.length, writeFailure ?? failure);
  }
  const errorText = failure instanceof Error ? failure.message : failure !== undefined ? String(failure) : undefined;
  waitingFor = 'to record the end of the run';
  const finish = whenFree(async (store) => {
    await finishRun(store, ctx.runId, status, errorText ?? (status === 'interrupted' ? 'interrupted by signal' : undefined));
    await store.run(`UPDATE runs SET config = json_merge_patch(config, $extra) WHERE run_id = $id`, {
      id: ctx.runId,
      extra: JSON.stringify({ llm: { hosts: client.hosts, reachable, skipped, events: llmEvents.slice(-100), breakers: client.breakerStates() } }),
    });
    const bench = await summarizeBenchRun(store, ctx.runId, suite.top_k);
    const gpuRun = gpuSummary && gpuSummary.samples > 0 ? await summarizeGpuRun(store, ctx.runId) : undefined;
    return { bench, gpuRun };
  });
  let summary: Awaited<typeof finish>;
  try {
    summary = await finish;
  } catch (error) {
    // The run's own failure, when it has one, is the cause to report; the end not recorded follows from it.
    if (failure !== undefined) {
      log(`could not record the end of run ${ctx.runId}: ${error instanceof Error ? error.message : String(error)}`);
      throw failure;
    }
    const episode = held.episode;
    if (error instanceof DatabaseLockedError && episode) {
      throw new DatabaseLockedError(episode.dbPath, episode.holder, episode.waitedMs,
        `every completed item of run ${ctx.runId} is stored, but database ${episode.dbPath} is held by ${describeHolder(episode.holder)}, ` +
          `and the run was interrupted after waiting ${seconds(episode.waitedMs)} to record its end: it stays 'running'. ` +
          `Once the file is free, \`benchlab run --resume ${ctx.runId}\` finishes it.`);
    }
    throw error;
  }
  if (failure !== undefined) throw failure;
  return {
    runId: ctx.runId, status, suite, suiteFile, llmReachable: reachable, skippedModels: skipped, summary: summary.bench,
    gpu: summary.gpuRun ?? null,
    expectationFailures: status === 'completed' ? checkExpectations(suite, summary.bench, skipped) : [],
  };
}
