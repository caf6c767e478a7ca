/**
 * What the selection report reads from the store: the logged selections (model_selections,
 * newest first) and the three analysis views over them (models_per_category,
 * multi_category_effectiveness, performance_by_category; migration 2). Counts come back as
 * numbers, and the JSON columns are parsed defensively: a row whose breakdown lacks a key shows
 * it as missing, never fails the report. This is the selection report's view model:
 * lib/report/selection-report.ts renders it.
 */
import type { Store } from '../store/store';

/** Newest logged selections listed in full. */
export const MAX_RECENT_SELECTIONS = 50;

export const SELECTION_VIEWS = ['models_per_category', 'multi_category_effectiveness', 'performance_by_category'] as const;

export interface LoggedSelection {
  selectedAt: Date;
  category: string;
  model: string;
  isPrimaryCategory: boolean;
  confidence: number;
  finalScore: number;
  gpuUuid: string | null;
  durationMs: number;
  /** The constraints as logged (JSON object), e.g. { maxVramBytes: 8e9, gpuAware: false }. */
  constraints: Record<string, unknown>;
  benchmarkScore: number | null;
  coverage: number | null;
  runnerUp: { model: string; finalScore: number | null } | null;
  mixedSettings: boolean | null;
  reason: string;
}

export interface ModelsPerCategoryRow {
  category: string;
  model: string;
  selections: number;
  isPrimaryCategory: boolean;
  meanConfidence: number;
  meanFinalScore: number;
  firstSelectedAt: Date;
  lastSelectedAt: Date;
}

export interface MultiCategoryRow {
  model: string;
  categoriesServed: number;
  categories: string[];
  selections: number;
  primarySelections: number;
  secondarySelections: number;
  meanConfidence: number;
  meanFinalScore: number;
  meanFinalScorePrimary: number | null;
  meanFinalScoreSecondary: number | null;
}

export interface PerformanceRow {
  category: string;
  selections: number;
  models: number;
  meanFinalScore: number;
  minFinalScore: number;
  maxFinalScore: number;
  meanConfidence: number;
  meanBenchmarkScore: number | null;
  meanCoverage: number | null;
  meanLocalScore: number | null;
  localItems: number;
  gpuPlacedShare: number;
  alreadyLoadedShare: number;
  meanDurationMs: number;
  maxDurationMs: number;
}

export interface SelectionLogData {
  /** Selections logged in all. */
  total: number;
  recent: LoggedSelection[];
  /** The views this database lacks (an old schema opened read-only); their sections say so. */
  missingViews: string[];
  perCategory: ModelsPerCategoryRow[];
  multiCategory: MultiCategoryRow[];
  performance: PerformanceRow[];
}

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : null);
const toNumber = (v: unknown): number => numberOrNull(v) ?? Number.NaN;
const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

function runnerUpOf(breakdown: Record<string, unknown>): LoggedSelection['runnerUp'] {
  const r = breakdown['runner_up'];
  if (r === null || typeof r !== 'object') return null;
  const o = r as Record<string, unknown>;
  return typeof o['model'] === 'string' ? { model: o['model'], finalScore: numberOrNull(o['final_score']) } : null;
}

async function loadRecent(store: Store): Promise<LoggedSelection[]> {
  const rows = await store.all(
    `SELECT selected_at, category, model, is_primary_category, confidence, final_score, gpu_uuid, duration_ms,
            CAST(constraints AS VARCHAR) AS constraints, CAST(breakdown AS VARCHAR) AS breakdown, reason
       FROM model_selections ORDER BY selected_at DESC, category, model LIMIT ${MAX_RECENT_SELECTIONS}`,
  );
  return rows.map((r) => {
    const breakdown = parseObject(r['breakdown']);
    const mixed = breakdown['mixed_settings'];
    return {
      selectedAt: toDate(r['selected_at']),
      category: String(r['category']),
      model: String(r['model']),
      isPrimaryCategory: r['is_primary_category'] === true,
      confidence: toNumber(r['confidence']),
      finalScore: toNumber(r['final_score']),
      gpuUuid: (r['gpu_uuid'] as string | null) ?? null,
      durationMs: toNumber(r['duration_ms']),
      constraints: parseObject(r['constraints']),
      benchmarkScore: numberOrNull(breakdown['benchmark_score']),
      coverage: numberOrNull(breakdown['coverage']),
      runnerUp: runnerUpOf(breakdown),
      mixedSettings: typeof mixed === 'boolean' ? mixed : null,
      reason: String(r['reason']),
    };
  });
}

