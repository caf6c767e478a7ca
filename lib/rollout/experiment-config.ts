/**
 * Owns experiment files: data/experiments/<key>.yaml (or .json), validated with zod. A file
 * names the experiment key and seed, the unit type, the two arms and their keyword methods,
 * the stages (percentage, minimum duration, minimum units, which one is the A/B test), the stage
 * gates and A/B gates (and gates of single stages, such as the quality gate at 25%), the rollback
 * decision matrix (triggers with their windows), the monitor's settings and where batch units
 * come from. Read and validated by the config loader (lib/config): every error names the file,
 * the line and the field path. Defaults are the rollout plan's values, named below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadConfigFile, parseConfigText, validateConfig, type ConfigPath } from '../config/load-config';
import { llmSchema } from '../suites/suite';
import { PROMPT_REF } from '../querygen/prompt-ref';
import { projectRoot } from '../store/db-path';
import { HASH_VERSIONS } from './growthbook-hash';
import { DEFAULT_KEYWORD_TARGET } from '../keywords/keyword-extraction';
import { parseDuration } from './duration';

/** Percentages of the plan: 0% (internal) -> 10% canary -> 25% -> 50% A/B test -> 100%. */
export const PLAN_STAGES = [
  { name: 'internal', percentage: 0, min_duration: '1h', min_units: 20 },
  { name: 'canary', percentage: 10, min_duration: '24h', min_units: 100 },
  // At 25% the LLM must already beat the baseline: quality at least 10% better, with the A/B stage's sequential test.
  { name: 'quarter', percentage: 25, min_duration: '24h', min_units: 250, gates: { quality_lift: { min_lift: 0.1, alpha: 0.05 } } },
  { name: 'ab-test', percentage: 50, min_duration: '72h', min_units: 500, ab_test: true },
  { name: 'full', percentage: 100, min_duration: '0s', min_units: 0 },
] as const;

/** Stage gates of the plan: error rate < 1%, average processing time < 2000 ms, cache hit rate > 20%. */
export const PLAN_GATES = {
  error_rate: { below: 0.01 },
  avg_processing_ms: { below: 2000 },
  cache_hit_rate: { above: 0.2 },
} as const;

/** A/B gates of the plan: quality better by >= 15% at p < 0.05, time < 2x control, error rate < 1%, no sample-ratio mismatch. */
export const PLAN_AB_GATES = {
  quality_lift: { min_lift: 0.15, alpha: 0.05 },
  time_ratio: { below: 2 },
  error_rate: { below: 0.01 },
  sample_ratio: { alpha: 0.001 },
} as const;

/**
 * The plan's rollback decision matrix: error rate > 5% for 5 minutes: roll back to 0%; 3-5%:
 * previous stage; average time > 3 s for 10 minutes: previous stage; 2-3 s: halve; cache hit rate
 * < 10%: investigate; more than 5 user complaints: pause; more than 10: roll back; the LLM service
 * unavailable (or no treatment events at all while treatment is on): roll back.
 */
export const PLAN_TRIGGERS = [
  { name: 'errors-critical', metric: 'error_rate', above: 0.05, for: '5m', action: 'rollback-to-zero', severity: 'critical' },
  { name: 'errors-high', metric: 'error_rate', above: 0.03, at_most: 0.05, for: '5m', action: 'previous-stage', severity: 'high' },
  { name: 'time-high', metric: 'avg_processing_ms', above: 3000, for: '10m', action: 'previous-stage', severity: 'high' },
  { name: 'time-elevated', metric: 'avg_processing_ms', above: 2000, at_most: 3000, for: '10m', action: 'halve-percentage', severity: 'warning' },
  { name: 'cache-low', metric: 'cache_hit_rate', below: 0.1, for: '10m', action: 'investigate', severity: 'info' },
  { name: 'complaints-many', metric: 'complaints', above: 10, for: '0s', action: 'rollback-to-zero', severity: 'critical' },
  { name: 'complaints', metric: 'complaints', above: 5, at_most: 10, for: '0s', action: 'pause', severity: 'high' },
  { name: 'llm-unavailable', metric: 'llm_unavailable', above: 0.5, for: '5m', action: 'rollback-to-zero', severity: 'critical' },
] as const;

