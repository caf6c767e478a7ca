/**
 * The query-generation benchmark run (`benchlab run`, `npm run bench`): for every repeat,
 * question and generator, generate queries (LLM or baseline), execute them ID-only, fuse, score,
 * and store the item with its LLM calls. Multi-model items fuse all models' queries for a
 * question. Items are written in batches (the store is opened per batch, never held during LLM
 * calls); an interruption or crash leaves the completed items and marks the run, and
 * `--resume RUN_ID` finishes it without redoing them.
 */
import type { Query } from '../datasets/types';
import type { Qrels } from '../evaluation/types';
import { getDataset, loadQrels, loadQueries } from '../datasets/catalog';
import { parseCollection } from '../datasets/index';
import { importCollection } from '../datasets/import';
import { UnknownDatasetError } from '../datasets/catalog';
import { withStore, type Store, type StoreOptions } from '../store/store';
import { GpuSampler } from '../gpu/gpu-sampler';
import { summarizeGpuRun, type GpuRunSummary } from '../gpu/run-summary';
import { Analyzer } from '../retrieval/analyzer';
import { DEFAULT_DEADLINE, DEFAULT_RETRY, LlmClient, type LlmCall, type LlmClientOptions } from '../llm/llm-client';
import { hostsFromSettings, type HostConfig } from '../llm/hosts';
import { ResponseCache } from '../llm/response-cache';
import { UnknownModelError } from '../llm/model-catalog';
import { loadPromptTemplate } from '../querygen/prompt-template';
import { QuestionOrBaseline } from '../querygen/question-or-baseline';
import { TfidfKeywordsBaseline, type TermStatistics } from '../querygen/tfidf-keywords-baseline';
import { LlmQueryGenerator } from '../querygen/llm-generator';
import { executeQueries } from '../querygen/execute-queries';
import type { QueryGenerator } from '../querygen/types';
import { loadSuite, resolveSuitePath, type Suite } from '../suites/suite';
import { InputError } from '../input-error';
import { createRun, finishRun } from './run-store';
import { silentProgress, type Progress } from './progress';
import { MULTI_MODEL_GENERATOR, summarizeBenchRun, type BenchSummary } from './bench-summary';

export { MULTI_MODEL_GENERATOR };
import { checkExpectations } from './expectations';

export const DEFAULT_FLUSH_ITEMS = 100;
export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;

