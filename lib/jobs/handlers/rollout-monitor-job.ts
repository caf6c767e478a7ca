/**
 * The `rollout-monitor` job: one look at every stored experiment (or one named experiment):
 * evaluates rollback triggers and stage gates, records each decision with its evidence, and
 * applies automatic rollbacks (lib/rollout/monitor.ts). Advancing stays a person's decision
 * unless the experiment's config says otherwise. A broken experiment file is logged with its file
 * and line and fails the run, but only after every other experiment was looked at (the broken
 * one too, with its stored configuration, when it has one).
 */
import path from 'node:path';
import { z } from 'zod';
import { runRolloutMonitor } from '../../rollout/monitor';
import { projectRoot } from '../../store/db-path';
import { defineJob } from '../job-handler';

export const rolloutMonitorJobOptions = z
  .object({
    /** Only this experiment key (default: every stored experiment). */
    experiment: z.string().min(1).optional(),
    /** Folder of experiment files, relative to the project folder (default data/experiments). */
    experiments_dir: z.string().min(1).optional(),
  })
  .strict();

export const rolloutMonitorJob = defineJob({
  description: 'watch staged rollouts: rollback triggers, gates, automatic rollbacks',
  options: rolloutMonitorJobOptions,
  async run(options, context) {
    const result = await runRolloutMonitor({
      dbPath: context.dbPath,
      ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
      ...(options.experiments_dir !== undefined ? { experimentsDir: path.resolve(projectRoot(), options.experiments_dir) } : {}),
      onLook: (look) => {
        if (look.decision !== 'continue' && look.decision !== 'ready') context.log.info(`${look.experiment}: ${look.decision}: ${look.description}`);
      },
      onBroken: (broken) => context.log.error(`${broken.experiment}: experiment file broken${broken.lookedAt ? ' (looked at with its stored configuration)' : ''}: ${broken.message}`),
    });
    const summary = `${result.decisions} decision(s)${result.broken.length > 0 ? `; ${result.broken.length} broken experiment(s)` : ''}`;
    return {
      rowsWritten: result.rowsWritten,
      summary,
      ...(result.broken.length > 0 ? { failure: result.broken.map((b) => `${b.experiment}: ${b.message}`).join('\n') } : {}),
    };
  },
});
