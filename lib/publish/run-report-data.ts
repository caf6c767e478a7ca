/**
 * Gathers a run report's view model: the run's data from lib/runs (loadRunData) and, for a
 * benchmark run, every pair of its generators on the headline measures from lib/compare
 * (compareGeneratorPairs over loadScoredItems), as `benchlab compare RUN --all-generators` prints it.
 */
import { parseCompareMetric } from '../compare/compare-metrics';
import { compareGeneratorPairs, loadScoredItems, type GeneratorPairsComparison } from '../compare/generator-pairs';
import { headlineMeasures } from '../evaluation/measure-registry';
import type { RunReportData } from '../report/run-report';
import { loadRunData, type RunInfo } from '../runs/run-report-data';
import type { Store } from '../store/store';

/** The measures the all-pairs section compares, as `benchlab compare` names them. */
export function pairsMetrics(cutoff: number): string[] {
  return headlineMeasures(cutoff).map((m) => m.short);
}

/** Every pair of the run's generators, paired by question and repeat; null with fewer than two generators. */
async function generatorPairs(store: Store, run: RunInfo, cutoff: number): Promise<GeneratorPairsComparison | null> {
  const metrics = pairsMetrics(cutoff);
  const items = await loadScoredItems(store, run.runId, metrics.map(parseCompareMetric));
  if (new Set(items.map((i) => i.generator)).size < 2) return null;
  return { run, ...compareGeneratorPairs(items, { metrics }) };
}

/** Loads a run's report data; a retrieval run gets its measures, anything else the bench view with its pairs. */
export async function loadRunReportData(store: Store, runId: string): Promise<RunReportData> {
  const data = await loadRunData(store, runId);
  return data.kind === 'bench' ? { ...data, pairs: await generatorPairs(store, data.run, data.recallCutoff) } : data;
}
