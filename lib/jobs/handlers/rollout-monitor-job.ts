/**
 * The `rollout-monitor` job: one look at every stored experiment (or one named experiment):
 * evaluates rollback triggers and stage gates, records each decision with its evidence, and
 * applies automatic rollbacks (lib/rollout/monitor.ts). Advancing stays a person's decision
 * unless the experiment's config says otherwise.
 */
import { z } from 'zod';
import { runRolloutMonitor } from '../../rollout/monitor';
import { defineJob } from '../job-handler';

export const rolloutMonitorJobOptions = z
  .object({
    /** Only this experiment key (default: every stored experiment). */
    experiment: z.string().min(1).optional(),
  })
  .strict();

export const rolloutMonitorJob = defineJob({
  description: 'watch staged rollouts: rollback triggers, gates, automatic rollbacks',
  options: rolloutMonitorJobOptions,
  async run(options, context) {
    const result = await runRolloutMonitor({
      dbPath: context.dbPath,
      ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
    });
    return { rowsWritten: result.rowsWritten, summary: `${result.decisions} decision(s)` };
  },
});
