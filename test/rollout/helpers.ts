/**
 * Rollout test support: a fresh database with the rollout migration (5) applied, experiment
 * files written to a temp folder, and event builders with controlled times.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Command } from 'commander';
import { vi } from 'vitest';
import { rolloutCommand } from '../../lib/cli/commands/rollout-command';
import { ingestCommand } from '../../lib/cli/commands/ingest-command';
import { EXIT } from '../../lib/cli/exit-codes';
import { withStore, type Store } from '../../lib/store/store';
import { storeEvents, type EventMetrics, type ExperimentEvent } from '../../lib/rollout/events';
import type { Arm } from '../../lib/rollout/assignment';
import { tempDir } from '../support/temp-store';

/** A temp folder with a database that has the rollout tables, and an experiments folder. */
export async function rolloutWorkspace(): Promise<{ dir: string; dbPath: string; experimentsDir: string }> {
  const dir = tempDir('benchlab-rollout-');
  const dbPath = path.join(dir, 'test.duckdb');
  const experimentsDir = path.join(dir, 'experiments');
  fs.mkdirSync(experimentsDir);
  await withStore({ dbPath }, async () => undefined); // creates the file with the whole schema
  return { dir, dbPath, experimentsDir };
}

/**
 * Runs `benchlab --db DBPATH ARGS...` in-process through commander (main.ts registers the same
 * command modules), capturing stdout and stderr; `code` is what the command set as exit code.
 * An error a command throws (main.ts turns it into the exit code) is thrown here too.
 */
export async function runCli(dbPath: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  let code: number = EXIT.ok;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const program = new Command('benchlab').option('--db <path>').exitOverride();
  const globals = () => program.opts<{ db?: string }>();
  program.addCommand(rolloutCommand(globals).exitOverride());
  program.addCommand(ingestCommand(globals, (c) => (code = c)).exitOverride());
  try {
    await program.parseAsync(['node', 'benchlab', '--db', dbPath, ...args]);
  } catch (error) {
    if (error instanceof Error) Object.assign(error, { stdout, stderr });
    throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, code };
}

/** Writes an experiment file (YAML) and returns its path. */
export function writeExperiment(experimentsDir: string, config: Record<string, unknown>): string {
  const file = path.join(experimentsDir, `${String(config['key'])}.yaml`);
  fs.writeFileSync(file, YAML.stringify(config));
  return file;
}

/** A small experiment with short windows, for fast simulated time. */
export function quickExperiment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: 'kw-test',
    arms: { control: { method: 'frequency' }, treatment: { method: 'llm', model: 'qwen2.5:7b' } },
    stages: [
      { name: 'internal', percentage: 0, min_duration: '1m', min_units: 5 },
      { name: 'canary', percentage: 10, min_duration: '1m', min_units: 5 },
      { name: 'quarter', percentage: 25, min_duration: '1m', min_units: 5 },
      { name: 'ab-test', percentage: 50, min_duration: '1m', min_units: 50, ab_test: true },
      { name: 'full', percentage: 100 },
    ],
    monitor: { lookback: '5m', min_units: 10 },
    ...overrides,
  };
}

export interface EventSpec {
  unit: string;
  arm: Arm;
  at: Date;
  metrics: EventMetrics;
}

let counter = 0;

export function event(experimentKey: string, spec: EventSpec): ExperimentEvent {
  counter++;
  return { eventId: `e${counter}-${spec.unit}`, experimentKey, unitId: spec.unit, arm: spec.arm, occurredAt: spec.at, metrics: spec.metrics, source: 'test' };
}

export async function addEvents(store: Store, experimentKey: string, specs: EventSpec[]): Promise<void> {
  await storeEvents(store, specs.map((s) => event(experimentKey, s)));
}

export const MINUTE = 60_000;

export function at(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

/** A small seeded generator (mulberry32) for reproducible simulated traffic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A normal draw (Box-Muller) from a uniform generator. */
export function normal(random: () => number, mean: number, sd: number): number {
  const u = Math.max(random(), Number.EPSILON);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
