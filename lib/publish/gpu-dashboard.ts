/**
 * Publishes the GPU dashboard (<outDir>/gpu.html): gathers its view model from lib/gpu
 * (loadGpuDashboardData) and hands it to lib/report's renderer, then writes the page and the
 * chart scripts.
 */
import { loadGpuDashboardData, type GpuDashboardWindowOptions } from '../gpu/gpu-dashboard-data';
import { copyAssets } from '../report/assets';
import { GPU_DASHBOARD_FILE, renderGpuDashboardPage } from '../report/gpu-dashboard';
import { listReportFiles, reportContext, writePage, type ReportContext } from '../report/report-files';
import type { Store } from '../store/store';

/** The dashboard's file in the reports folder. */
export { GPU_DASHBOARD_FILE };

export interface GpuDashboardOptions extends GpuDashboardWindowOptions {
  /** Shared by the pages of one rendering (time, software versions); made here when absent. */
  context?: ReportContext;
  /** The report files in the output folder, for links to run reports; listed from it when absent. */
  reportFiles?: ReadonlySet<string>;
}

/**
 * Writes <outDir>/gpu.html from the store (the window in `options`, default the last
 * DEFAULT_WINDOW_DAYS days of telemetry) and copies the chart scripts; returns the file's path.
 */
export async function renderGpuDashboard(store: Store, outDir: string, options: GpuDashboardOptions = {}): Promise<string> {
  const data = await loadGpuDashboardData(store, options);
  const context = options.context ?? (await reportContext());
  copyAssets(outDir);
  const page = await renderGpuDashboardPage(data, context, options.reportFiles ?? new Set(listReportFiles(outDir)), options);
  return writePage(outDir, GPU_DASHBOARD_FILE, page);
}
