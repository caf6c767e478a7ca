/**
 * Owns `benchlab rollout step`: Benchlab's own batch job for an experiment. It takes the next
 * batch of documents the current stage has not processed yet (from an imported dataset, or from
 * an inbox folder of JSONL files), assigns each to an arm by the sticky hash, extracts keywords
 * with the arm's method, and stores one event per document (error, time, cache hit, keyword and
 * hallucination counts) with the full extraction in `keyword_extractions` and the LLM calls in
 * `llm_calls`; an extraction that could not reach any LLM host is flagged `llm_unavailable`. At
 * a 0% stage nobody is in treatment, so the batch is internal traffic: every document goes
 * through the treatment method, which is what the internal stage evaluates. Events are stamped
 * with `clock` (default: the wall clock).
 * Afterwards it can evaluate retrieval quality and take a monitor look. The store is opened per
 * unit of work and never held while the model works. The LLM client is built from the
 * experiment's `llm:` block by the same setup as a benchmark run's (lib/llm/llm-setup.ts), so every
 * option there (hosts, API key, deadlines, attempts, breakers, per-host concurrency) means the
 * same in an experiment as in a suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { InputError } from '../input-error';
import { withStore, type Store } from '../store/store';
import { getDataset } from '../datasets/catalog';
import { allDocuments, indexedText } from '../datasets/document-reads';
import { Analyzer, DEFAULT_ANALYZER } from '../text/analyzer';
import type { LlmClientOptions } from '../llm/llm-client';
import type { HostConfig } from '../llm/hosts';
import { setUpLlm } from '../llm/llm-setup';
import { appendLlmCalls } from '../llm/call-log';
import { loadPromptTemplate } from '../querygen/prompt-template';
import { FrequencyKeywordExtractor, loadTermStatistics, termStatisticsOf } from '../keywords/frequency-extractor';
import { LlmKeywordExtractor } from '../keywords/llm-extractor';
import { KeywordCache } from '../keywords/keyword-cache';
import type { KeywordDocument, KeywordExtraction, KeywordExtractor, KeywordMethod } from '../keywords/keyword-extraction';
import type { TermStatistics } from '../querygen/tfidf-keywords-baseline';
import { assignArm, type Arm } from './assignment';
import { experimentSeed, type ArmConfig, type ExperimentConfig } from './experiment-config';
import { resolveExperiment, type ExperimentState, type ResolveOptions } from './experiment-store';
import { storeEvents, type ExperimentEvent } from './events';
import { datasetSource, evaluateRolloutQuality, type QualityEvaluation } from './rollout-quality';
import { lookAtExperiment, type LookResult } from './monitor';
import { toTimestamp } from './timestamps';
import { systemClock } from './clock';

/** The inbox's source name in events and extractions. */
export const INBOX_SOURCE = 'batch:inbox';

export interface StepOptions extends ResolveOptions {
  dbPath?: string;
  batchSize?: number;
  /** LLM hosts (default: the experiment's llm.hosts, else OLLAMA_HOST). */
  hosts?: HostConfig[];
  llm?: Omit<LlmClientOptions, 'hosts' | 'cache' | 'useCache'>;
  /** Evaluate retrieval quality after the batch (dataset sources only). */
  quality?: boolean;
  /** Take a monitor look after the batch (default true). */
  monitor?: boolean;
  log?: (line: string) => void;
}

export interface StepResult {
  experiment: string;
  stageIndex: number;
  percentage: number;
  /** The batch was internal traffic (a 0% stage). */
  internal: boolean;
  processed: number;
  byArm: Record<Arm, number>;
  errors: number;
  cacheHits: number;
  /** Documents of the source this stage has still to process. */
  remaining: number;
  quality: QualityEvaluation | undefined;
  look: LookResult | undefined;
}

const inboxLineSchema = z.object({ id: z.string().min(1), title: z.string().optional(), text: z.string() }).strict();

