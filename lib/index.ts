/**
 * Benchlab's public library API, what notebooks and scripts import as `benchlab`
 * (`import { withStore, loadRunItems } from 'benchlab'`). Grouped in the order data flows:
 * datasets -> generation -> retrieval -> metrics -> store -> runs -> reports.
 */
export { withStore, openStore, Store, type StoreOptions } from './store/store';
export { resolveDbPath, projectRoot } from './store/db-path';

export { parseCollection, openCollectionStream } from './datasets/index';
export { importCollection, importDocumentStream } from './datasets/import';
export type { DocumentStream } from './datasets/document-stream';
export { listDatasets, getDataset, loadQueries, loadQrels, type DatasetInfo } from './datasets/catalog';
export type { Document, Query, Judgment, ParsedCollection, DatasetFormat } from './datasets/types';

export { Analyzer, DEFAULT_ANALYZER } from './text/analyzer';
export { parseQuery } from './retrieval/query-parser';
export { queryToString, positiveTerms, type QueryNode } from './retrieval/query-ast';
export { scoreBm25, DEFAULT_BM25 } from './retrieval/bm25';
export { retrieveAll, retrieveTexts } from './retrieval/retrieve';
export { searchBoolean } from './retrieval/boolean-search';

export { evaluateRun, DEFAULT_MEASURES } from './evaluation/evaluate';
export { readRunFile, writeRunFile } from './evaluation/run-file';
export type { Run, Qrels, ScoredDocument } from './evaluation/types';

export { LlmClient, type LlmCall } from './llm/llm-client';
export { ollamaHostsFromEnv } from './llm/hosts';

export { reciprocalRankFusion } from './querygen/reciprocal-rank-fusion';
export { loadSuite } from './suites/suite';
export { runBench } from './runs/bench-run';
export { runRetrieval } from './runs/retrieval-run';
export { summarizeBenchRun } from './runs/bench-summary';
export { listRuns, getRun, loadRunItems, type RunInfo, type RunItem } from './runs/run-items';

export { compareRuns, MIN_PAIRS, type RunComparison, type MetricComparison, type CompareOptions, type Verdict } from './compare/compare-runs';
export { parseCompareMetric, DEFAULT_COMPARE_METRICS, type CompareMetric } from './compare/compare-metrics';
export {
  pairedTTest, welchTTest, wilcoxonSignedRank, mannWhitneyU, pairedBootstrap, signFlipPermutationTest,
  meanDifference, relativeLift, cohensD, cohensDz, holmAdjust, adjustPValues,
  tTestPower, tTestSampleSize, minimumDetectableEffect, DEFAULT_ALPHA, DEFAULT_POWER,
  startConfidenceSequence, updateConfidenceSequence, confidenceSequenceResult,
  mean, median, quantile, quantiles, sampleVariance, sampleStandardDeviation, medianAbsoluteDeviation, sampleCorrelation, linearTrend,
  type LinearTrend, type StatsResult, type TestResult, type EstimateOutcome, type EstimateResult, type DegenerateResult,
  type ConfidenceSequenceResult, type ConfidenceSequenceState,
} from './stats/index';

export {
  selectModel, loadScoringData, categoryScore, roleOf, MemoryEstimator, NoModelFitsError, parseSize, formatGb, DEFAULT_REGISTRY_FILE, DEFAULT_CATEGORIES_FILE,
  type Selection, type SelectOptions, type CandidateBreakdown, type SelectionConstraints, type ScoringData, type CategoryScore,
  type Registry, type RegistryModel, type CategoriesFile, type CategoryConfig, type Role,
} from './scoring/index';

export { renderChart, type Chart, type ChartSpec } from './report/chart';
export { renderAbReport, abReportFileName, headlineVerdict, metricVerdictSentence } from './report/ab-report';
export { differenceForestSpec, liftForestSpec, itemDifferenceSpec, sortedItemDifferences } from './report/ab-charts';
export { renderSelectionReport, SELECTION_REPORT_FILE } from './publish/selection-report';
export { writeRolloutReport, rolloutReportFileName } from './publish/rollout-reports';
export { renderRolloutReport } from './report/rollout-report';
export { candidateScoresSpec } from './report/selection-charts';
export { escapeHtml } from './report/html-page';
