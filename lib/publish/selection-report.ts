/**
 * Publishes the selection report (<outDir>/selection.html): gathers the selection log from
 * lib/scoring (loadSelectionLogData), hands it with an optional live selection to lib/report's
 * renderer, writes the page and refreshes the folder's index page.
 */
import path from 'node:path';
import { copyAssets } from '../report/assets';
import { reportContext, writePage } from '../report/report-files';
import { renderSelectionReportPage, SELECTION_REPORT_FILE } from '../report/selection-report';
import type { Selection } from '../scoring/select-model';
import { loadSelectionLogData } from '../scoring/selection-data';
import type { Store } from '../store/store';
import { refreshIndexPage } from './index-refresh';

export { SELECTION_REPORT_FILE };

/**
 * Writes reports/selection.html (or outDir/selection.html) from the store's selection log and,
 * when given, a live selection; refreshes the folder's index page; returns the file's path.
 */
export async function renderSelectionReport(store: Store, outDir: string, selection?: Selection): Promise<string> {
  const dir = path.resolve(outDir);
  const context = await reportContext();
  const data = await loadSelectionLogData(store);
  copyAssets(dir);
  const file = writePage(dir, SELECTION_REPORT_FILE, await renderSelectionReportPage(data, selection, context));
  await refreshIndexPage(store, dir, context);
  return file;
}