/** Reads every *.jsonl file of an inbox folder, in name order. */
export function readInbox(folder: string): KeywordDocument[] {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new InputError(`inbox folder ${folder} does not exist`);
  const documents: KeywordDocument[] = [];
  const seen = new Set<string>();
  for (const name of fs.readdirSync(folder).filter((f) => f.endsWith('.jsonl')).sort()) {
    const file = path.join(folder, name);
    fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        throw new InputError(`${file}:${i + 1}: not valid JSON: ${(error as Error).message}`);
      }
      const parsed = inboxLineSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(`${file}:${i + 1}: ${issue?.path.join('.') || '(line)'}: ${issue?.message}`);
      }
      if (seen.has(parsed.data.id)) return;
      seen.add(parsed.data.id);
      documents.push({ id: parsed.data.id, text: [parsed.data.title, parsed.data.text].filter((t) => t !== undefined && t !== '').join('\n') });
    });
  }
  return documents;
}

interface SourceDocuments {
  source: string;
  dataset: string | undefined;
  documents: KeywordDocument[];
  analyzer: Analyzer;
  stats: TermStatistics;
}

async function loadSource(store: Store, config: ExperimentConfig): Promise<SourceDocuments> {
  const source = config.source;
  if (!source) throw new InputError(`experiment ${config.key} has no source (dataset or inbox): its events come from 'benchlab ingest'`);
  if (source.dataset !== undefined) {
    const info = await getDataset(store, source.dataset);
    const documents = (await allDocuments(store, source.dataset)).map((d) => ({ id: d.id, text: indexedText(d, info.indexedFields) }));
    return { source: datasetSource(source.dataset), dataset: source.dataset, documents, analyzer: new Analyzer(info.analyzer), stats: await loadTermStatistics(store, source.dataset) };
  }
  const analyzer = new Analyzer(DEFAULT_ANALYZER);
  const documents = readInbox(path.resolve(source.inbox ?? ''));
  return { source: INBOX_SOURCE, dataset: undefined, documents, analyzer, stats: termStatisticsOf(documents, analyzer) };
}

async function processedThisStage(store: Store, state: ExperimentState, source: string): Promise<Set<string>> {
  const rows = await store.all<{ unit_id: string }>(
    `SELECT DISTINCT unit_id FROM experiment_events WHERE experiment_key = $key AND source = $source AND occurred_at >= $since`,
    { key: state.key, source, since: toTimestamp(state.stageStartedAt) },
  );
  return new Set(rows.map((r) => r.unit_id));
}


/** Builds the extractor of each method the experiment's arms use. */
type ExtractorFactory = (arm: ArmConfig) => KeywordExtractor;

