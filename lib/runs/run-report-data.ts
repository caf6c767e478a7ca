/**
 * Everything a run report shows, aggregated in DuckDB (GROUP BY, quantiles, histogram bins in
 * SQL), so the page stays small however many items the run has: the run row, quality measures
 * with confidence intervals per generator, latency quartiles and histograms over non-cached
 * work, tokens/s per model, errors (by kind, items not attempted apart) and cache hits, the
 * single vs multi-model comparison, a bounded per-question table (each generated query with
 * its validity and repairs), and for retrieval runs the mean of every stored measure. The
 * per-generator counts (items, errors, answer format) come from the run summary
 * (summarizeBenchRun), so the report and `benchlab run` agree. The all-pairs section (every
 * pair of generators on nDCG@10, recall@k and MAP, paired tests, Holm across all of them) is
 * built by compare/generator-pairs.ts, as `benchlab compare RUN --all-generators` prints it, and
 * added by lib/publish/run-report-data.ts (lib/compare reads lib/runs, so lib/runs does not call it).
 * This is the run report's view model: lib/report/run-report.ts renders it.
 */
import type { Store } from '../store/store';
import { loadQueries } from '../datasets/catalog';
import { RUN_LLM_CALLS, RUN_UNCACHED_LLM_CALLS } from '../llm/call-log';
import type { RunInfo as StoredRunInfo } from './run-items';
import { InputError } from '../input-error';
import { DEFAULT_RECALL_CUTOFF, headlineMeasures, MAP_MEASURE, PRIMARY_MEASURE } from '../evaluation/measure-registry';
import { serviceLatencySql, summarizeBenchRun, type BenchSummary, type GeneratorSummary } from './bench-summary';
import { ITEM_ERROR_KINDS, type ItemErrorKind } from '../querygen/types';
import { tInterval, type Interval } from '../stats/confidence-interval';
import { sqlHistogram, type HistogramBin } from '../store/histogram';
import { loadRagReportData, type RagReportData } from './rag-report-data';

export type { HistogramBin };

/** Items listed in the per-question table; the rest stay in the database. */
export const MAX_ITEM_ROWS = 400;
/** Queries shown per item, and characters per query, in the per-question table. */
export const MAX_QUERIES_PER_ITEM = 10;
export const MAX_QUERY_CHARS = 300;
/** The question × generator heat map is drawn up to this many questions. */
export const MAX_HEATMAP_QUESTIONS = 60;
/** Distinct error messages listed, for errors and for items not attempted each. */
export const MAX_ERROR_MESSAGES = 15;
/** Bins of a histogram over a 0..1 measure (width 0.1). */
export const UNIT_HISTOGRAM_BINS = 10;
/** The primary measure (nDCG@10) and MAP, as item_metrics names them: from the measure registry. */
export const NDCG10 = PRIMARY_MEASURE.name;
export const MAP = MAP_MEASURE.name;
export { DEFAULT_RECALL_CUTOFF };

/** A run as lib/runs describes it, plus what a report page shows about it. */
export interface RunInfo extends StoredRunInfo {
  host: string;
  error: string | null;
  config: Record<string, unknown>;
  versions: Record<string, unknown>;
}

export interface MeasureInterval extends Interval {
  generator: string;
  measure: string;
  label: string;
}

/**
 * What a generator's latency measures, by its id: `query` generators (LLM, baselines, multi-model)
 * the time to generate the queries; `strategy` (bm25, dense, hybrid) the time to retrieve for a
 * question; `rag` retrieval plus the answer.
 */
export type LatencyKind = 'query' | 'strategy' | 'rag';

const STRATEGY_ID = /^(bm25$|dense:|hybrid:)/;

export function latencyKindOf(generator: string): LatencyKind {
  if (generator.startsWith('rag:')) return 'rag';
  return STRATEGY_ID.test(generator) ? 'strategy' : 'query';
}

export interface LatencyBox {
  generator: string;
  kind: LatencyKind;
  n: number;
  min: number;
  p5: number;
  q1: number;
  median: number;
  q3: number;
  p95: number;
  max: number;
  mean: number;
}

