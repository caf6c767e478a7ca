import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { runJobNow } from '../../../lib/jobs/run-job-now';
import { withStore } from '../../../lib/store/store';
import { advanceExperiment } from '../../../lib/rollout/controller';
import { getExperiment, resolveExperiment } from '../../../lib/rollout/experiment-store';
import { storeEvents } from '../../../lib/rollout/events';
import { config, freshDb, jobRuns, recordingLogger } from '../helpers';

const MINUTE = 60_000;

function experiment(key: string): Record<string, unknown> {
  return {
    key,
    arms: { control: { method: 'frequency' }, treatment: { method: 'llm', model: 'qwen2.5:7b' } },
    stages: [{ name: 'internal', percentage: 0 }, { name: 'canary', percentage: 10 }, { name: 'quarter', percentage: 25 }],
    monitor: { min_units: 10 },
  };
}

describe('rollout-monitor job', () => {
  it('logs a broken experiment file with its line and fails the run, after looking at (and rolling back) every other experiment', async () => {
    const { dir, db } = freshDb();
    const experimentsDir = path.join(dir, 'experiments');
    fs.mkdirSync(experimentsDir);
    const files = ['kw-a', 'kw-b'].map((key) => {
      const file = path.join(experimentsDir, `${key}.yaml`);
      fs.writeFileSync(file, YAML.stringify(experiment(key)));
      return file;
    });
    // Both at 25% since 10 minutes ago, both with half of their treatment events failing for 7 minutes.
    const start = new Date(Date.now() - 10 * MINUTE);
    await withStore({ dbPath: db }, async (store) => {
      for (const key of ['kw-a', 'kw-b']) {
        await resolveExperiment(store, key, { experimentsDir, now: start });
        for (let i = 0; i < 2; i++) await advanceExperiment(store, key, { experimentsDir, now: start, force: true });
        await storeEvents(store, Array.from({ length: 7 * 40 }, (_, n) => ({
          eventId: `${key}-${n}`, experimentKey: key, unitId: `u${n}`, arm: 'treatment' as const,
          occurredAt: new Date(start.getTime() + MINUTE + Math.floor(n / 40) * MINUTE + (n % 40) * 1000), metrics: { error: n % 2 === 0 }, source: 'test',
        })));
      }
    });
    fs.writeFileSync(files[0] as string, 'key: kw-a\narms:\n  control: { method: frequency }\n  treatment: { method: llm, model: [broken\n');

    const log = recordingLogger();
    const execution = await runJobNow({
      name: 'rollout-monitor', dbPath: db, log,
      config: config(`jobs:\n  - name: rollout-monitor\n    cron: "*/1 * * * *"\n    options: { experiments_dir: ${JSON.stringify(experimentsDir)} }\n`),
    });
    expect(execution).toMatchObject({ status: 'failed', summary: '2 decision(s); 1 broken experiment(s)' });
    expect(log.lines.some((l) => l.startsWith('error rollout-monitor: kw-a: experiment file broken') && l.includes(`${files[0]}:5: `))).toBe(true);
    expect(log.lines).toContainEqual(expect.stringMatching(/^info rollout-monitor: kw-b: rollback: errors-critical/));
    const [run] = await jobRuns(db, 'rollout-monitor');
    expect(run).toMatchObject({ status: 'failed', rowsWritten: 4 });
    expect(run?.error).toMatch(new RegExp(`kw-a: ${files[0]}:\\d+: `));
    await withStore({ dbPath: db }, async (store) => {
      expect(await getExperiment(store, 'kw-a')).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
      expect(await getExperiment(store, 'kw-b')).toMatchObject({ stageIndex: 0, status: 'rolled-back' });
    });
  });
});
