import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/input-error';
import { defaultJobsConfigPath, loadJobsConfig, parseJobsConfig } from '../../lib/jobs/jobs-config';
import { nextFireTimes } from '../../lib/jobs/cron-schedule';
import { JOB_NAMES } from '../../lib/jobs/registry';
import { freshDb, writeConfig } from './helpers';

const FILE = '/etc/benchlab/jobs.yaml';

function problems(yaml: string): string {
  try {
    parseJobsConfig(yaml, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('jobs config', () => {
  it('parses jobs with their schedules, time zones and options, filling in defaults', () => {
    const config = parseJobsConfig(
      `timezone: Europe/Berlin
grace_period_s: 5
jobs:
  - name: bench
    cron: "0 2 * * *"
    options: { suite: sample-baselines.yaml }
  - name: retention
    cron: "0 4 * * 0"
    timezone: UTC
    enabled: false
    options:
      prune_after_days: { llm_cache: 30 }
  - name: report
    cron: "*/10 * * * * *"
    options:
`,
      FILE,
    );
    expect(config.file).toBe(FILE);
    expect(config.gracePeriodMs).toBe(5000);
    expect(config.jobs).toEqual([
      { name: 'bench', cron: '0 2 * * *', timezone: 'Europe/Berlin', enabled: true, options: { suite: 'sample-baselines.yaml', no_cache: false }, index: 0 },
      {
        name: 'retention', cron: '0 4 * * 0', timezone: 'UTC', enabled: false, index: 1,
        options: { downsample_after_days: 7, bucket_s: 60, prune_after_days: { llm_cache: 30 } },
      },
      { name: 'report', cron: '*/10 * * * * *', timezone: 'Europe/Berlin', enabled: true, options: { all: false }, index: 2 },
    ]);
  });

  it('the shipped data/jobs.yaml is valid and schedules every registered job', () => {
    const config = loadJobsConfig(defaultJobsConfigPath());
    expect(config.jobs.map((j) => j.name).sort()).toEqual([...JOB_NAMES].sort());
  });

  it('rejects an invalid cron expression, naming the file, line, job index and name', () => {
    const message = problems(`jobs:
  - name: report
    cron: "0 3 * * *"
  - name: bench
    cron: "61 * * * *"
`);
    expect(message).toContain(`${FILE}:5: jobs.1.cron: invalid cron expression '61 * * * *': minute: 61 is a invalid expression for minute`);
  });

  it('rejects an unknown job name and lists the known ones', () => {
    expect(problems(`jobs:\n  - name: backup\n    cron: "0 1 * * *"\n`)).toContain(
      `${FILE}:2: jobs.0.name: unknown job 'backup'; known jobs: ${JOB_NAMES.join(', ')}`,
    );
  });

  it('reports every problem at once: bad options, time zones, fields, duplicates', () => {
    const message = problems(`timezone: Mars/Olympus
jobs:
  - name: bench
    cron: "0 2 * * *"
    options:
      no_cache: "yes"
      suites: x
  - name: retention
    cron: "0 4 * * *"
    timezone: Nowhere/City
  - name: bench
    cron: "0 5 * * *"
  - name: report
    schedule: "0 3 * * *"
`);
    const lines = message.split('\n');
    expect(lines[0]).toBe(`${FILE}: invalid jobs config (7 problems):`);
    expect(message).toContain(`${FILE}:1: timezone: unknown time zone 'Mars/Olympus'`);
    expect(message).toContain(`${FILE}:6: jobs.0.options.no_cache:`);
    expect(message).toContain(`${FILE}:7: jobs.0.options: Unrecognized key: "suites"`);
    expect(message).toContain(`${FILE}:10: jobs.1.timezone: unknown time zone 'Nowhere/City'`);
    expect(message).toContain(`${FILE}:11: jobs.2.name: job 'bench' is already defined at jobs.0`);
    expect(message).toContain(`${FILE}:13: jobs.3.cron:`);
    expect(message).toContain(`${FILE}:14: jobs.3: Unrecognized key: "schedule"`);
  });

  it('checks at load time that a bench job\'s suite exists', () => {
    expect(problems(`jobs:\n  - name: bench\n    cron: "0 2 * * *"\n    options:\n      suite: nope.yaml\n`)).toContain(
      `${FILE}:5: jobs.0.options.suite: suite 'nope.yaml' not found`,
    );
  });

  it('reports YAML syntax errors with file and line', () => {
    expect(problems('jobs:\n  - name: bench\n    cron: "0 2 * * *\n')).toMatch(new RegExp(`^${FILE}:\\d+: `));
  });

  it('says where it looked when the file is missing', () => {
    const { dir } = freshDb();
    const missing = path.join(dir, 'nope.yaml');
    expect(() => loadJobsConfig(missing)).toThrow(`jobs config ${missing} not found`);
    const file = writeConfig(dir, 'jobs: []\n');
    expect(loadJobsConfig(file).jobs).toEqual([]);
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('next fire times', () => {
  it('follow the cron expression in the job\'s time zone', () => {
    const [first, second] = nextFireTimes('30 3 * * *', 'Asia/Kolkata', 2); // 03:30 IST = 22:00 UTC
    expect(first?.toISOString()).toMatch(/T22:00:00\.000Z$/);
    expect(first?.getTime()).toBeGreaterThan(Date.now());
    expect((second?.getTime() ?? 0) - (first?.getTime() ?? 0)).toBe(24 * 3600 * 1000);
  });
});
