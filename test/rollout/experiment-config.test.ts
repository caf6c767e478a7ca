import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PLAN_AB_GATES, PLAN_GATES, PLAN_TRIGGERS, experimentsDir, loadExperimentFile, parseExperiment,
} from '../../lib/rollout/experiment-config';
import { InputError } from '../../lib/input-error';

const MINIMAL = `key: minimal
arms:
  control: { method: frequency }
  treatment: { method: llm, model: qwen2.5:7b }
`;

describe('experiment files', () => {
  it('loads the shipped keyword-extraction experiment with the plan\'s stages, gates and matrix', () => {
    const loaded = loadExperimentFile('keyword-extraction-llm', experimentsDir());
    expect(loaded).toBeDefined();
    const config = loaded!.config;
    expect(config.stages.map((s) => s.percentage)).toEqual([0, 10, 25, 50, 100]);
    expect(config.stages.find((s) => s.ab_test)?.percentage).toBe(50);
    expect(config.gates).toEqual(PLAN_GATES);
    expect(config.ab_gates).toEqual(PLAN_AB_GATES);
    expect(config.triggers.map((t) => [t.name, t.action, t.for])).toEqual(
      PLAN_TRIGGERS.map((t) => [t.name, t.action, t.name.startsWith('errors') ? 300_000 : 600_000]),
    );
    expect(path.basename(loaded!.file)).toBe('keyword-extraction-llm.yaml');
  });

  it('fills in the plan\'s defaults when a file names only the arms', () => {
    const config = parseExperiment(MINIMAL, 'minimal.yaml');
    expect(config.seed).toBeUndefined();
    expect(config.hash_version).toBe(2);
    expect(config.stages.map((s) => s.percentage)).toEqual([0, 10, 25, 50, 100]);
    expect(config.gates).toEqual(PLAN_GATES);
    expect(config.triggers).toHaveLength(PLAN_TRIGGERS.length);
    expect(config.monitor).toEqual({ lookback: 300_000, min_units: 20, auto_rollback: true, auto_advance: false });
    expect(config.keywords).toEqual({ min: 10, max: 15 });
  });

  it('names the file, line and field of a bad value', () => {
    const text = `${MINIMAL}stages:\n  - { name: a, percentage: 0 }\n  - { name: b, percentage: 10, min_duration: soon }\n`;
    expect(() => parseExperiment(text, 'bad.yaml')).toThrow(/bad\.yaml:7: stages\.1\.min_duration: 'soon' is not a duration/);
  });

  it('rejects decreasing percentages, unknown fields and unknown trigger actions', () => {
    const decreasing = `${MINIMAL}stages:\n  - { name: a, percentage: 50 }\n  - { name: b, percentage: 10 }\n`;
    expect(() => parseExperiment(decreasing, 'x.yaml')).toThrow(/stage percentages must increase/);
    expect(() => parseExperiment(`${MINIMAL}colour: red\n`, 'x.yaml')).toThrow(InputError);
    const badAction = `${MINIMAL}triggers:\n  - { name: t, metric: error_rate, above: 0.1, for: 5m, action: panic }\n`;
    expect(() => parseExperiment(badAction, 'x.yaml')).toThrow(/x\.yaml:6: triggers\.0\.action/);
  });
});
