/**
 * The `report` job: renders the HTML reports from the store with renderReports (lib/publish),
 * as `benchlab report` does. It writes files, not rows, so rows_written stays empty.
 */
import path from 'node:path';
import { z } from 'zod';
import { renderReports } from '../../publish/render-reports';
import { projectRoot } from '../../store/db-path';
import { defineJob } from '../job-handler';

export const reportJobOptions = z
  .object({
    /**
     * Output folder, relative to the project folder. Default as `benchlab report`'s: $BENCHLAB_REPORTS,
     * else the project's reports/ for the default database and a reports/ folder beside any other.
     */
    out_dir: z.string().min(1).optional(),
    /** Render every run, not only the latest. */
    all: z.boolean().default(false),
  })
  .strict();

export const reportJob = defineJob({
  description: 'render the HTML reports from the store',
  options: reportJobOptions,
  async run(options, context) {
    const { files, index } = await renderReports({
      dbPath: context.dbPath,
      ...(options.out_dir !== undefined ? { outDir: path.resolve(projectRoot(), options.out_dir) } : {}),
      all: options.all,
    });
    return { summary: `${files.length} file(s) written; index ${index}` };
  },
});
