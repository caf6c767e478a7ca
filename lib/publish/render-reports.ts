/**
 * Owns `benchlab report`: gathers view models from the folders that own the data (lib/runs,
 * lib/gpu, lib/rollout) and hands them to lib/report's renderers, writing into the output folder
 * (`outDir`, else $BENCHLAB_REPORTS, else reports/ in the project folder for the default database
 * and beside any other database file; see defaultOutDir in out-dir.ts): a run's report, or
 * every run's with `all`, or the newest run's when neither is asked for; then always the trends
 * report, the GPU dashboard (gpu.html), the rollout report of every stored experiment and the
 * index page. The store is opened read-only, so
 * reports can be rendered while nothing else writes, and never change the data. The embedding
 * scripts are copied to <outDir>/assets/ once.
 */
import path from 'node:path';
import { InputError } from '../input-error';
import { copyAssets } from '../report/assets';
import { renderIndexPage } from '../report/index-page';
import { INDEX_FILE, listReportFiles, reportContext, runReportFileName, TRENDS_FILE, writePage, type ReportContext } from '../report/report-files';
import { renderRunReportPage } from '../report/run-report';
import { renderTrendsPage } from '../report/trends-report';
import { listRunIds, loadIndexRuns, newestRunId } from '../runs/index-runs';
import { loadTrendPoints } from '../runs/trends-data';
import { withStore, type Store } from '../store/store';
import { renderGpuDashboard } from './gpu-dashboard';
import { resolveOutDir } from './out-dir';
import { loadRunReportData } from './run-report-data';
import { writeStoredRolloutReports } from './rollout-reports';

export interface RenderReportsOptions {
  /** Database file; defaults to BENCHLAB_DB, then data/benchlab.duckdb. */
  dbPath?: string;
  /** Output folder; defaults to $BENCHLAB_REPORTS, else reports/ for the default database or beside the database file. */
  outDir?: string;
  /** Render this run's report. */
  runId?: string;
  /** Render every run's report. */
  all?: boolean;
}

export interface RenderedReports {
  /** Every HTML file written: run reports, then the trends report, then the index. */
  files: string[];
  /** The index page. */
  index: string;
  /** The GPU dashboard (kept out of `files`, which lists the run reports, trends and index). */
  gpuDashboard: string;
  /** The rollout report of each stored experiment (also kept out of `files`). */
  rollouts: string[];
}

async function runIdsToRender(store: Store, options: RenderReportsOptions): Promise<string[]> {
  if (options.runId !== undefined) return [options.runId];
  if (options.all) return listRunIds(store);
  const newest = await newestRunId(store);
  return newest !== undefined ? [newest] : [];
}

async function writeRunReport(store: Store, runId: string, outDir: string, context: ReportContext): Promise<string> {
  const data = await loadRunReportData(store, runId);
  return writePage(outDir, runReportFileName(runId), await renderRunReportPage(data, context));
}

export async function renderReports(options: RenderReportsOptions): Promise<RenderedReports> {
  if (options.runId !== undefined && options.all) throw new InputError('choose either a run (--run ID) or every run (--all), not both');
  const outDir = resolveOutDir(options.outDir, options.dbPath);
  const context = await reportContext();
  return withStore({ dbPath: options.dbPath, readOnly: true }, async (store) => {
    const files: string[] = [];
    copyAssets(outDir);
    for (const runId of await runIdsToRender(store, options)) files.push(await writeRunReport(store, runId, outDir, context));
    const trends = await renderTrendsPage(await loadTrendPoints(store), context, new Set(listReportFiles(outDir)));
    files.push(writePage(outDir, TRENDS_FILE, trends));
    const gpuDashboard = await renderGpuDashboard(store, outDir, { context, reportFiles: new Set(listReportFiles(outDir)) });
    const rollouts = await writeStoredRolloutReports(store, outDir, context);
    const index = writePage(outDir, INDEX_FILE, renderIndexPage(await loadIndexRuns(store), listReportFiles(outDir), context));
    files.push(index);
    return { files, index, gpuDashboard, rollouts };
  });
}

/** Renders one run's report (with the trends report and the index); returns the run report's path. */
export async function renderRunReport(dbPath: string | undefined, runId: string, outDir?: string): Promise<string> {
  const { files } = await renderReports({ dbPath, runId, outDir });
  const expected = runReportFileName(runId);
  const file = files.find((f) => path.basename(f) === expected);
  if (!file) throw new Error(`the report of run ${runId} was not written`);
  return file;
}
