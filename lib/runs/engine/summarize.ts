/**
 * Stage 6 of the benchmark engine: the end of the run. The run row gets its final status (and
 * error), the LLM record (hosts, reachability, skipped models, the last events, breaker states)
 * is merged into its config, and the run is summarized from what is stored (bench-summary.ts,
 * so a resumed run is summarized whole), with its GPU figures when samples were taken; a
 * completed run's summary is checked against the suite's expectations.
 */
import type { Store } from '../../store/store';
import { summarizeGpuRun, type GpuRunSummary } from '../../gpu/run-summary';
import type { Suite } from '../../suites/suite';
import { finishRun, mergeRunConfig, type RunStatus } from '../run-store';
import { summarizeBenchRun, type BenchSummary } from '../bench-summary';
import { checkExpectations } from '../expectations';
import type { SkippedModel } from './generators';

export interface RunEnd {
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  error: string | undefined;
  /** Stored under runs.config.llm. */
  llm: Record<string, unknown>;
  topK: number;
  /** GPU samples were taken during the run. */
  gpuSampled: boolean;
}

export interface RunSummaries {
  bench: BenchSummary;
  gpuRun: GpuRunSummary | undefined;
}

/** Records the end of the run and summarizes it. */
export async function finishAndSummarize(store: Store, end: RunEnd): Promise<RunSummaries> {
  await finishRun(store, end.runId, end.status, end.error);
  await mergeRunConfig(store, end.runId, { llm: end.llm });
  const bench = await summarizeBenchRun(store, end.runId, end.topK);
  const gpuRun = end.gpuSampled ? await summarizeGpuRun(store, end.runId) : undefined;
  return { bench, gpuRun };
}

/** The suite's expectations that a completed run fails (none for a run that did not complete). */
export function expectationFailures(status: RunEnd['status'], suite: Suite, summary: BenchSummary, skipped: readonly SkippedModel[]): string[] {
  return status === 'completed' ? checkExpectations(suite, summary, skipped) : [];
}
