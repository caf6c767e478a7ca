/**
 * Publishing a benchmark run's report after the run, the same way wherever a run happens
 * (`benchlab run` and the `bench` job): the run report, with the trends report and the index,
 * rendered into the reports folder (`outDir`, else $BENCHLAB_REPORTS, else reports/ beside the
 * database; see defaultOutDir in out-dir.ts). A report that cannot be rendered is said
 * through `onError` and never fails the run: its data is stored, and `benchlab report --run ID`
 * renders it later.
 */
import { renderRunReport } from './render-reports';

/** The run report's path, or undefined when it could not be rendered (said through `onError`). */
export async function publishRunReport(
  dbPath: string | undefined,
  runId: string,
  onError: (message: string) => void,
  outDir?: string,
): Promise<string | undefined> {
  try {
    return await renderRunReport(dbPath, runId, outDir);
  } catch (error) {
    onError(`could not render the run report: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
