/**
 * The `retention` job: prunes rows older than a per-table age (nothing is pruned unless
 * configured), then downsamples old fine-grained gpu_samples into buckets (see retention.ts).
 * Rows written are the bucket rows; the summary also reports every deletion.
 */
import { z } from 'zod';
import { withStore } from '../../store/store';
import { defineJob } from '../job-handler';
import { MS_PER_DAY, pruneTable, PRUNABLE_TABLES, type PrunableTable } from '../retention';
import { downsampleGpuSamples } from '../../gpu/downsample';

export const DEFAULT_DOWNSAMPLE_AFTER_DAYS = 7;
export const DEFAULT_BUCKET_SECONDS = 60;
const SECONDS_PER_DAY = 86_400;

const days = z.number().int().min(1);
const pruneShape = Object.fromEntries(Object.keys(PRUNABLE_TABLES).map((table) => [table, days.optional()])) as Record<PrunableTable, z.ZodOptional<typeof days>>;

export const retentionJobOptions = z
  .object({
    /** gpu_samples finer than bucket_s and older than this many days are downsampled. */
    downsample_after_days: days.default(DEFAULT_DOWNSAMPLE_AFTER_DAYS),
    /** Bucket size for downsampled gpu_samples, in seconds. */
    bucket_s: z.number().int().min(1).max(SECONDS_PER_DAY).default(DEFAULT_BUCKET_SECONDS),
    /** Delete rows older than N days, per table. A table left out is kept forever. */
    prune_after_days: z.object(pruneShape).strict().default({}),
  })
  .strict();

export const retentionJob = defineJob({
  description: 'prune old rows and downsample old gpu_samples',
  options: retentionJobOptions,
  async run(options, context) {
    const now = new Date();
    return withStore({ dbPath: context.dbPath }, async (store) => {
      const parts: string[] = [];
      for (const table of Object.keys(PRUNABLE_TABLES) as PrunableTable[]) {
        const age = options.prune_after_days[table];
        if (age === undefined) continue;
        const deleted = await pruneTable(store, table, age, now);
        parts.push(`pruned ${deleted} ${table} row(s) older than ${age} day(s)`);
      }
      const down = await downsampleGpuSamples(store, {
        olderThan: new Date(now.getTime() - options.downsample_after_days * MS_PER_DAY),
        resolutionS: options.bucket_s,
      });
      parts.push(
        `downsampled ${down.rowsDeleted} gpu_samples row(s) before ${down.cutoff.toISOString()} into ${down.rowsWritten} bucket(s) of ${options.bucket_s} s`,
      );
      return { rowsWritten: down.rowsWritten, summary: parts.join('; ') };
    });
  },
});
