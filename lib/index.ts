/**
 * Benchlab's public library API, what notebooks and scripts import as `benchlab`
 * (`import { withStore, loadRunItems } from 'benchlab'`). Grouped in the order data flows:
 * datasets -> generation -> retrieval -> metrics -> store -> runs -> reports.
 */
export { withStore, openStore, Store, type StoreOptions } from './store/store';
export { resolveDbPath, projectRoot } from './store/db-path';

export { parseCollection } from './datasets/index';
export { importCollection } from './datasets/import';
export { listDatasets, getDataset, loadQueries, loadQrels, type DatasetInfo } from './datasets/catalog';
export type { Document, Query, Judgment, ParsedCollection, DatasetFormat } from './datasets/types';

export { Analyzer, DEFAULT_ANALYZER } from './retrieval/analyzer';
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
