/**
 * Owns the retrieval effect of keyword expansion: a copy of a dataset whose documents carry their
 * extracted keywords in an extra indexed field is imported under a derived name, the dataset's
 * own queries are ranked by BM25 over the plain index and over each expanded copy (retrieveAll),
 * and nDCG@10 is computed per query with trec_eval semantics (evaluateRun). The copies are
 * removed afterwards unless asked to keep them.
 */
import type { Store } from '../store/store';
import type { DatasetFormat } from '../datasets/types';
import { getDataset, loadJudgments, loadQrels, loadQueries } from '../datasets/catalog';
import { allDocuments } from '../datasets/document-reads';
import { importCollection, removeDataset, validateDatasetName } from '../datasets/import';
import { retrieveAll } from '../retrieval/retrieve';
import { evaluateRun } from '../evaluation/evaluate';
import { PRIMARY_MEASURE } from '../evaluation/measure-registry';

/** The quality measure of an expansion: the primary measure (nDCG@10). */
export const QUALITY_MEASURE = PRIMARY_MEASURE.name;
/** The extra document field holding the keywords in an expanded copy. */
export const KEYWORD_FIELD = 'expansion_keywords';
const MAX_DATASET_NAME = 64;

export interface ExpansionQuality {
  dataset: string;
  /** Per judged query: nDCG@10 on the plain index and on each expansion. */
  perQuery: { queryId: string; plain: number; expanded: Record<string, number> }[];
  plainMean: number;
  expandedMean: Record<string, number>;
  /** Documents that received keywords, per expansion. */
  expandedDocs: Record<string, number>;
  /** The derived dataset names (present in the store only when kept). */
  derivedDatasets: Record<string, string>;
}

/** The name an expansion's copy is imported under: `<dataset>.kw-<name>`, shortened to fit. */
export function derivedDatasetName(dataset: string, name: string): string {
  const suffix = `.kw-${name}`.replace(/[^A-Za-z0-9._-]/g, '-');
  const derived = `${dataset.slice(0, MAX_DATASET_NAME - suffix.length)}${suffix}`.slice(0, MAX_DATASET_NAME);
  validateDatasetName(derived);
  return derived;
}

/**
 * nDCG@10 of the dataset's queries over its plain index and over one expanded copy per entry of
 * `expansions` (name -> doc id -> keywords; documents not in the map are left as they are).
 */
export async function evaluateExpansions(
  store: Store,
  dataset: string,
  expansions: Record<string, ReadonlyMap<string, readonly string[]>>,
  options: { keep?: boolean } = {},
): Promise<ExpansionQuality> {
  const info = await getDataset(store, dataset);
  const [documents, queries, judgments, qrels] = await Promise.all([
    allDocuments(store, dataset),
    loadQueries(store, dataset),
    loadJudgments(store, dataset),
    loadQrels(store, dataset),
  ]);
  const plain = evaluateRun(await retrieveAll(store, dataset), qrels, [QUALITY_MEASURE]);
  const expandedRuns: Record<string, ReturnType<typeof evaluateRun>> = {};
  const expandedDocs: Record<string, number> = {};
  const derivedDatasets: Record<string, string> = {};
  for (const [name, keywords] of Object.entries(expansions)) {
    const derived = derivedDatasetName(dataset, name);
    derivedDatasets[name] = derived;
    let count = 0;
    const expanded = documents.map((doc) => {
      const words = keywords.get(doc.id);
      if (!words || words.length === 0) return doc;
      count++;
      return { id: doc.id, fields: { ...doc.fields, [KEYWORD_FIELD]: words.join(' ; ') } };
    });
    expandedDocs[name] = count;
    await importCollection(
      store,
      derived,
      { format: info.format as DatasetFormat, documents: expanded, queries, qrels: judgments, defaultFields: [...info.indexedFields, KEYWORD_FIELD], warnings: [] },
      { fields: [...info.indexedFields, KEYWORD_FIELD], analyzer: info.analyzer, sourcePaths: [`expanded from ${dataset}`] },
    );
    try {
      expandedRuns[name] = evaluateRun(await retrieveAll(store, derived), qrels, [QUALITY_MEASURE]);
    } finally {
      if (!options.keep) await removeDataset(store, derived);
    }
  }
  const perQuery = [...plain.perQuery].map(([queryId, values]) => ({
    queryId,
    plain: values[QUALITY_MEASURE] ?? 0,
    expanded: Object.fromEntries(Object.entries(expandedRuns).map(([name, result]) => [name, result.perQuery.get(queryId)?.[QUALITY_MEASURE] ?? 0])),
  }));
  return {
    dataset,
    perQuery,
    plainMean: plain.mean[QUALITY_MEASURE] ?? 0,
    expandedMean: Object.fromEntries(Object.entries(expandedRuns).map(([name, result]) => [name, result.mean[QUALITY_MEASURE] ?? 0])),
    expandedDocs,
    derivedDatasets,
  };
}
