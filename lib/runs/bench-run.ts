/**
 * The query-generation benchmark run (`benchlab run`, the `bench` job, `npm run bench`): for
 * every repeat, question and generator, generate queries (LLM or baseline), execute the valid
 * ones ID-only, fuse, score, and store the item with its LLM calls. This module is the engine's
 * orchestrator: it holds the run's lock (run-lock.ts) from start, or resume, to the end, and runs
 * the stages of lib/runs/engine in order:
 *
 *   1. prepare the dataset   engine/prepare-dataset.ts  import when missing; questions, qrels, term statistics
 *                                                       (of the suite plan-items.ts picks: a resumed run's own)
 *   2. plan items, resume    engine/plan-items.ts       items done and to redo; a resumed run set running again
 *      set up the LLM        lib/llm/llm-setup.ts       client, hosts, limits, cache from the suite's `llm:` block
 *                                                       (the rollout step's client is set up the same way)
 *      the generators        engine/generators.ts       available models, the suite's generators
 *      GPU sampling          engine/gpu-sampling.ts     telemetry for the run's duration (when a generator runs a model)
 *      embeddings            generators' prepare        dense, hybrid, RAG retrievers (GPU phase `embed`)
 *      the run row           run-store.ts               created only now (nothing it needs is missing)
 *   3. generate              engine/generate.ts         generators over the items, breakers, multi-model items
 *   4. execute and score     engine/execute-score.ts    a batch's queries run and scored
 *   5. record                engine/record.ts           batches written (waiting out a held database)
 *   6. summarize             engine/summarize.ts        the run's end, summaries, expectations
 *
 * Its callers publish the run's report the same way (`benchlab run`, the `bench` job:
 * lib/publish/publish-run-report.ts).
 *
 * Items are written in batches (the store is opened per batch, never held during LLM calls); an
 * interruption or crash leaves the completed items and marks the run, and `--resume RUN_ID`
 * finishes it without redoing them, with the suite stored with the run (a `--suite` given must
 * have the same content). While another process holds the database the run does not give up: it
 * goes on with its completed items in memory and writes them when the file is free (interrupted,
 * it makes one last try and says how many items it could not store, exit 4). The run row is
 * created only once the run has all it needs, so one that fails before its first item leaves no
 * `running` row. Items that cannot be attempted (a model's circuit stayed open) are stored as
 * `not-attempted`; `--resume RUN_ID` attempts them, and `--retry-errors` also the errors.
 */
import type { StoreOptions } from '../store/store';
import { DatabaseLockedError, describeHolder } from '../store/lock-retry';
import type { GpuRunSummary } from '../gpu/run-summary';
import { DEFAULT_BM25 } from '../retrieval/bm25';
import type { LlmClientOptions } from '../llm/llm-client';
import type { HostConfig } from '../llm/hosts';
import { setUpLlm } from '../llm/llm-setup';
import { ResponseCache } from '../llm/response-cache';
import { loadSuite, type Suite } from '../suites/suite';
import { resolveDbPath } from '../store/db-path';
import { createRun, finishRun } from './run-store';
import { acquireRunLock } from './run-lock';
import { newRunId } from './run-id';
import { silentProgress, type Progress } from './progress';
import { MULTI_MODEL_GENERATOR, type BenchSummary } from './bench-summary';
import { RunWriteError, UnstoredItemsError } from './run-errors';
import { prepareDataset } from './engine/prepare-dataset';
import { backendProvider } from '../backends/registry';
import { planItems, runSuite, runToResume, type LoadedSuite } from './engine/plan-items';
import { buildGenerators, checkModels, suiteModels, type SkippedModel, type SuiteGenerators } from './engine/generators';
import { startGpuSampler, usesModel, type GpuSamplingSettings } from './engine/gpu-sampling';
import type { GpuSampler } from '../gpu/gpu-sampler';
import { generateItems } from './engine/generate';
import { RunRecorder, seconds } from './engine/record';
import { expectationFailures, finishAndSummarize, type RunSummaries } from './engine/summarize';
import type { PendingItem } from './engine/items';
import { EmbeddingClient } from '../embeddings/embedding-client';
import type { EmbeddingProgress } from '../embeddings/embedding-progress';
import { limitsFromSettings } from '../llm/llm-settings';