/**
 * Monitor defaults. Triggers judge the events of the current stage in buckets of DEFAULT_BUCKET
 * (by the events' own timestamps); a bucket with fewer than DEFAULT_TRIGGER_MIN_UNITS events is
 * pooled with the next ones until they have that many. DEFAULT_LOOKBACK is no longer read (kept
 * so that older files and stored configurations still load).
 */
export const DEFAULT_BUCKET = '1m';
export const DEFAULT_LOOKBACK = '5m';
export const DEFAULT_TRIGGER_MIN_UNITS = 20;
export const DEFAULT_BATCH_SIZE = 50;
export const DEFAULT_KEYWORD_PROMPT = 'keywords@1';
export const DEFAULT_HASH_VERSION = 2;
const MAX_PERCENT = 100;
const MAX_BATCH_SIZE = 100_000;
const MAX_KEYWORDS = 100;

/** Metrics summarised per arm (metrics.ts computes them) that gates and triggers can watch. */
export const SUMMARY_METRICS = ['error_rate', 'avg_processing_ms', 'cache_hit_rate', 'hallucination_rate', 'avg_keyword_count'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/**
 * What triggers can watch: the summary metrics (per bucket of events), `complaints` (the user
 * complaints ingested in the current stage, a running count) and `llm_unavailable` (the share of
 * treatment events that could not reach the LLM service; a whole bucket without any treatment
 * event while treatment is on counts as unavailable).
 */
export const TRIGGER_METRICS = [...SUMMARY_METRICS, 'complaints', 'llm_unavailable'] as const;
export type TriggerMetric = (typeof TRIGGER_METRICS)[number];

/**
 * Trigger actions, mildest first (the monitor applies the most severe action that is due; a due
 * 'pause' is applied alongside a milder stage change). 'pause' keeps the stage and percentage
 * and blocks advances until a person resumes.
 */
export const TRIGGER_ACTIONS = ['investigate', 'pause', 'halve-percentage', 'previous-stage', 'rollback-to-zero'] as const;
export type TriggerAction = (typeof TRIGGER_ACTIONS)[number];

export const SEVERITIES = ['info', 'warning', 'high', 'critical'] as const;

const EXPERIMENT_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A duration string ("5m"), or milliseconds (the form stored in the database). */
const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration (use e.g. 30s, 5m, 24h, 7d)` });
    return z.NEVER;
  }
  return ms;
});

const rate = z.number().min(0).max(1);

const armSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('frequency') }).strict(),
  z
    .object({
      method: z.literal('llm'),
      model: z.string().min(1),
      prompt: z.string().regex(PROMPT_REF, 'must look like NAME@VERSION, e.g. keywords@1').default(DEFAULT_KEYWORD_PROMPT),
      /** Generation options passed to the model (Ollama names); temperature 0 keeps answers repeatable. */
      options: z.record(z.string(), z.unknown()).default({ temperature: 0 }),
    })
    .strict(),
]);

const boundsSchema = z
  .object({ below: z.number().optional(), above: z.number().optional() })
  .strict()
  .refine((b) => b.below !== undefined || b.above !== undefined, { message: 'give below, above or both' });

const gatesSchema = z
  .object({
    error_rate: boundsSchema.optional(),
    avg_processing_ms: boundsSchema.optional(),
    cache_hit_rate: boundsSchema.optional(),
    hallucination_rate: boundsSchema.optional(),
    avg_keyword_count: boundsSchema.optional(),
  })
  .strict();

const abGatesSchema = gatesSchema.extend({
  /** Treatment quality must beat control by min_lift (relative), with the sequential test's p < alpha. */
  quality_lift: z.object({ min_lift: z.number(), alpha: rate.default(0.05) }).strict().optional(),
  /** Treatment's average processing time must stay below this multiple of control's. */
  time_ratio: z.object({ below: z.number().positive() }).strict().optional(),
  /** The arms' unit counts must match the percentage: fails when the SRM test's p < alpha. */
  sample_ratio: z.object({ alpha: rate.default(0.001) }).strict().optional(),
});

const stageSchema = z
  .object({
    name: z.string().min(1),
    percentage: z.number().min(0).max(MAX_PERCENT),
    min_duration: durationSchema.default(0),
    /** Treatment units the stage must have seen before its gates can pass. */
    min_units: z.number().int().min(0).default(0),
    /** This stage is the formal A/B test: the A/B gates (ab_gates) apply instead of the stage gates. */
    ab_test: z.boolean().default(false),
    /**
     * Gates of this stage only, added to (or replacing, gate by gate) the stage gates (`gates`, or
     * `ab_gates` at the A/B stage). Any gate may appear, quality_lift included: it is judged with
     * the same A/B analysis and sequential test as at the A/B stage.
     */
    gates: abGatesSchema.optional(),
  })
  .strict();

const triggerSchema = z
  .object({
    name: z.string().min(1),
    metric: z.enum(TRIGGER_METRICS),
    /** Fires when the metric is above this (strictly) ... */
    above: z.number().optional(),
    /** ... and, for a band such as 3-5%, at most this. */
    at_most: z.number().optional(),
    /** Fires when the metric is below this (strictly). */
    below: z.number().optional(),
    /**
     * How long the condition must have held, by the events' own timestamps, before the action is
     * taken: the episode starts at the first bucket from which the condition (or, for bands such
     * as 3-5% and > 5%, any band of the same metric) has held without a break up to the newest
     * judged bucket. 0s: as soon as it holds.
     */
    for: durationSchema,
    action: z.enum(TRIGGER_ACTIONS),
    severity: z.enum(SEVERITIES).default('warning'),
    /** Which arm it watches (the one being rolled out). */
    arm: z.enum(['control', 'treatment']).default('treatment'),
    /** No longer read (triggers judge buckets of events); kept so that older files still load. */
    lookback: durationSchema.optional(),
    /** The fewest events a bucket (or pooled run of buckets) needs to be judged; default monitor.min_units (1 for llm_unavailable; complaints always count). */
    min_units: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((t) => t.above !== undefined || t.below !== undefined, { message: 'a trigger needs above or below' });

const sourceSchema = z
  .object({
    /** Enrich the documents of this imported dataset. */
    dataset: z.string().min(1).optional(),
    /** Or: a folder of JSONL files, one document a line ({"id", "title"?, "text"}). */
    inbox: z.string().min(1).optional(),
    batch_size: z.number().int().min(1).max(MAX_BATCH_SIZE).default(DEFAULT_BATCH_SIZE),
  })
  .strict()
  .refine((s) => (s.dataset === undefined) !== (s.inbox === undefined), { message: 'give exactly one of dataset or inbox' });


export const experimentSchema = z
  .object({
    key: z.string().regex(EXPERIMENT_KEY, 'use 1-64 lower-case letters, digits and dashes'),
    description: z.string().optional(),
    /** Hash seed; defaults to the key. Changing it reshuffles every unit. */
    seed: z.string().min(1).optional(),
    hash_version: z.union([z.literal(HASH_VERSIONS[0]), z.literal(HASH_VERSIONS[1])]).default(DEFAULT_HASH_VERSION),
    unit: z.enum(['document', 'question']).default('document'),
    arms: z.object({ control: armSchema, treatment: armSchema }).strict(),
    keywords: z
      .object({ min: z.number().int().min(1).max(MAX_KEYWORDS), max: z.number().int().min(1).max(MAX_KEYWORDS) })
      .strict()
      .refine((k) => k.min <= k.max, { message: 'min must not exceed max' })
      .prefault(DEFAULT_KEYWORD_TARGET),
    source: sourceSchema.optional(),
    llm: llmSchema.optional(),
    stages: z
      .array(stageSchema)
      .min(2)
      .superRefine((stages, ctx) => {
        stages.forEach((stage, i) => {
          const previous = stages[i - 1];
          if (previous && stage.percentage <= previous.percentage) {
            ctx.addIssue({ code: 'custom', path: [i, 'percentage'], message: `stage percentages must increase from stage to stage (${previous.percentage} before ${stage.percentage})` });
          }
        });
      })
      .prefault(PLAN_STAGES.map((s) => ({ ...s }))),
    gates: gatesSchema.prefault(PLAN_GATES),
    ab_gates: abGatesSchema.prefault(PLAN_AB_GATES),
    triggers: z
      .array(triggerSchema)
      .superRefine((triggers, ctx) => {
        triggers.forEach((trigger, i) => {
          const first = triggers.findIndex((t) => t.name === trigger.name);
          if (first < i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `trigger names must be unique ('${trigger.name}' is also triggers.${first})` });
        });
      })
      .prefault(PLAN_TRIGGERS.map((t) => ({ ...t }))),
    monitor: z
      .object({
        /** Triggers judge events in buckets of this length, by the events' own timestamps. */
        bucket: durationSchema
          .refine((ms) => ms >= 1000, { message: 'a bucket must be at least 1s' })
          .prefault(DEFAULT_BUCKET),
        /** No longer read; kept so that older files and stored configurations still load. */
        lookback: durationSchema.prefault(DEFAULT_LOOKBACK),
        /** The fewest events a bucket needs for a trigger to judge it; sparser buckets are pooled with the next. */
        min_units: z.number().int().min(1).default(DEFAULT_TRIGGER_MIN_UNITS),
        /** Apply rollback actions automatically (the plan: yes). */
        auto_rollback: z.boolean().default(true),
        /** Advance automatically when every gate passes (the plan: no, a person decides). */
        auto_advance: z.boolean().default(false),
        /**
         * Whether a whole bucket without a single event of an arm that has traffic counts as the LLM
         * being unavailable. Default: yes for live traffic (events ingested as they happen), no for an
         * experiment with a `source` (batches from `rollout step`, silent between batches by design).
         */
        silence_means_unavailable: z.boolean().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type StageConfig = ExperimentConfig['stages'][number];
export type TriggerConfig = ExperimentConfig['triggers'][number];
export type ArmConfig = ExperimentConfig['arms']['control'];
export type GatesConfig = ExperimentConfig['gates'];
export type AbGatesConfig = ExperimentConfig['ab_gates'];

/** Names another folder of experiment files than the project's data/experiments (tests, other deployments). */
export const EXPERIMENTS_DIR_ENV_VAR = 'BENCHLAB_EXPERIMENTS_DIR';

export function experimentsDir(): string {
  const fromEnv = process.env[EXPERIMENTS_DIR_ENV_VAR];
  return fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.join(projectRoot(), 'data', 'experiments');
}

/** The seed actually used for hashing. */
export function experimentSeed(config: ExperimentConfig): string {
  return config.seed ?? config.key;
}

const WHAT = 'experiment';

/** Validates an experiment given as YAML or JSON text; `file` only names it in errors. */
export function parseExperiment(text: string, file: string): ExperimentConfig {
  return parseConfigText(text, file, experimentSchema, { what: WHAT });
}

/** Validates an already parsed experiment (e.g. the copy stored in the database). */
export function validateExperiment(raw: unknown, file: string, line: (issuePath: ConfigPath) => number | undefined = () => undefined): ExperimentConfig {
  return validateConfig({ file, value: raw, lineOf: line }, experimentSchema, { what: WHAT });
}

/** Finds an experiment file by path, or by key in the experiments folder. */
export function experimentFile(keyOrFile: string, dir: string = experimentsDir()): string | undefined {
  const candidates = [
    path.resolve(keyOrFile),
    ...['.yaml', '.yml', '.json'].map((ext) => path.join(dir, `${keyOrFile}${ext}`)),
  ];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Loads and validates an experiment file; undefined when there is none for `keyOrFile`. */
export function loadExperimentFile(keyOrFile: string, dir: string = experimentsDir()): { config: ExperimentConfig; file: string } | undefined {
  const file = experimentFile(keyOrFile, dir);
  if (!file) return undefined;
  const byName = path.basename(file).replace(/\.(ya?ml|json)$/, '');
  const byKey = !keyOrFile.includes('/') && !keyOrFile.includes('.');
  const config = loadConfigFile(file, experimentSchema, {
    what: WHAT,
    check: (experiment, problems) => {
      if (byKey && byName !== experiment.key) problems.add(['key'], `'${experiment.key}' does not match the file's name (expected '${byName}')`);
    },
  });
  return { config, file };
}

/** Every experiment file in the folder (for the monitor and `rollout list`). */
export function listExperimentFiles(dir: string = experimentsDir()): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Whether silence (a whole bucket without events of an arm with traffic) counts as the LLM being unavailable. */
export function silenceMeansUnavailable(config: Pick<ExperimentConfig, 'monitor' | 'source'>): boolean {
  return config.monitor.silence_means_unavailable ?? config.source === undefined;
}
