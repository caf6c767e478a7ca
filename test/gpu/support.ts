/**
 * Shared pieces of the GPU tests: where the real captured outputs live (../shared/fixtures/gpu,
 * skipped with a visible reason when absent, required under CI=true), the stand-in tools under
 * test/fixtures/gpu/bin, and scenario files for the stand-in nvidia-smi.
 */
import fs from 'node:fs';
import path from 'node:path';
import { withStore } from '../../lib/store/store';
import { sharedPresent } from '../support/shared';
import { tempDir } from '../support/temp-store';

export const GPU_FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/gpu');
export const gpuFixturesPresent = sharedPresent && fs.existsSync(GPU_FIXTURES);
if (!gpuFixturesPresent && process.env['CI'] === 'true') throw new Error(`CI=true but the GPU fixtures are missing at ${GPU_FIXTURES}`);
export const SKIP_GPU_FIXTURES = gpuFixturesPresent ? '' : ` (skipped: ${GPU_FIXTURES} not present)`;

export const STAND_IN_BIN = path.resolve(__dirname, '../fixtures/gpu/bin');
export const CASES = path.resolve(__dirname, '../fixtures/gpu/cases');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(GPU_FIXTURES, name), 'utf8');
}

export function caseFile(name: string): string {
  return fs.readFileSync(path.join(CASES, name), 'utf8');
}

/** A GPU of the stand-in: static facts plus per-sample values (raw, as printed with units). */
export interface StandInGpu {
  uuid: string;
  index: number;
  name: string;
  'pci.bus_id': string;
  'memory.total'?: string;
  'power.limit'?: string;
  'mig.mode.current'?: string;
  samples?: Record<string, string>[];
  error?: string;
  errorFrom?: number;
}

export interface StandInScenario {
  gpus?: StandInGpu[];
  driverVersion?: string;
  invalidFields?: string[];
  queryRejects?: string[];
  fail?: { exitCode: number; output: string };
  loop?: { hangAtStart?: boolean; stallAfter?: number; dieAfter?: number; exitCode?: number; output?: string; grandchild?: boolean; startupDelayMs?: number };
  perSample?: { hang?: boolean };
  computeApps?: Record<string, string>[];
  stateFile?: string;
}

export interface StandInCall {
  pid: number;
  t: number;
  args: string[];
  kind: string;
  grandchildPid?: number;
}

export interface StandIn {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** One entry per invocation of the stand-in. */
  calls(): StandInCall[];
}

/** Writes a scenario and returns the env that puts the stand-in first on PATH. */
export function standIn(scenario: StandInScenario): StandIn {
  const dir = tempDir('benchlab-gpu-');
  const log = path.join(dir, 'calls.jsonl');
  const configPath = path.join(dir, 'scenario.json');
  fs.writeFileSync(configPath, JSON.stringify({ log, stateFile: path.join(dir, 'state'), driverVersion: '550.54.15', ...scenario }));
  return {
    dir,
    env: { ...process.env, PATH: `${STAND_IN_BIN}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_NVIDIA_SMI_CONFIG: configPath },
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as StandInCall)
        : [],
  };
}

/** Per-sample values from a captured CSV with a header (units kept), for the stand-in to replay. */
export function samplesFromCapture(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(', ').map((h) => h.replace(/\s*\[[^\]]*\]$/, ''));
  return lines.slice(1).map((line) => Object.fromEntries(line.split(', ').map((v, i) => [header[i] ?? `col${i}`, v])));
}

/** Polls until `test` holds (or throws after `timeoutMs`). */
export async function waitFor(test: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process still runs (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // No /proc entry: gone (on Linux), or no /proc at all (then kill(0) had the last word).
    return !fs.existsSync('/proc/self/stat');
  }
}

export const H100_A: StandInGpu = {
  uuid: 'GPU-00000000-1111-2222-3333-00000000000a',
  index: 0,
  name: 'NVIDIA H100 80GB HBM3',
  'pci.bus_id': '00000000:18:00.0',
  'memory.total': '81559 MiB',
  'power.limit': '700.00 W',
  'mig.mode.current': 'Disabled',
};

export const H100_B: StandInGpu = {
  uuid: 'GPU-00000000-1111-2222-3333-00000000000b',
  index: 1,
  name: 'NVIDIA H100 80GB HBM3',
  'pci.bus_id': '00000000:2A:00.0',
  'memory.total': '81559 MiB',
  'power.limit': '700.00 W',
  'mig.mode.current': 'Disabled',
};

/** A temp database with the whole schema (the GPU tables included). */
export async function gpuDb(): Promise<{ dbPath: string; dir: string }> {
  const dir = tempDir('benchlab-gpu-db-');
  const dbPath = path.join(dir, 'gpu.duckdb');
  await withStore({ dbPath }, async () => undefined);
  return { dbPath, dir };
}
