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
    // The plan's decision matrix is data in the file, the same as the defaults.
    expect(config.triggers).toEqual(parseExperiment(MINIMAL, 'minimal.yaml').triggers);
    expect(config.triggers.map((t) => [t.name, t.metric, t.action, t.for / 60_000])).toEqual([
      ['errors-critical', 'error_rate', 'rollback-to-zero', 5],
      ['errors-high', 'error_rate', 'previous-stage', 5],
      ['time-high', 'avg_processing_ms', 'previous-stage', 10],
      ['time-elevated', 'avg_processing_ms', 'halve-percentage', 10],
      ['cache-low', 'cache_hit_rate', 'investigate', 10],
      ['complaints-many', 'complaints', 'rollback-to-zero', 0],
      ['complaints', 'complaints', 'pause', 0],
      ['llm-unavailable', 'llm_unavailable', 'rollback-to-zero', 5],
    ]);
    expect(PLAN_TRIGGERS.map((t) => t.name)).toEqual(config.triggers.map((t) => t.name));
    // The 25% stage's own gate: quality at least 10% above the baseline.
    expect(config.stages[2]).toMatchObject({ name: 'quarter', percentage: 25, gates: { quality_lift: { min_lift: 0.1, alpha: 0.05 } } });
    expect(config.monitor).toMatchObject({ bucket: 60_000, min_units: 20 });
    expect(path.basename(loaded!.file)).toBe('keyword-extraction-llm.yaml');
  });

  it('fills in the plan\'s defaults when a file names only the arms', () => {
    const config = parseExperiment(MINIMAL, 'minimal.yaml');
    expect(config.seed).toBeUndefined();
    expect(config.hash_version).toBe(2);
    expect(config.stages.map((s) => s.percentage)).toEqual([0, 10, 25, 50, 100]);
    expect(config.gates).toEqual(PLAN_GATES);
    expect(config.triggers).toHaveLength(PLAN_TRIGGERS.length);
    expect(config.monitor).toEqual({ bucket: 60_000, lookback: 300_000, min_units: 20, auto_rollback: true, auto_advance: false });
    expect(config.stages[2]?.gates).toEqual({ quality_lift: { min_lift: 0.1, alpha: 0.05 } });
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

  it('takes gates of one stage (any gate, quality_lift included), the new trigger metrics and the bucket, and names a bad one', () => {
    const text = `${MINIMAL}stages:
  - { name: a, percentage: 0 }
  - { name: b, percentage: 25, gates: { quality_lift: { min_lift: 0.1 }, error_rate: { below: 0.02 } } }
triggers:
  - { name: c, metric: complaints, above: 5, for: 0s, action: pause }
  - { name: u, metric: llm_unavailable, above: 0.5, for: 2m, action: rollback-to-zero }
monitor: { bucket: 30s }
`;
    const config = parseExperiment(text, 'x.yaml');
    expect(config.stages[1]?.gates).toEqual({ quality_lift: { min_lift: 0.1, alpha: 0.05 }, error_rate: { below: 0.02 } });
    expect(config.triggers.map((t) => [t.metric, t.action])).toEqual([['complaints', 'pause'], ['llm_unavailable', 'rollback-to-zero']]);
    expect(config.monitor.bucket).toBe(30_000);
    const badGate = `${MINIMAL}stages:\n  - { name: a, percentage: 0 }\n  - { name: b, percentage: 25, gates: { quality: { min_lift: 0.1 } } }\n`;
    expect(() => parseExperiment(badGate, 'x.yaml')).toThrow(/x\.yaml:7: stages\.1\.gates/);
    const twice = `${MINIMAL}triggers:\n  - { name: t, metric: error_rate, above: 0.1, for: 5m, action: pause }\n  - { name: t, metric: error_rate, above: 0.2, for: 5m, action: pause }\n`;
    expect(() => parseExperiment(twice, 'x.yaml')).toThrow(/trigger names must be unique/);
  });
});
