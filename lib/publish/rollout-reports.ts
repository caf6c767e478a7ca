/**
 * Publishes rollout reports (<outDir>/rollout-<experiment>.html): gathers each experiment's view
 * model from lib/rollout (loadRolloutReportData) and hands it to lib/report's renderer. One
 * experiment for `benchlab rollout report` (synced from its file when there is one), or every
 * stored experiment as part of `benchlab report`.
 */
import { copyAssets } from '../report/assets';
import { reportContext, writePage, type ReportContext } from '../report/report-files';
import { renderRolloutReport, rolloutReportFileName } from '../report/rollout-report';
import { getExperiment, listExperimentKeys, resolveExperiment, type ExperimentState, type ResolveOptions } from '../rollout/experiment-store';
import { loadRolloutReportData } from '../rollout/rollout-report-data';
import { DEFAULT_REVIEW_PER_ARM } from '../rollout/review-sample';
import { withStore, type Store } from '../store/store';

export { rolloutReportFileName };

export interface RolloutReportOptions extends ResolveOptions {
  dbPath?: string;
  outDir: string;
  reviewPerArm?: number;
}

async function writeOne(store: Store, state: ExperimentState, outDir: string, context: ReportContext, reviewPerArm: number): Promise<string> {
  const data = await loadRolloutReportData(store, state, context.generatedAt, reviewPerArm);
  const page = await renderRolloutReport(data, context);
  copyAssets(outDir);
  return writePage(outDir, rolloutReportFileName(data.assessment.state.key), page);
}

/** Writes the rollout report of an experiment into `outDir`; returns the file. */
export async function writeRolloutReport(experiment: string, options: RolloutReportOptions): Promise<string> {
  const now = options.now ?? new Date();
  const context = { ...(await reportContext()), generatedAt: now };
  return withStore({ ...(options.dbPath !== undefined ? { dbPath: options.dbPath } : {}) }, async (store) => {
    const state = await resolveExperiment(store, experiment, options);
    return writeOne(store, state, options.outDir, context, options.reviewPerArm ?? DEFAULT_REVIEW_PER_ARM);
  });
}

/**
 * Writes the rollout report of every experiment stored (as stored: nothing is synced, so a
 * read-only store serves), at the context's time; returns the files. An experiment whose report
 * cannot be made is named on stderr and skipped, so one broken experiment keeps no other report out.
 */
export async function writeStoredRolloutReports(store: Store, outDir: string, context: ReportContext, reviewPerArm = DEFAULT_REVIEW_PER_ARM): Promise<string[]> {
  const files: string[] = [];
  for (const key of await listExperimentKeys(store)) {
    try {
      const state = await getExperiment(store, key);
      if (state) files.push(await writeOne(store, state, outDir, context, reviewPerArm));
    } catch (error) {
      process.stderr.write(`benchlab report: the rollout report of experiment '${key}' was skipped: ${(error as Error).message}\n`);
    }
  }
  return files;
}
