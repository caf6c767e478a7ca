/**
 * Stage 1 of the benchmark engine: the suite's dataset, imported when the store does not have it
 * yet and the suite says where it is, then read for the run: the judged questions (up to
 * `max_questions`), their qrels, the index's term statistics (for the TF-IDF baseline) and the
 * analyzer settings the index was built with.
 */
import type { Query } from '../../datasets/types';
import type { Qrels } from '../../evaluation/types';
import { getDataset, loadQrels, loadQueries, UnknownDatasetError } from '../../datasets/catalog';
import { openCollectionStream } from '../../datasets/index';
import { importDocumentStream } from '../../datasets/import';
import { termDocFrequencies } from '../../datasets/document-reads';
import type { Store } from '../../store/store';
import type { TermStatistics } from '../../querygen/tfidf-keywords-baseline';
import { resolveSuitePath, type Suite } from '../../suites/suite';
import { InputError } from '../../input-error';

export interface BenchDataset {
  questions: Query[];
  qrels: Qrels;
  stats: TermStatistics;
  analyzerSettings: { stem: boolean; stopwords: boolean };
}

async function ensureDataset(store: Store, suite: Suite, log: (line: string) => void): Promise<void> {
  try {
    await getDataset(store, suite.dataset);
  } catch (error) {
    if (!(error instanceof UnknownDatasetError) || !suite.import) throw error;
    const paths = suite.import.paths.map(resolveSuitePath);
    log(`importing dataset '${suite.dataset}' from ${paths.join(', ')}`);
    const golden = suite.import.golden === undefined ? undefined : resolveSuitePath(suite.import.golden);
    const source = await openCollectionStream(suite.import.format, paths, golden === undefined ? {} : { golden });
    const summary = await importDocumentStream(store, suite.dataset, source, {
      ...(suite.import.fields ? { fields: suite.import.fields } : {}),
      sourcePaths: golden === undefined ? paths : [...paths, golden],
    });
    for (const { file, reason } of summary.skippedFiles ?? []) log(`skipped ${file}: ${reason}`);
  }
}

async function termStatistics(store: Store, dataset: string, docCount: number): Promise<TermStatistics> {
  return { docCount, docFreq: await termDocFrequencies(store, dataset) };
}

export async function prepareDataset(store: Store, suite: Suite, log: (line: string) => void): Promise<BenchDataset> {
  await ensureDataset(store, suite, log);
  const info = await getDataset(store, suite.dataset);
  const all = await loadQueries(store, suite.dataset);
  const qrels = await loadQrels(store, suite.dataset);
  const questions = all.filter((q) => qrels.has(q.id)).slice(0, suite.max_questions ?? all.length);
  if (questions.length === 0) throw new InputError(`dataset '${suite.dataset}' has no judged questions to benchmark`);
  const stats = await termStatistics(store, suite.dataset, info.docCount);
  return { questions, qrels, stats, analyzerSettings: info.analyzer };
}
