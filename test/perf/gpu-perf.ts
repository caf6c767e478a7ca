/**
 * GPU sampler benchmarks for `npm run perf`:
 * - CPU cost of sampling in loop mode (one long-lived `nvidia-smi -lms N`) against one spawn per
 *   sample, over the same number of samples at a fast interval, with the stand-in nvidia-smi
 *   (test/fixtures/gpu/bin/nvidia-smi, a Node script) first on PATH. CPU is the Node side
 *   (process.cpuUsage) plus the tool's (the children's utime+stime, from /proc/self/stat cutime
 *   and cstime once they are reaped; the loop process's own start-up share from /proc/<pid>/stat
 *   at its first sample). Both are extrapolated to an hour at 1 Hz and compared as a ratio.
 *   The stand-in starts like any Node program (tens of ms of CPU); the real nvidia-smi costs
 *   7 ms to seconds per start, so the ratio for a real GPU differs, in the same direction.
 * - Parse throughput: 1,000,000 loop-mode CSV rows (8 GPUs) read into readings, in rows/s,
 *   after a warm-up on a tenth of them.
 * Linux only for the CPU part (/proc); elsewhere it reports the Node side alone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GpuSampler } from '../../lib/gpu/gpu-sampler';
import { metricIndex, NvidiaCsvReader, readingFromRow } from '../../lib/gpu/nvidia-csv';
import { DYNAMIC_METRICS, emptyCatalog, resolveFields } from '../../lib/gpu/nvidia-fields';
import { projectRoot } from '../../lib/store/db-path';

export const PERF_SAMPLES = 200;
export const PERF_INTERVAL_MS = 20;
export const PARSE_ROWS = 1_000_000;
const PARSE_GPUS = 8;
const PARSE_WARMUP_SHARE = 10;
const SECONDS_PER_HOUR = 3600;
const US_PER_MS = 1000;
const DEFAULT_CLK_TCK = 100;
const MS_PER_SECOND = 1000;
/** Fields of /proc/<pid>/stat (1-based, man 5 proc), in clock ticks. */
const STAT = { utime: 14, stime: 15, cutime: 16, cstime: 17 } as const;
/** The first field after "pid (comm) " is field 3. */
const STAT_FIRST_FIELD_AFTER_COMM = 3;
/** Give up on a mode that cannot deliver the samples in this time. */
const MODE_TIMEOUT_MS = 120_000;

export interface ModeCost {
  mode: 'loop' | 'per-sample';
  samples: number;
  wallMs: number;
  nodeCpuMs: number;
  toolCpuMs: number;
  /** Tool CPU up to the first sample (loop mode: the process start-up, paid once). */
  toolStartupCpuMs: number;
  /** Extrapolated CPU seconds for one hour at 1 sample/s (start-up counted once). */
  cpuSecondsPerHour: number;
  toolSpawns: number;
}

export interface GpuPerf {
  intervalMs: number;
  loop: ModeCost;
  perSample: ModeCost;
  /** per-sample CPU per hour / loop CPU per hour. */
  ratio: number;
  parse: { rows: number; ms: number; rowsPerSecond: number };
  procAvailable: boolean;
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : DEFAULT_CLK_TCK;
  } catch {
    return DEFAULT_CLK_TCK;
  }
}

/** utime, stime, cutime, cstime of a process, in ms; undefined without /proc. */
function procTimes(pid: number | 'self', ticks: number): { own: number; children: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (n: number) => Number(fields[n - STAT_FIRST_FIELD_AFTER_COMM]);
    const toMs = (v: number) => (v * MS_PER_SECOND) / ticks;
    return { own: toMs(at(STAT.utime) + at(STAT.stime)), children: toMs(at(STAT.cutime) + at(STAT.cstime)) };
  } catch {
    return undefined;
  }
}

function scenario(dir: string): { env: NodeJS.ProcessEnv; log: string } {
  const log = path.join(dir, 'calls.jsonl');
  const config = path.join(dir, 'scenario.json');
  const samples = Array.from({ length: 60 }, (_, i) => ({ 'utilization.gpu': `${(i * 7) % 100} %`, 'memory.used': `${20000 + i} MiB`, 'power.draw': `${300 + i}.50 W`, 'temperature.gpu': `${60 + (i % 10)}` }));
  fs.writeFileSync(
    config,
    JSON.stringify({
      log,
      driverVersion: '550.54.15',
      gpus: [{ uuid: 'GPU-00000000-1111-2222-3333-00000000000a', index: 0, name: 'NVIDIA H100 80GB HBM3', 'pci.bus_id': '00000000:18:00.0', 'memory.total': '81559 MiB', samples }],
    }),
  );
  const bin = path.join(projectRoot(), 'test', 'fixtures', 'gpu', 'bin');
  return { env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_NVIDIA_SMI_CONFIG: config }, log };
}

