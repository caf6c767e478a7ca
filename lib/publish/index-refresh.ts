/**
 * Re-renders the index page of a reports folder after a report was written outside
 * `benchlab report` (an A/B report from `benchlab compare --report`, the selection report from
 * `benchlab select --report`), so the index links every report file in the folder.
 */
import { renderIndexPage } from '../report/index-page';
import { INDEX_FILE, listReportFiles, reportContext, writePage, type ReportContext } from '../report/report-files';
import { loadIndexRuns } from '../runs/index-runs';
import type { Store } from '../store/store';

/** Writes outDir/index.html from the store's runs and the folder's report files; returns its path. */
export async function refreshIndexPage(store: Store, outDir: string, context?: ReportContext): Promise<string> {
  const page = renderIndexPage(await loadIndexRuns(store), listReportFiles(outDir), context ?? (await reportContext()));
  return writePage(outDir, INDEX_FILE, page);
}
