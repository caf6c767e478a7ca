import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJobNow } from '../../../lib/jobs/run-job-now';
import { withStore } from '../../../lib/store/store';
import { runReportFileName } from '../../../lib/report/report-files';
import { config, freshDb, jobRuns } from '../helpers';

/** Where `benchlab run` puts a run's report in the tests: $BENCHLAB_REPORTS (test/support/global-setup.ts). */
const reportOf = (runId: string) => path.join(String(process.env['BENCHLAB_REPORTS']), runReportFileName(runId));

const benchConfig = (suite: string) => config(`jobs:\n  - name: bench\n    cron: "0 2 * * *"\n    options: { suite: ${JSON.stringify(suite)} }\n`);

describe('bench job', () => {
  it('runs the suite like `benchlab run` and records the run\'s items as rows written', async () => {
    const { db } = freshDb();
    const execution = await runJobNow({ name: 'bench', dbPath: db, config: benchConfig('sample-baselines.yaml') });
    expect(execution.status).toBe('succeeded');
    const items = await withStore({ dbPath: db }, (store) => store.one<{ n: bigint; run_id: string }>(`SELECT count(*) AS n, any_value(run_id) AS run_id FROM run_items`));
    expect(Number(items?.n)).toBeGreaterThan(0);
    expect(execution.rowsWritten).toBe(Number(items?.n));
    expect(execution.summary).toBe(`run ${items?.run_id} (suite sample-baselines): completed, ${items?.n} item(s); report ${reportOf(String(items?.run_id))}`);
    expect(await jobRuns(db, 'bench')).toMatchObject([{ status: 'succeeded', rowsWritten: Number(items?.n), error: null }]);
  });

  it('renders the run report as `benchlab run` does, into the reports folder, and names it in its summary', async () => {
    const { db } = freshDb();
    const execution = await runJobNow({ name: 'bench', dbPath: db, config: benchConfig('sample-baselines.yaml') });
    expect(execution.status).toBe('succeeded');
    const runId = /^run (\S+) /.exec(execution.summary ?? '')?.[1] ?? '';
    const file = reportOf(runId);
    expect(execution.summary).toContain(`; report ${file}`);
    const page = fs.readFileSync(file, 'utf8');
    expect(page).toContain(runId);
    expect(page).toContain('question-or');
  });

  it('records a run whose suite expectations fail as a failed job, naming the expectation', async () => {
    const { dir, db } = freshDb();
    const suite = path.join(dir, 'strict.yaml');
    fs.writeFileSync(suite, `name: strict\ndataset: sample\nimport: { format: beir, paths: [data/sample] }\ngenerators: [{ type: question-or }]\nexpectations: { min_ndcg10: 1 }\n`);
    const execution = await runJobNow({ name: 'bench', dbPath: db, config: benchConfig(suite) });
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatch(/^run r\S+: expectation failed: .*ndcg/i);
    const [run] = await jobRuns(db, 'bench');
    expect(run).toMatchObject({ status: 'failed', error: execution.error });
    expect(run?.rowsWritten).toBeGreaterThan(0);
  });
});