async function measureMode(mode: 'loop' | 'per-sample', samples: number, intervalMs: number, ticks: number): Promise<ModeCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'benchlab-gpu-perf-'));
  try {
    const { env, log } = scenario(dir);
    let count = 0;
    let firstSampleToolMs: number | undefined;
    let finished!: () => void;
    const enough = new Promise<void>((resolve) => (finished = resolve));
    const loopPid = () => {
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
      const loop = lines.map((l) => JSON.parse(l) as { pid: number; kind: string }).find((c) => c.kind === 'loop');
      return loop?.pid;
    };
    const sampler = new GpuSampler({
      intervalMs, minIntervalMs: intervalMs, env, store: 'manual', ollamaHosts: [], tools: ['nvidia-smi'], nvidiaMode: mode,
      // Generous limits: a loaded machine must not turn the measurement into a watchdog test.
      watchdog: { firstSampleMs: MODE_TIMEOUT_MS, stallMs: MODE_TIMEOUT_MS, callMs: MODE_TIMEOUT_MS },
      onSample: () => {
        count++;
        if (count === 1 && mode === 'loop') {
          const pid = loopPid();
          firstSampleToolMs = pid === undefined ? undefined : procTimes(pid, ticks)?.own;
        }
        if (count === samples) finished();
      },
    });
    // Start-up (help and static calls) is the same for both modes and not measured.
    await sampler.start();
    const children0 = procTimes('self', ticks)?.children ?? 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const timeout = setTimeout(finished, MODE_TIMEOUT_MS);
    await enough;
    clearTimeout(timeout);
    const wallMs = performance.now() - wall0;
    await sampler.stop();
    sampler.takeBatch();
    const cpu = process.cpuUsage(cpu0);
    const nodeCpuMs = (cpu.user + cpu.system) / US_PER_MS;
    const toolCpuMs = (procTimes('self', ticks)?.children ?? 0) - children0;
    const kinds = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind) : [];
    const toolSpawns = kinds.filter((k) => k === 'loop' || k === 'once').length;
    const measured = Math.max(1, count);
    const startup = mode === 'loop' ? Math.min(toolCpuMs, firstSampleToolMs ?? 0) : 0;
    const perSampleCpu = (nodeCpuMs + toolCpuMs - startup) / measured;
    return {
      mode, samples: count, wallMs, nodeCpuMs, toolCpuMs, toolStartupCpuMs: startup,
      cpuSecondsPerHour: (startup + perSampleCpu * SECONDS_PER_HOUR) / MS_PER_SECOND, toolSpawns,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows/s of the loop-mode CSV path: line -> columns -> reading, for `rows` rows. */
export function measureParse(rows = PARSE_ROWS): { rows: number; ms: number; rowsPerSecond: number } {
  const resolved = resolveFields(DYNAMIC_METRICS, emptyCatalog());
  const index = metricIndex(resolved.byMetric, resolved.fields);
  const lines: string[] = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const gpu = i % PARSE_GPUS;
    lines[i] = `GPU-00000000-1111-2222-3333-00000000000${gpu}, ${gpu}, ${i % 101}, ${20000 + (i % 997)}, ${(300 + (i % 400) / 10).toFixed(2)}, ${50 + (i % 40)}, 0x0000000000000000`;
  }
  const reader = new NvidiaCsvReader(resolved.fields);
  // Warm up (JIT) on a tenth of the rows, then time the whole million.
  for (let i = 0; i < rows / PARSE_WARMUP_SHARE; i++) {
    const read = reader.read(lines[i] as string);
    if (read.kind === 'row') readingFromRow(read.values, index, undefined);
  }
  let kept = 0;
  const started = performance.now();
  for (const line of lines) {
    const read = reader.read(line);
    if (read.kind === 'row' && readingFromRow(read.values, index, undefined)) kept++;
  }
  const ms = performance.now() - started;
  if (kept !== rows) throw new Error(`parse benchmark: ${kept} of ${rows} rows read`);
  return { rows, ms, rowsPerSecond: rows / (ms / MS_PER_SECOND) };
}

export async function measureGpuPerf(samples = PERF_SAMPLES, intervalMs = PERF_INTERVAL_MS): Promise<GpuPerf> {
  const ticks = clockTicksPerSecond();
  const loop = await measureMode('loop', samples, intervalMs, ticks);
  const perSample = await measureMode('per-sample', samples, intervalMs, ticks);
  return {
    intervalMs,
    loop,
    perSample,
    ratio: perSample.cpuSecondsPerHour / loop.cpuSecondsPerHour,
    parse: measureParse(),
    procAvailable: procTimes('self', ticks) !== undefined,
  };
}
