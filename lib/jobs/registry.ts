/**
 * The job registry: every job name Benchlab can schedule and its handler, one handler per file
 * under handlers/. The registry is a Record over the name union, so a name without a handler
 * (or a handler without a name) is a compile error. To add a job: write
 * handlers/<name>-job.ts, add its name to JOB_NAMES and its handler below.
 */
import type { JobHandler } from './job-handler';
import { benchJob } from './handlers/bench-job';
import { gpuSampleJob } from './handlers/gpu-sample-job';
import { reportJob } from './handlers/report-job';
import { retentionJob } from './handlers/retention-job';
import { rolloutMonitorJob } from './handlers/rollout-monitor-job';

export const JOB_NAMES = ['bench', 'report', 'retention', 'rollout-monitor', 'gpu-sample'] as const;

export type JobName = (typeof JOB_NAMES)[number];

export type JobRegistry = { readonly [K in JobName]: JobHandler };

export const JOB_HANDLERS: JobRegistry = {
  bench: benchJob,
  report: reportJob,
  retention: retentionJob,
  'rollout-monitor': rolloutMonitorJob,
  'gpu-sample': gpuSampleJob,
};

export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}