/** Runs the next batch of an experiment's batch source. */
export async function runRolloutStep(experiment: string, options: StepOptions = {}): Promise<StepResult> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const storeOptions = options.dbPath !== undefined ? { dbPath: options.dbPath } : {};
  const resolveOptions: ResolveOptions = { ...(options.experimentsDir ? { experimentsDir: options.experimentsDir } : {}), now: options.now ?? clock() };
  const cache = new KeywordCache();

  const prepared = await withStore(storeOptions, async (store) => {
    const state = await resolveExperiment(store, experiment, resolveOptions);
    const source = await loadSource(store, state.config);
    const done = await processedThisStage(store, state, source.source);
    const pending = source.documents.filter((d) => !done.has(d.id));
    const batch = pending.slice(0, options.batchSize ?? state.config.source?.batch_size);
    for (const arm of [state.config.arms.control, state.config.arms.treatment]) {
      if (arm.method === 'llm') await cache.load(store, arm.prompt, arm.model, LlmKeywordExtractor.hashes(batch));
    }
    return { state, source, batch, remaining: pending.length - batch.length };
  });
  const { state, source, batch } = prepared;
  const config = state.config;
  const internal = state.percentage === 0;
  log(`${config.key}: stage '${config.stages[state.stageIndex]?.name}' at ${state.percentage}%: ${batch.length} document(s) this batch${internal ? ' (internal traffic: all through the treatment method)' : ''}`);

  // The LLM as the experiment's `llm:` block says, set up as a benchmark run sets up a suite's
  // (hosts, API key, deadlines, attempts, breakers; retries and breaker events logged). Answers
  // are cached by the keyword cache, not the response cache.
  const { client, parallelism } = setUpLlm(config.llm, { hosts: options.hosts, llm: options.llm, useCache: false, log });
  const factories: Record<KeywordMethod, ExtractorFactory> = {
    frequency: () => new FrequencyKeywordExtractor(source.stats, source.analyzer, config.keywords),
    llm: (arm) => {
      if (arm.method !== 'llm') throw new Error('llm factory for a non-llm arm');
      return new LlmKeywordExtractor(client, { model: arm.model, template: loadPromptTemplate(arm.prompt), target: config.keywords, options: arm.options }, source.analyzer, cache);
    },
  };
  const extractors: Record<Arm, KeywordExtractor> = {
    control: factories[config.arms.control.method](config.arms.control),
    treatment: factories[config.arms.treatment.method](config.arms.treatment),
  };

  const settings = { seed: experimentSeed(config), hashVersion: config.hash_version };
  // As many documents at once as the hosts take requests: `concurrency` is per host, as in a suite.
  const limit = pLimit(parallelism);
  const results = await Promise.all(
    batch.map((doc) =>
      limit(async () => {
        const arm: Arm = internal ? 'treatment' : assignArm(settings, doc.id, state.percentage);
        const extraction = await extractors[arm].extract(doc);
        return { arm, extraction, at: clock() };
      }),
    ),
  );

  const epoch = state.stageStartedAt.getTime();
  const eventId = (docId: string) => `${config.key}:${epoch}:${docId}`;
  const events: ExperimentEvent[] = results.map(({ arm, extraction, at }) => ({
    eventId: eventId(extraction.docId),
    experimentKey: config.key,
    unitId: extraction.docId,
    arm,
    occurredAt: at,
    metrics: {
      error: extraction.error !== undefined,
      processing_ms: extraction.processingMs,
      cache_hit: extraction.cacheHit,
      keyword_count: extraction.count,
      hallucinated_count: extraction.hallucinated.length,
      ...(serviceUnavailable(extraction) ? { llm_unavailable: true } : {}),
    },
    source: source.source,
  }));

  const after = await withStore(storeOptions, async (store) => {
    await store.transaction(async () => {
      await storeEvents(store, events);
      await store.append('keyword_extractions', results.map(({ arm, extraction, at }) => extractionRow(eventId(extraction.docId), config.key, source.source, arm, extraction, at)));
      await appendLlmCalls(store, results.flatMap(({ extraction }) => extraction.calls.map((call) => ({ call, runId: null, itemKey: eventId(extraction.docId) }))));
      await cache.flush(store);
    });
    const quality = options.quality && source.dataset !== undefined ? await evaluateRolloutQuality(store, state, source.dataset, clock()) : undefined;
    const look = options.monitor === false ? undefined : await lookAtExperiment(store, state, clock());
    return { quality, look };
  });

  const byArm: Record<Arm, number> = { control: 0, treatment: 0 };
  for (const r of results) byArm[r.arm]++;
  return {
    experiment: config.key,
    stageIndex: state.stageIndex,
    percentage: state.percentage,
    internal,
    processed: results.length,
    byArm,
    errors: results.filter((r) => r.extraction.error !== undefined).length,
    cacheHits: results.filter((r) => r.extraction.cacheHit).length,
    remaining: prepared.remaining,
    quality: after.quality,
    look: after.look,
  };
}

/** The extraction failed because no LLM host could be reached (refused, unreachable, 503, circuit open), not on a bad answer. */
function serviceUnavailable(extraction: KeywordExtraction): boolean {
  if (extraction.error === undefined) return false;
  const last = extraction.calls[extraction.calls.length - 1]?.error;
  return last !== undefined && (last.breakerScope === 'host' || last.kind === 'circuit-open');
}

function extractionRow(eventId: string, experimentKey: string, source: string, arm: Arm, e: KeywordExtraction, at: Date) {
  return [eventId, experimentKey, source, e.docId, arm, e.method, e.model ?? null, e.prompt ?? null, e.keywords, e.hallucinated, e.processingMs, e.cacheHit, e.error ?? null, at];
}

