/**
 * `benchlab report`: renders HTML reports (Vega-Lite charts, offline) into --out, else
 * $BENCHLAB_REPORTS, else reports/ beside the database (the project's for the default database).
 * The database is opened read-only and must exist (exit 3 otherwise; see renderReports):
 * one run's report (--run), every run's (--all), or the newest run's by default, and always
 * the trends report and the index page. Prints the paths written.
 */
import { Command, Option } from 'commander';
import { renderReports } from '../../publish/render-reports';
import { REPORTS_ENV_VAR } from '../../publish/out-dir';
import { printJson } from '../output';
import type { GlobalOptions } from '../global-options';

interface ReportCommandOptions {
  run?: string;
  all: boolean;
  out?: string;
  json: boolean;
}

export function reportCommand(globals: () => GlobalOptions): Command {
  return new Command('report')
    .description('render HTML reports (run reports, trends, GPU dashboard, rollouts, index) that work offline')
    .option('--run <runId>', "render this run's report (default: the newest run)")
    .addOption(new Option('--all', "render every run's report").default(false).conflicts('run'))
    .option('--out <dir>', `output folder (default: $${REPORTS_ENV_VAR}, else reports/ beside the database; the project's reports/ for the default database)`)
    .option('--json', 'print the written paths as JSON', false)
    .action(async (options: ReportCommandOptions) => {
      const result = await renderReports({
        dbPath: globals().db,
        outDir: options.out,
        runId: options.run,
        all: options.all,
      });
      if (options.json) {
        printJson(result);
        return;
      }
      for (const file of result.files) process.stdout.write(`${file}\n`);
    });
}