export interface BenchOptions {
  suite?: string;
  dbPath?: string;
  useCache?: boolean;
  resumeRunId?: string;
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

/** One finished unit of work, before it is executed against the index. */
interface PendingItem {
  key: string;
  generator: string;
  model: string | undefined;
  questionId: string;
  repeat: number;
  queries: string[];
  latencyMs: number;
  calls: LlmCall[];
  error: string | undefined;
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
  /** Queries of LLM items already stored (for multi-model items on resume). */
  storedQueries: Map<string, { queries: string[]; latencyMs: number }>;
}

async function prepare(store: Store, suite: Suite, suiteFile: string, options: BenchOptions, cache: ResponseCache, log: (line: string) => void): Promise<RunContext> {
  await ensureDataset(store, suite, log);
  const info = await getDataset(store, suite.dataset);
  const all = await loadQueries(store, suite.dataset);
  const qrels = await loadQrels(store, suite.dataset);
  const questions = all.filter((q) => qrels.has(q.id)).slice(0, suite.max_questions ?? all.length);
  if (questions.length === 0) throw new InputError(`dataset '${suite.dataset}' has no judged questions to benchmark`);
  const stats = await termStatistics(store, suite.dataset, info.docCount);
  await cache.load(store, suite.generators.flatMap((g) => (g.type === 'llm' ? [g.model] : [])));
  let runId: string;
  const done = new Set<string>();
  const storedQueries = new Map<string, { queries: string[]; latencyMs: number }>();
  if (options.resumeRunId) {
    runId = options.resumeRunId;
    const run = await store.one<{ status: string; suite: string | null }>(`SELECT status, suite FROM runs WHERE run_id = $id AND kind = 'bench'`, { id: runId });
    if (!run) throw new InputError(`no benchmark run '${runId}' to resume`);
    if (run.status === 'completed') throw new InputError(`run ${runId} is already completed`);
    const items = await store.all<{ item_key: string; generated_queries: string | null; latency_ms: number | null }>(
      `SELECT item_key, generated_queries, latency_ms FROM run_items WHERE run_id = $id`,
      { id: runId },
    );
    for (const item of items) {
      done.add(item.item_key);
      storedQueries.set(item.item_key, { queries: item.generated_queries ? (JSON.parse(item.generated_queries) as string[]) : [], latencyMs: item.latency_ms ?? 0 });
    }
    await store.run(`UPDATE runs SET status = 'running', ended_at = NULL, error = NULL WHERE run_id = $id`, { id: runId });
    log(`resuming run ${runId}: ${done.size} item(s) already done`);
  } else {
    runId = await createRun(store, { kind: 'bench', dataset: suite.dataset, suite: suite.name, config: { suite, suiteFile, useCache: options.useCache ?? true } });
  }
  return { runId, questions, qrels, stats, analyzerSettings: info.analyzer, done, storedQueries };
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

async function flush(store: Store, suite: Suite, ctx: RunContext, pending: PendingItem[], cache: ResponseCache): Promise<void> {
  const executed = await executeQueries(store, suite.dataset, ctx.qrels, pending.map((p) => ({ key: p.key, questionId: p.questionId, queries: p.queries })), suite.top_k);
  await store.transaction(async () => {
    const now = new Date().toISOString();
    await store.append(
      'run_items',
      pending.map((p, i) => {
        const e = executed[i];
        const calls = p.calls;
        const cacheHit = calls.length > 0 && calls.every((c) => c.cacheHit);
        const errors = [p.error, ...(e?.parseErrors ?? [])].filter((x): x is string => x !== undefined);
        return [
          ctx.runId, p.key, p.generator, p.model ?? null, p.questionId, p.repeat, JSON.stringify(p.queries), e?.parsedCount ?? 0, e?.queryCount ?? 0,
          e?.docsFound ?? 0, p.latencyMs, sumOrNull(calls.map((c) => c.timings.promptTokens)), sumOrNull(calls.map((c) => c.timings.evalTokens)),
          calls.length > 0 ? cacheHit : null, errors.length > 0 ? errors.join('; ') : null, now,
        ];
      }),
    );
    await store.append(
      'item_metrics',
      executed.flatMap((e) => Object.entries(e.metrics).map(([measure, value]) => [ctx.runId, e.key, measure, value])),
    );
    await store.append(
      'llm_calls',
      pending.flatMap((p) =>
        p.calls.map((c) => [
          c.callId, ctx.runId, p.key, c.provider, c.host, c.model, c.cacheKey, c.cacheHit, JSON.stringify(c.options), c.startedAt.toISOString(),
          c.wallMs, c.ttftMs, c.timings.totalNs, c.timings.loadNs, c.timings.promptEvalNs, c.timings.evalNs, c.timings.promptTokens,
          c.timings.evalTokens, c.timings.tokensPerSecond, c.attempts, c.error ? 'error' : 'ok', c.error ? `${c.error.kind}: ${c.error.message}` : null,
        ]),
      ),
    );
    await cache.flush(store);
  });
  for (const p of pending) ctx.done.add(p.key);
}

function sumOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? present.reduce((a, b) => a + b, 0) : null;
}

const MS_PER_SECOND = 1000;

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


function suiteLlmLimits(suite: Suite): Pick<LlmClientOptions, 'deadline' | 'retry'> {
  const llm = suite.llm;
  return {
    ...(llm?.timeout_s || llm?.idle_timeout_s
      ? { deadline: { totalMs: (llm.timeout_s ?? DEFAULT_DEADLINE.totalMs / MS_PER_SECOND) * MS_PER_SECOND, idleMs: (llm.idle_timeout_s ?? DEFAULT_DEADLINE.idleMs / MS_PER_SECOND) * MS_PER_SECOND } }
      : {}),
    ...(llm?.attempts ? { retry: { ...DEFAULT_RETRY, attempts: llm.attempts } } : {}),
  };
}

export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? silentProgress;
  const { suite, file: suiteFile } = loadSuite(options.suite);
  const cache = new ResponseCache();
  const useCache = options.useCache ?? true;
  const storeOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  const ctx = await withStore(storeOptions, (store) => prepare(store, suite, suiteFile, options, cache, log));