async function existingViews(store: Store): Promise<Set<string>> {
  const rows = await store.all<{ view_name: string }>(`SELECT view_name FROM duckdb_views() WHERE NOT internal`);
  return new Set(rows.map((r) => r.view_name));
}

export async function loadSelectionLogData(store: Store): Promise<SelectionLogData> {
  const views = await existingViews(store);
  const missingViews = SELECTION_VIEWS.filter((v) => !views.has(v));
  const total = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM model_selections`);
  const perCategory = views.has('models_per_category')
    ? (await store.all(
        `SELECT category, model, selections::INTEGER AS selections, is_primary_category, mean_confidence, mean_final_score, first_selected_at, last_selected_at
           FROM models_per_category ORDER BY category, selections DESC, model`,
      )).map((r) => ({
        category: String(r['category']),
        model: String(r['model']),
        selections: toNumber(r['selections']),
        isPrimaryCategory: r['is_primary_category'] === true,
        meanConfidence: toNumber(r['mean_confidence']),
        meanFinalScore: toNumber(r['mean_final_score']),
        firstSelectedAt: toDate(r['first_selected_at']),
        lastSelectedAt: toDate(r['last_selected_at']),
      }))
    : [];
  const multiCategory = views.has('multi_category_effectiveness')
    ? (await store.all(
        `SELECT model, categories_served::INTEGER AS categories_served, categories, selections::INTEGER AS selections,
                primary_selections::INTEGER AS primary_selections, secondary_selections::INTEGER AS secondary_selections,
                mean_confidence, mean_final_score, mean_final_score_primary, mean_final_score_secondary
           FROM multi_category_effectiveness ORDER BY categories_served DESC, selections DESC, model`,
      )).map((r) => ({
        model: String(r['model']),
        categoriesServed: toNumber(r['categories_served']),
        categories: Array.isArray(r['categories']) ? (r['categories'] as unknown[]).map(String) : [],
        selections: toNumber(r['selections']),
        primarySelections: toNumber(r['primary_selections']),
        secondarySelections: toNumber(r['secondary_selections']),
        meanConfidence: toNumber(r['mean_confidence']),
        meanFinalScore: toNumber(r['mean_final_score']),
        meanFinalScorePrimary: numberOrNull(r['mean_final_score_primary']),
        meanFinalScoreSecondary: numberOrNull(r['mean_final_score_secondary']),
      }))
    : [];
  const performance = views.has('performance_by_category')
    ? (await store.all(
        `SELECT category, selections::INTEGER AS selections, models::INTEGER AS models, mean_final_score, min_final_score, max_final_score,
                mean_confidence, mean_benchmark_score, mean_coverage, mean_local_score, local_items::DOUBLE AS local_items,
                gpu_placed_share, already_loaded_share, mean_duration_ms, max_duration_ms
           FROM performance_by_category ORDER BY category`,
      )).map((r) => ({
        category: String(r['category']),
        selections: toNumber(r['selections']),
        models: toNumber(r['models']),
        meanFinalScore: toNumber(r['mean_final_score']),
        minFinalScore: toNumber(r['min_final_score']),
        maxFinalScore: toNumber(r['max_final_score']),
        meanConfidence: toNumber(r['mean_confidence']),
        meanBenchmarkScore: numberOrNull(r['mean_benchmark_score']),
        meanCoverage: numberOrNull(r['mean_coverage']),
        meanLocalScore: numberOrNull(r['mean_local_score']),
        localItems: toNumber(r['local_items']),
        gpuPlacedShare: toNumber(r['gpu_placed_share']),
        alreadyLoadedShare: toNumber(r['already_loaded_share']),
        meanDurationMs: toNumber(r['mean_duration_ms']),
        maxDurationMs: toNumber(r['max_duration_ms']),
      }))
    : [];
  return { total: total?.n ?? 0, recent: await loadRecent(store), missingViews, perCategory, multiCategory, performance };
}