export interface TokenRate extends Interval {
  model: string;
  median: number | null;
  p5: number | null;
  p95: number | null;
}

export interface ErrorCounts {
  generator: string;
  items: number;
  /** Items attempted that ended with no usable query (status `error`). */
  errors: number;
  /** The errors by kind, kinds with none left out; items not attempted are not among them. */
  errorsByKind: Partial<Record<ItemErrorKind, number>>;
  /** Items never attempted because the model's circuit stayed open (not model errors). */
  notAttempted: number;
  cacheHits: number;
  /** Cache hits with a usable answer (status `ok`). */
  cachedOk: number;
  /** Items with LLM calls (cache hits only make sense for those). */
  llmItems: number;
  calls: number;
  failedCalls: number;
  retries: number;
}

export interface ErrorMessage {
  /** `error` (attempted, nothing usable) or `not-attempted`. */
  status: string;
  generator: string;
  /** The error kind (timeout, parse, circuit, ...), null when none was stored. */
  kind: string | null;
  message: string;
  count: number;
}

/** One query a generator produced, as the per-question table shows it. */
export interface ItemQuery {
  /** The query as run: the repaired text when repairs changed it, else as the model wrote it. */
  query: string;
  /** What the model wrote, when repairs changed it; null otherwise. */
  original: string | null;
  /** The repairs applied, in order (empty when none). */
  repairs: string[];
  /** Whether the query parses; null for items stored before queries were checked one by one. */
  valid: boolean | null;
  /** When invalid: the parser's 0-based position in `query` and its message. */
  position: number | null;
  message: string | null;
}

export interface ItemRow {
  queryId: string;
  question: string | null;
  generator: string;
  repeat: number;
  queries: ItemQuery[];
  /** Queries beyond MAX_QUERIES_PER_ITEM that are not listed. */
  moreQueries: number;
  /** `ok`, `error` or `not-attempted`; null for rows stored without one. */
  status: string | null;
  errorKind: string | null;
  /** How the LLM answer was read (`strict`, `variant:<name>`, `fenced`, `lines`, `none`); null for baselines and fused items. */
  answerRead: string | null;
  error: string | null;
  ndcg10: number | null;
  docsFound: number | null;
}

export interface HeatCell {
  queryId: string;
  generator: string;
  ndcg10: number;
}

/** A benchmark run's part of the run report (lib/publish adds the all-pairs comparison from lib/compare). */
export interface BenchRunData {
  kind: 'bench';
  run: RunInfo;
  recallCutoff: number;
  summary: BenchSummary;
  quality: MeasureInterval[];
  latency: LatencyBox[];
  callLatency: HistogramBin[];
  tokenRates: TokenRate[];
  errors: ErrorCounts[];
  errorMessages: ErrorMessage[];
  items: ItemRow[];
  itemCount: number;
  questionCount: number;
  heatmap: HeatCell[];
  skippedModels: { model: string; reason: string }[];
  /** RAG generators' citations, latency split and answers (rag-report-data.ts); null without RAG items. */
  rag: RagReportData | null;
}

export interface RetrieveReportData {
  kind: 'retrieve';
  run: RunInfo;
  measures: MeasureInterval[];
  ndcgHistogram: HistogramBin[];
  queryCount: number;
}

export type RunData = BenchRunData | RetrieveReportData;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const count = (v: unknown): number => Number(v ?? 0);

