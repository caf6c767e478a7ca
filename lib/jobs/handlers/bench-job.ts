/**
 * The `bench` job: runs a benchmark suite with runBench and publishes its report, exactly like
 * `benchlab run` (the report goes to $BENCHLAB_REPORTS, else reports/ beside the database, and
 * its path is in the job's summary). Rows written are the run's items. A run whose suite
 * expectations fail is recorded as a failed job, so a nightly regression shows up in
 * `benchlab jobs list`. On shutdown the run finishes the item in flight, saves and is marked
 * interrupted; `benchlab run --resume RUN_ID` finishes it.
 */
import { z } from 'zod';
import { InputError } from '../../input-error';
import { runBench } from '../../runs/bench-run';
import { publishRunReport } from '../../publish/publish-run-report';
import { loadSuite } from '../../suites/suite';
import { defineJob } from '../job-handler';

export const benchJobOptions = z
  .object({
    /** Suite file or name in data/suites/ (default: default.yaml). */
    suite: z.string().min(1).optional(),
    /** Do not read or write the LLM response cache. */
    no_cache: z.boolean().default(false),
  })
  .strict()
  // A missing or invalid suite is reported when the config is loaded (daemon start-up), not at
  // the first fire. The suite is read again at every run, so edits take effect without a restart.
  .superRefine((options, ctx) => {
    try {
      loadSuite(options.suite);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['suite'], message: error.message });
    }
  });

export const benchJob = defineJob({
  description: 'run a benchmark suite (like `benchlab run`)',
  options: benchJobOptions,
  async run(options, context) {
    const result = await runBench({
      ...(options.suite !== undefined ? { suite: options.suite } : {}),
      dbPath: context.dbPath,
      useCache: !options.no_cache,
      log: (line) => context.log.info(line),
      signal: context.signal,
    });
    // Rendered as `benchlab run` renders it; a report failure is said but never fails the job.
    const report = await publishRunReport(context.dbPath, result.runId, (message) => context.log.warn(message));
    const items = result.summary.generators.reduce((sum, g) => sum + g.items, 0);
    const summary = `run ${result.runId} (suite ${result.suite.name}): ${result.status}, ${items} item(s)${report ? `; report ${report}` : ''}`;
    if (result.status === 'interrupted') {
      return { rowsWritten: items, summary: `${summary}; resume with: benchlab run --resume ${result.runId}`, interrupted: true };
    }
    if (result.expectationFailures.length > 0) {
      return { rowsWritten: items, summary, failure: `run ${result.runId}: expectation failed: ${result.expectationFailures.join('; ')}` };
    }
    return { rowsWritten: items, summary };
  },
});