  const llmEvents: string[] = [];
  const client = new LlmClient({
    hosts: options.hosts ?? hostsFromSettings(suite.llm),
    ...suiteLlmLimits(suite),
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
  const { reachable, available, skipped } = await availableModels(client, llmModels, log);
  const template = available.length > 0 ? loadPromptTemplate(suite.prompt) : undefined;
  const analyzer = new Analyzer(ctx.analyzerSettings);
  const generators: QueryGenerator[] = suite.generators.flatMap((g): QueryGenerator[] => {
    if (g.type === 'question-or') return [new QuestionOrBaseline()];
    if (g.type === 'tfidf-keywords') return [new TfidfKeywordsBaseline(ctx.stats, analyzer, g.keywords)];
    return available.includes(g.model) && template ? [new LlmQueryGenerator(client, g.model, template, suite.queries_per_model, suite.options)] : [];
  });
  const llmGenerators = generators.filter((g) => g.kind === 'llm');
  const withMulti = suite.multi_model && llmGenerators.length >= 2;

  const perQuestion = generators.length + (withMulti ? 1 : 0);
  const total = suite.repeats * ctx.questions.length * perQuestion;
  progress.start(total, ctx.done.size);
  let pending: PendingItem[] = [];
  let lastFlush = performance.now();
  const flushPending = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await withStore(storeOptions, (store) => flush(store, suite, ctx, batch, cache));
    lastFlush = performance.now();
  };

  const gpu = suite.gpu_sampling && llmGenerators.length > 0 ? await startGpuSampler(ctx.runId, storeOptions, client, log, options.gpu) : undefined;
  let status: BenchResult['status'] = 'completed';
  let failure: unknown;
  const maybeFlush = async () => {
    if (pending.length >= (options.flushItems ?? DEFAULT_FLUSH_ITEMS) || performance.now() - lastFlush > (options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS)) {
      await flushPending();
    }
  };
  // Generator-major order: a local GPU loads each model once, instead of once per question.
  // (repeat, question) -> the LLM generators' queries, for the multi-model items.
  const llmItems = new Map<string, { queries: string[]; latencyMs: number }[]>();
  try {
    outer: for (let repeat = 0; repeat < suite.repeats; repeat++) {
      for (const generator of generators) {
        gpu?.markPhase('generate', generator.model);
        for (const question of ctx.questions) {
          if (options.signal?.aborted) break outer;
          const key = itemKey(repeat, generator.id, question.id);
          let item: { queries: string[]; latencyMs: number } | undefined = ctx.done.has(key) ? ctx.storedQueries.get(key) : undefined;
          if (!ctx.done.has(key)) {
            const generated = await generator.generate(question);
            const pendingItem: PendingItem = {
              key, generator: generator.id, model: generator.model, questionId: question.id, repeat,
              queries: generated.queries, latencyMs: generated.latencyMs, calls: generated.calls, error: generated.error,
            };
            pending.push(pendingItem);
            item = pendingItem;
            progress.advance(`${generator.id} ${question.id}`);
            await maybeFlush();
          }
          if (generator.kind === 'llm' && item) {
            const list = llmItems.get(`${repeat}|${question.id}`) ?? [];
            list.push(item);
            llmItems.set(`${repeat}|${question.id}`, list);
          }
        }
      }
      if (!withMulti) continue;
      gpu?.markPhase('fuse');
      for (const question of ctx.questions) {
        if (options.signal?.aborted) break outer;
        const key = itemKey(repeat, MULTI_MODEL_GENERATOR, question.id);
        if (ctx.done.has(key)) continue;
        const singles = llmItems.get(`${repeat}|${question.id}`) ?? [];
        pending.push({
          key, generator: MULTI_MODEL_GENERATOR, model: llmGenerators.map((g) => g.model).join('+'), questionId: question.id, repeat,
          queries: singles.flatMap((i) => i.queries),
          // Serial on a local host: the multi-model time is the sum of the models' times.
          latencyMs: singles.reduce((sum, i) => sum + i.latencyMs, 0),
          calls: [], error: undefined,
        });
        progress.advance(`${MULTI_MODEL_GENERATOR} ${question.id}`);
        await maybeFlush();
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
  // Whatever completed is kept, whatever happened.
  try {
    await flushPending();
  } catch (error) {
    status = 'failed';
    failure ??= error;
  }
  const errorText = failure instanceof Error ? failure.message : failure !== undefined ? String(failure) : undefined;
  const summary = await withStore(storeOptions, async (store) => {
    await finishRun(store, ctx.runId, status, errorText ?? (status === 'interrupted' ? 'interrupted by signal' : undefined));
    await store.run(`UPDATE runs SET config = json_merge_patch(config, $extra) WHERE run_id = $id`, {
      id: ctx.runId,
      extra: JSON.stringify({ llm: { hosts: client.hosts, reachable, skipped, events: llmEvents.slice(-100), breakers: client.breakerStates() } }),
    });
    const bench = await summarizeBenchRun(store, ctx.runId, suite.top_k);
    const gpuRun = gpuSummary && gpuSummary.samples > 0 ? await summarizeGpuRun(store, ctx.runId) : undefined;
    return { bench, gpuRun };
  });
  if (failure !== undefined) throw failure;
  return {
    runId: ctx.runId, status, suite, suiteFile, llmReachable: reachable, skippedModels: skipped, summary: summary.bench,
    gpu: summary.gpuRun ?? null,
    expectationFailures: status === 'completed' ? checkExpectations(suite, summary.bench) : [],
  };
}
