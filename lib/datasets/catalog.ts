/**
 * Reads imported datasets back from the store: the list of datasets, one dataset's settings,
 * its queries and its qrels (as the evaluation module's `Qrels`, or as judgment rows).
 */
import type { Store } from '../store/store';
import type { AnalyzerSettings } from '../text/analyzer';
import type { Qrels } from '../evaluation/types';
import type { Judgment, Query } from './types';
import { InputError } from '../input-error';

export interface DatasetInfo {
  name: string;
  format: string;
  sourcePaths: string[];
  indexedFields: string[];
  analyzer: AnalyzerSettings;
  docCount: number;
  queryCount: number;
  judgmentCount: number;
  totalTokens: number;
  avgDocLength: number;
  emptyDocIds: string[];
  importedAt: string;
}

interface DatasetRow {
  name: string;
  format: string;
  source_paths: string[];
  indexed_fields: string[];
  analyzer: string;
  doc_count: number;
  query_count: number;
  judgment_count: number;
  total_tokens: bigint;
  avg_doc_length: number;
  empty_doc_ids: string[];
  imported_at: Date;
  [key: string]: unknown;
}

function toInfo(row: DatasetRow): DatasetInfo {
  return {
    name: row.name,
    format: row.format,
    sourcePaths: row.source_paths,
    indexedFields: row.indexed_fields,
    analyzer: JSON.parse(row.analyzer) as AnalyzerSettings,
    docCount: row.doc_count,
    queryCount: row.query_count,
    judgmentCount: row.judgment_count,
    totalTokens: Number(row.total_tokens),
    avgDocLength: row.avg_doc_length,
    emptyDocIds: row.empty_doc_ids,
    importedAt: row.imported_at.toISOString(),
  };
}

export class UnknownDatasetError extends InputError {
  constructor(name: string, available: string[]) {
    super(
      `unknown dataset '${name}'; ` +
        (available.length > 0
          ? `imported datasets: ${available.join(', ')}`
          : `no dataset imported yet: run 'benchlab import --format beir|trec|smart|files --dataset NAME PATH...'`),
    );
    this.name = 'UnknownDatasetError';
  }
}

export async function listDatasets(store: Store): Promise<DatasetInfo[]> {
  const rows = await store.all<DatasetRow>(`SELECT * FROM datasets ORDER BY name`);
  return rows.map(toInfo);
}

export async function getDataset(store: Store, name: string): Promise<DatasetInfo> {
  const row = await store.one<DatasetRow>(`SELECT * FROM datasets WHERE name = $name`, { name });
  if (!row) throw new UnknownDatasetError(name, (await listDatasets(store)).map((d) => d.name));
  return toInfo(row);
}

export async function loadQueries(store: Store, dataset: string): Promise<Query[]> {
  const rows = await store.all<{ query_id: string; text: string }>(
    `SELECT query_id, text FROM queries WHERE dataset = $dataset ORDER BY query_id`,
    { dataset },
  );
  return rows.map((r) => ({ id: r.query_id, text: r.text }));
}

export async function loadQrels(store: Store, dataset: string): Promise<Qrels> {
  const rows = await store.all<{ query_id: string; doc_id: string; grade: number }>(
    `SELECT query_id, doc_id, grade FROM qrels WHERE dataset = $dataset`,
    { dataset },
  );
  const qrels: Qrels = new Map();
  for (const row of rows) {
    let judged = qrels.get(row.query_id);
    if (!judged) qrels.set(row.query_id, (judged = new Map()));
    judged.set(row.doc_id, row.grade);
  }
  return qrels;
}

/** The dataset's judgments as rows, in stored order. */
export async function loadJudgments(store: Store, dataset: string): Promise<Judgment[]> {
  const rows = await store.all<{ query_id: string; doc_id: string; grade: number }>(`SELECT query_id, doc_id, grade FROM qrels WHERE dataset = $dataset`, { dataset });
  return rows.map((r) => ({ queryId: r.query_id, docId: r.doc_id, grade: r.grade }));
}
