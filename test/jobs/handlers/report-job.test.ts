import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJobNow } from '../../../lib/jobs/run-job-now';
import { withStore } from '../../../lib/store/store';
import { config, freshDb, jobRuns } from '../helpers';

describe('report job', () => {
  it('renders the reports into out_dir and records the run (files, not rows)', async () => {
    const { dir, db } = freshDb();
    await withStore({ dbPath: db }, async () => undefined); // an empty, migrated store
    const outDir = path.join(dir, 'reports');
    const execution = await runJobNow({
      name: 'report', dbPath: db,
      config: config(`jobs:\n  - name: report\n    cron: "30 3 * * *"\n    options: { out_dir: ${JSON.stringify(outDir)} }\n`),
    });
    expect(execution).toMatchObject({ status: 'succeeded' });
    const index = path.join(outDir, 'index.html');
    expect(execution.summary).toMatch(new RegExp(`^\\d+ file\\(s\\) written; index ${index.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(fs.existsSync(index)).toBe(true);
    expect(await jobRuns(db, 'report')).toMatchObject([{ status: 'succeeded', rowsWritten: null, error: null }]);
  });
});