function parseJson(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function measureLabel(measure: string): string {
  const cut = /^(ndcg_cut|recall|P)_(\d+)$/.exec(measure);
  if (cut) return `${cut[1] === 'ndcg_cut' ? 'nDCG' : cut[1] === 'P' ? 'P' : 'recall'}@${cut[2]}`;
  if (measure === MAP) return MAP_MEASURE.label;
  if (measure === 'recip_rank') return 'MRR';
  return measure;
}

export async function loadRunInfo(store: Store, runId: string): Promise<RunInfo> {
  const row = await store.one(`SELECT * FROM runs WHERE run_id = $id`, { id: runId });
  if (!row) throw new InputError(`no run '${runId}' in ${store.dbPath}`);
  return {
    runId: String(row['run_id']),
    kind: String(row['kind']),
    dataset: (row['dataset'] as string | null) ?? null,
    suite: (row['suite'] as string | null) ?? null,
    status: String(row['status']),
    startedAt: row['started_at'] as Date,
    endedAt: (row['ended_at'] as Date | null) ?? null,
    host: String(row['host']),
    error: (row['error'] as string | null) ?? null,
    config: parseJson(row['config']),
    versions: parseJson(row['versions']),
  };
}

/** The recall cutoff of a bench run: the suite's top_k, else the recall measure it stored. */
async function recallCutoff(store: Store, run: RunInfo): Promise<number> {
  const suite = run.config['suite'] as { top_k?: unknown } | undefined;
  if (typeof suite?.top_k === 'number') return suite.top_k;
  const row = await store.one<{ measure: string }>(
    `SELECT measure FROM item_metrics WHERE run_id = $run AND measure LIKE 'recall\\_%' ESCAPE '\\' LIMIT 1`,
    { run: run.runId },
  );
  const cutoff = Number(row?.measure.slice('recall_'.length));
  return Number.isInteger(cutoff) && cutoff > 0 ? cutoff : DEFAULT_RECALL_CUTOFF;
}

async function qualityIntervals(store: Store, runId: string, measures: string[]): Promise<MeasureInterval[]> {
  const rows = await store.all(
    `SELECT i.generator, m.measure, count(*) AS n, avg(m.value) AS mean, stddev_samp(m.value) AS sd
     FROM run_items i JOIN item_metrics m ON m.run_id = i.run_id AND m.item_key = i.item_key
     WHERE i.run_id = $run AND m.measure IN (${measures.map((_, i) => `$m${i}`).join(', ')})
     GROUP BY ALL ORDER BY i.generator, m.measure`,
    { run: runId, ...Object.fromEntries(measures.map((m, i) => [`m${i}`, m])) },
  );
  return rows.map((r) => ({
    generator: String(r['generator']),
    measure: String(r['measure']),
    label: measureLabel(String(r['measure'])),
    ...tInterval({ n: count(r['n']), mean: num(r['mean']), sd: num(r['sd']) }),
  }));
}

/**
 * Latency quartiles per generator over items that did work: cache hits and items never attempted
 * (stored at 0 ms) left out, and a cold start's model load left out as in the run summary.
 */
async function latencyBoxes(store: Store, runId: string): Promise<LatencyBox[]> {
  const latency = serviceLatencySql('i');
  const rows = await store.all(
    `SELECT generator, count(*) AS n, min(${latency}) AS lo, max(${latency}) AS hi, avg(${latency}) AS mean,
       quantile_cont(${latency}, [0.05, 0.25, 0.5, 0.75, 0.95]) AS q
     FROM run_items i
     WHERE run_id = $run AND latency_ms IS NOT NULL AND NOT coalesce(cache_hit, false) AND status IS DISTINCT FROM 'not-attempted'
     GROUP BY generator ORDER BY generator`,
    { run: runId },
  );
  return rows.map((r) => {
    const q = (r['q'] as number[]).map(Number);
    return {
      generator: String(r['generator']), kind: latencyKindOf(String(r['generator'])), n: count(r['n']), min: Number(r['lo']), max: Number(r['hi']), mean: Number(r['mean']),
      p5: q[0] ?? 0, q1: q[1] ?? 0, median: q[2] ?? 0, q3: q[3] ?? 0, p95: q[4] ?? 0,
    };
  });
}

async function tokenRates(store: Store, runId: string): Promise<TokenRate[]> {
  const rows = await store.all(
    `SELECT model, count(*) AS n, avg(tokens_per_second) AS mean, stddev_samp(tokens_per_second) AS sd,
       quantile_cont(tokens_per_second, [0.05, 0.5, 0.95]) AS q
     FROM ${RUN_UNCACHED_LLM_CALLS} AS c
     WHERE status = 'ok' AND tokens_per_second IS NOT NULL
     GROUP BY model ORDER BY model`,
    { run: runId },
  );
  return rows.map((r) => {
    const q = (r['q'] as number[]).map(Number);
    return {
      model: String(r['model']),
      ...tInterval({ n: count(r['n']), mean: num(r['mean']), sd: num(r['sd']) }),
      p5: q[0] ?? null, median: q[1] ?? null, p95: q[2] ?? null,
    };
  });
}

/** The errors of a generator by kind: the summary's, less the items not attempted (stored under `circuit`). */
function attemptedErrorKinds(g: GeneratorSummary): Partial<Record<ItemErrorKind, number>> {
  const kinds: Partial<Record<ItemErrorKind, number>> = {};
  for (const kind of ITEM_ERROR_KINDS) {
    const n = (g.errorsByKind[kind] ?? 0) - (kind === 'circuit' ? g.notAttempted : 0);
    if (n > 0) kinds[kind] = n;
  }
  return kinds;
}

/**
 * Per generator: items, errors by kind, items not attempted and cache hits from the run summary;
 * cache hits with a usable answer, LLM calls, failed calls and retries from the items' calls.
 */
async function errorCounts(store: Store, runId: string, summary: BenchSummary): Promise<ErrorCounts[]> {
  const rows = await store.all(
    `WITH calls AS (
       SELECT item_key, count(*) AS calls, count(*) FILTER (WHERE status <> 'ok') AS failed, sum(attempts - 1) AS retries
       FROM ${RUN_LLM_CALLS} AS c0 GROUP BY item_key
     )
     SELECT i.generator, count(*) FILTER (WHERE i.cache_hit AND i.status = 'ok') AS cached_ok,
       count(i.cache_hit) AS llm_items, coalesce(sum(c.calls), 0) AS calls, coalesce(sum(c.failed), 0) AS failed,
       coalesce(sum(c.retries), 0) AS retries
     FROM run_items i LEFT JOIN calls c USING (item_key)
     WHERE i.run_id = $run GROUP BY i.generator`,
    { run: runId },
  );
  const byGenerator = new Map(rows.map((r) => [String(r['generator']), r]));
  return summary.generators.map((g) => {
    const r = byGenerator.get(g.generator) ?? {};
    return {
      generator: g.generator, items: g.items, errors: g.errors, errorsByKind: attemptedErrorKinds(g), notAttempted: g.notAttempted,
      cacheHits: g.cacheHits, cachedOk: count(r['cached_ok']), llmItems: count(r['llm_items']),
      calls: count(r['calls']), failedCalls: count(r['failed']), retries: count(r['retries']),
    };
  });
}

/** The most frequent messages of items that failed, and apart from them of items not attempted. */
async function errorMessages(store: Store, runId: string): Promise<ErrorMessage[]> {
  const rows = await store.all(
    `SELECT status, generator, error_kind, error, count(*) AS n FROM run_items
     WHERE run_id = $run AND status IN ('error', 'not-attempted') AND error IS NOT NULL
     GROUP BY status, generator, error_kind, error
     QUALIFY row_number() OVER (PARTITION BY status ORDER BY count(*) DESC, generator, error) <= ${MAX_ERROR_MESSAGES}
     ORDER BY status, n DESC, generator, error`,
    { run: runId },
  );
  return rows.map((r) => ({
    status: String(r['status']), generator: String(r['generator']), kind: (r['error_kind'] as string | null) ?? null,
    message: String(r['error']), count: count(r['n']),
  }));
}

function parseJsonArray(value: unknown): unknown[] | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

/**
 * An item's queries: every query the generator produced, with its validity and repairs, from
 * query_checks; for items stored without checks, the queries that were run (validity unknown).
 */
function itemQueries(checksJson: unknown, queriesJson: unknown): ItemQuery[] {
  const checks = parseJsonArray(checksJson);
  if (checks) {
    return checks.map((raw): ItemQuery => {
      const c = (raw !== null && typeof raw === 'object' ? raw : { query: raw }) as Record<string, unknown>;
      const query = text(c['query'] ?? c['original'] ?? '');
      const original = typeof c['original'] === 'string' && c['original'] !== query ? c['original'] : null;
      return {
        query,
        original,
        repairs: Array.isArray(c['repairs']) ? c['repairs'].map(text) : [],
        valid: typeof c['valid'] === 'boolean' ? c['valid'] : null,
        position: typeof c['position'] === 'number' ? c['position'] : null,
        message: typeof c['message'] === 'string' ? c['message'] : null,
      };
    });
  }
  const queries = parseJsonArray(queriesJson) ?? (typeof queriesJson === 'string' ? [queriesJson] : []);
  return queries.map((q) => ({ query: text(q), original: null, repairs: [], valid: null, position: null, message: null }));
}

/** The query shortened for the table, its original too; the error position is kept as stored. */
function shortenQuery(q: ItemQuery): ItemQuery {
  return {
    ...q,
    query: truncate(q.query, MAX_QUERY_CHARS),
    original: q.original === null ? null : truncate(q.original, MAX_QUERY_CHARS),
    message: q.message === null ? null : truncate(q.message, MAX_QUERY_CHARS),
  };
}

async function questionTexts(store: Store, run: RunInfo): Promise<Map<string, string>> {
  const questions = new Map<string, string>();
  if (run.dataset !== null) for (const q of await loadQueries(store, run.dataset)) if (!questions.has(q.id)) questions.set(q.id, q.text);
  return questions;
}

async function itemRows(store: Store, run: RunInfo): Promise<ItemRow[]> {
  const rows = await store.all(
    `WITH items AS (
       SELECT * FROM run_items WHERE run_id = $run ORDER BY query_id, repeat_index, generator LIMIT ${MAX_ITEM_ROWS}
     )
     SELECT i.query_id, i.generator, i.repeat_index, i.generated_queries, i.query_checks, i.status, i.error_kind,
       i.answer_read, i.error, i.docs_found, m.value AS ndcg10
     FROM items i
     LEFT JOIN item_metrics m ON m.run_id = $run AND m.item_key = i.item_key AND m.measure = $measure
     ORDER BY i.query_id, i.repeat_index, i.generator`,
    { run: run.runId, measure: PRIMARY_MEASURE.name },
  );
  const questions = await questionTexts(store, run);
  return rows.map((r) => {
    const queries = itemQueries(r['query_checks'], r['generated_queries']);
    return {
      queryId: String(r['query_id']),
      question: questions.get(String(r['query_id'])) ?? null,
      generator: String(r['generator']),
      repeat: count(r['repeat_index']),
      queries: queries.slice(0, MAX_QUERIES_PER_ITEM).map(shortenQuery),
      moreQueries: Math.max(0, queries.length - MAX_QUERIES_PER_ITEM),
      status: (r['status'] as string | null) ?? null,
      errorKind: (r['error_kind'] as string | null) ?? null,
      answerRead: (r['answer_read'] as string | null) ?? null,
      error: (r['error'] as string | null) ?? null,
      ndcg10: num(r['ndcg10']),
      docsFound: num(r['docs_found']),
    };
  });
}

async function heatmap(store: Store, runId: string, questionCount: number): Promise<HeatCell[]> {
  if (questionCount > MAX_HEATMAP_QUESTIONS) return [];
  const rows = await store.all(
    `SELECT i.query_id, i.generator, avg(m.value) AS v
     FROM run_items i JOIN item_metrics m ON m.run_id = i.run_id AND m.item_key = i.item_key AND m.measure = $measure
     WHERE i.run_id = $run GROUP BY ALL ORDER BY i.query_id, i.generator`,
    { run: runId, measure: PRIMARY_MEASURE.name },
  );
  return rows.map((r) => ({ queryId: String(r['query_id']), generator: String(r['generator']), ndcg10: Number(r['v']) }));
}

function skippedModels(run: RunInfo): { model: string; reason: string }[] {
  const skipped = (run.config['llm'] as { skipped?: unknown } | undefined)?.skipped;
  if (!Array.isArray(skipped)) return [];
  return skipped.flatMap((s: unknown) => {
    const entry = s as { model?: unknown; reason?: unknown };
    return typeof entry.model === 'string' ? [{ model: entry.model, reason: String(entry.reason ?? '') }] : [];
  });
}

async function loadBenchData(store: Store, run: RunInfo): Promise<BenchRunData> {
  const cutoff = await recallCutoff(store, run);
  const counts = await store.one(
    `SELECT count(*) AS items, count(DISTINCT query_id) AS questions FROM run_items WHERE run_id = $run`,
    { run: run.runId },
  );
  const questionCount = count(counts?.['questions']);
  const summary = await summarizeBenchRun(store, run.runId, cutoff);
  return {
    kind: 'bench',
    run,
    recallCutoff: cutoff,
    summary,
    quality: await qualityIntervals(store, run.runId, headlineMeasures(cutoff).map((m) => m.name)),
    latency: await latencyBoxes(store, run.runId),
    callLatency: await sqlHistogram(store, {
      from: `(SELECT model, wall_ms FROM ${RUN_UNCACHED_LLM_CALLS} AS c)`,
      value: 'wall_ms',
      group: 'model',
      params: { run: run.runId },
    }),
    tokenRates: await tokenRates(store, run.runId),
    errors: await errorCounts(store, run.runId, summary),
    errorMessages: await errorMessages(store, run.runId),
    items: await itemRows(store, run),
    itemCount: count(counts?.['items']),
    questionCount,
    heatmap: await heatmap(store, run.runId, questionCount),
    skippedModels: skippedModels(run),
    rag: await loadRagReportData(store, run.runId, run.dataset, summary.rag, await questionTexts(store, run)),
  };
}

/** Measures bounded by 0..1 (the ones a shared axis can show). */
const UNIT_MEASURE = /^(map|ndcg.*|P_\d+|recall_\d+|recip_rank|bpref|Rprec)$/;

async function loadRetrieveData(store: Store, run: RunInfo): Promise<RetrieveReportData> {
  const rows = await store.all(
    `SELECT measure, count(*) AS n, avg(value) AS mean, stddev_samp(value) AS sd
     FROM item_metrics WHERE run_id = $run GROUP BY measure ORDER BY measure`,
    { run: run.runId },
  );
  const measures = rows.map((r) => ({
    generator: String((run.config['system'] as string | undefined) ?? 'bm25'),
    measure: String(r['measure']),
    label: measureLabel(String(r['measure'])),
    ...tInterval({ n: count(r['n']), mean: num(r['mean']), sd: num(r['sd']) }),
  }));
  const queries = await store.one(`SELECT count(DISTINCT query_id) AS n FROM run_results WHERE run_id = $run`, { run: run.runId });
  return {
    kind: 'retrieve',
    run,
    measures,
    ndcgHistogram: await sqlHistogram(store, {
      from: `(SELECT $label AS measure, value FROM item_metrics WHERE run_id = $run AND measure = $measure)`,
      value: 'value',
      group: 'measure',
      params: { run: run.runId, label: PRIMARY_MEASURE.label, measure: PRIMARY_MEASURE.name },
      bins: UNIT_HISTOGRAM_BINS,
      domain: [0, 1],
    }),
    queryCount: count(queries?.['n']),
  };
}

export function isUnitMeasure(measure: string): boolean {
  return UNIT_MEASURE.test(measure);
}

/** Loads a run's report data; a retrieval run gets its measures, anything else the bench view. */
export async function loadRunData(store: Store, runId: string): Promise<RunData> {
  const run = await loadRunInfo(store, runId);
  return run.kind === 'retrieve' ? loadRetrieveData(store, run) : loadBenchData(store, run);
}