export { MULTI_MODEL_GENERATOR, RunWriteError, UnstoredItemsError };
export { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_FLUSH_ITEMS } from './engine/record';
export type { ItemStatus } from './engine/items';
export type { SkippedModel } from './engine/generators';

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
  gpu?: GpuSamplingSettings;
  /** The embedding pass's progress (dense and hybrid strategies); none by default. */
  embeddingProgress?: EmbeddingProgress;
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
  const storeOptions: StoreOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  const recorder = new RunRecorder({ storeOptions, log, signal: options.signal, flushItems: options.flushItems, flushIntervalMs: options.flushIntervalMs });

  // 1-2. The dataset and the items to do, in one visit to the store.
  const { dataset, plan, suite, suiteFile } = await recorder
    .whenFree(async (store) => {
      const resumed = options.resumeRunId !== undefined ? await runToResume(store, runId, given) : undefined;
      const loaded = runSuite(resumed, given);
      const dataset = await prepareDataset(store, loaded.suite, log);
      await cache.load(store, suiteModels(loaded.suite));
      const plan = await planItems(store, runId, resumed, loaded, options, log);
      return { dataset, plan, suite: loaded.suite, suiteFile: loaded.file };
    })
    .catch((error: unknown) => {
      throw recorder.heldError(error, (episode) =>
        `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}; the run waited ${seconds(episode.waitedMs)} for it to start and was interrupted: nothing was run or stored.`);
    });

  // The LLM, as the suite's `llm:` block says (the same setup as the rollout step's), and the generators.
  const llm = setUpLlm(suite.llm, { hosts: options.hosts, llm: options.llm, cache, useCache, log });
  const { client } = llm;
  const models = await checkModels(client, suite, log).catch(async (error: unknown) => {
    // A new run has no row yet. A resumed one was set running by planItems: it is not left so.
    if (options.resumeRunId !== undefined) {
      const text = `the resume failed before its first item: ${error instanceof Error ? error.message : String(error)}`;
      await recorder.whenFree((store) => finishRun(store, runId, 'failed', text)).catch((storeError: unknown) =>
        log(`could not mark run ${runId} failed: ${storeError instanceof Error ? storeError.message : String(storeError)}`),
      );
    }
    throw error;
  });
  // Dense and hybrid strategies (and RAG retrievers) embed on the same hosts, with the same attempts (lib/llm settings).
  const needsEmbeddings = suite.generators.some((g) => g.type === 'dense' || g.type === 'hybrid' || (g.type === 'rag' && g.retriever.type !== 'bm25'));
  const embeddings = needsEmbeddings
    ? new EmbeddingClient({
        hosts: llm.hosts,
        retry: options.llm?.retry ?? limitsFromSettings(suite.llm).retry,
        onEvent: (e) => log(e.type === 'retry' ? `embedding retry ${e.model}@${e.host} after attempt ${e.attempt}: ${e.error}` : `embedding batch of ${e.size} split in halves: ${e.error}`),
      })
    : undefined;
  // Where the generated queries run (and RAG retrievers search); a backend that cannot be used stops the run before it starts.
  const backends = backendProvider(suite.backend, suite.dataset);
  // From here the backend is the run's to close: whatever fails before the items run (the
  // generators, the backend check, the embeddings, the run row, the GPU sampler) closes it first.
  let generators: SuiteGenerators;
  let gpu: GpuSampler | undefined;
  let total: number;
  try {
    generators = buildGenerators(
      suite, client, dataset, models, (work) => recorder.whenFree((store) => work(backends.forStore(store))),
      embeddings ? { client: embeddings, progress: options.embeddingProgress } : undefined,
    );
    if (suite.backend) {
      log(`generated queries run on ${backends.description}`);
      await recorder.whenFree((store) => backends.check(store));
    }

    // GPU telemetry for every generator that puts a model to work (LLM, RAG, dense, hybrid),
    // started before the embedding pass so its GPU time is sampled too (phase 'embed').
    gpu = suite.gpu_sampling && generators.generators.some(usesModel) ? await startGpuSampler(runId, storeOptions, client, log, options.gpu) : undefined;

    // Retrieval strategies' work before the items: document embeddings computed or reused (the
    // store opened per page and batch, never held while the server works), questions embedded.
    for (const generator of generators.generators) {
      if (!generator.prepare || options.signal?.aborted) continue;
      recorder.waitingFor = `to prepare ${generator.id}`;
      if (generator.embeddingModel !== undefined) gpu?.markPhase('embed', generator.embeddingModel);
      await generator.prepare({ questions: dataset.questions, topK: suite.top_k, withStore: (work) => recorder.whenFree(work), log, signal: options.signal });
    }

    const perQuestion = generators.generators.length + (generators.withMulti ? 1 : 0);
    total = suite.repeats * dataset.questions.length * perQuestion;
    if (options.resumeRunId === undefined) {
      // The run row is created now that the run has all it needs: a run that fails before (a
      // missing prompt template, an unknown dataset) leaves no 'running' row behind.
      recorder.waitingFor = 'to create the run';
      await recorder
        .whenFree((store) => createRun(store, { runId, kind: 'bench', dataset: suite.dataset, suite: suite.name, config: { suite, suiteFile, useCache, bm25: DEFAULT_BM25 } }))
        .catch((error: unknown) => {
          throw recorder.heldError(error, (episode) =>
            `database ${episode.dbPath} is held by ${describeHolder(episode.holder)}; the run waited ${seconds(episode.waitedMs)} to create run ${runId} and was interrupted: nothing was run or stored.`);
        });
    }
  } catch (error) {
    // Telemetry already taken (an embedding pass that used the GPU, then failed) keeps its run id;
    // the run has no row, as for any run that fails before its first item.
    await gpu?.stop();
    await backends.close().catch(() => undefined);
    throw error;
  }
  progress.start(total, plan.done.size);
  recorder.startBatches({ runId, dataset: suite.dataset, topK: suite.top_k, qrels: dataset.qrels, plan, cache, backends });

  // 3-5. Generate; each completed item is recorded, and stored with its batch (executed and scored).
  let status: BenchResult['status'] = 'completed';
  let failure: unknown;
  const record = async (item: PendingItem, label: string) => {
    recorder.add(item);
    progress.advance(label);
    await recorder.maybeFlush();
  };
  try {
    await generateItems({ repeats: suite.repeats, questions: dataset.questions, plan, generators, client, gpu, record, log, signal: options.signal });
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
    await recorder.flushPending();
  } catch (error) {
    await backends.close().catch(() => undefined);
    const episode = recorder.held.episode;
    if (error instanceof DatabaseLockedError && episode) throw new UnstoredItemsError(runId, recorder.pending.length, episode);
    status = 'failed';
    failure ??= error;
  }
  if (recorder.pending.length > 0) {
    // Not stored (disk full, file too large, ...): the first cause, not a later symptom.
    failure = new RunWriteError(runId, recorder.pending.length, recorder.writeFailure ?? failure);
  }

  await backends.close().catch((error: unknown) => log(`closing ${backends.description}: ${error instanceof Error ? error.message : String(error)}`));

  // 6. The run's end and its summaries.
  const errorText = failure instanceof Error ? failure.message : failure !== undefined ? String(failure) : undefined;
  recorder.waitingFor = 'to record the end of the run';
  let summary: RunSummaries;
  try {
    summary = await recorder.whenFree((store) =>
      finishAndSummarize(store, {
        runId, status, error: errorText ?? (status === 'interrupted' ? 'interrupted by signal' : undefined), topK: suite.top_k,
        llm: { hosts: client.hosts, reachable: models.reachable, skipped: models.skipped, events: llm.events.slice(-100), breakers: client.breakerStates() },
        gpuSampled: gpuSummary !== undefined && gpuSummary.samples > 0,
      }),
    );
  } catch (error) {
    // The run's own failure, when it has one, is the cause to report; the end not recorded follows from it.
    if (failure !== undefined) {
      log(`could not record the end of run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
      throw failure;
    }
    throw recorder.heldError(error, (episode) =>
      `every completed item of run ${runId} is stored, but database ${episode.dbPath} is held by ${describeHolder(episode.holder)}, ` +
        `and the run was interrupted after waiting ${seconds(episode.waitedMs)} to record its end: it stays 'running'. ` +
        `Once the file is free, \`benchlab run --resume ${runId}\` finishes it.`);
  }
  if (failure !== undefined) throw failure;
  return {
    runId, status, suite, suiteFile, llmReachable: models.reachable, skippedModels: models.skipped, summary: summary.bench,
    gpu: summary.gpuRun ?? null,
    expectationFailures: expectationFailures(status, suite, summary.bench, models.skipped),
  };
}
