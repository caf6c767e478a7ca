/**
 * `benchlab gpu`: GPU telemetry from the command line. Without options it samples every second
 * (nvidia-smi in loop mode, else rocm-smi), shows a live table (rewritten in place on a
 * terminal, plain lines otherwise, NDJSON with --json), writes the samples and alerts to the
 * store in batches, and stops at --duration or Ctrl-C. `--once` prints one snapshot (GPUs,
 * processes using GPU memory, loaded Ollama models) and writes nothing.
 * With no GPU tool on PATH it says so and exits EXIT_NO_GPU_TOOL; with a tool that cannot work
 * (driver not loaded, driver/library mismatch) EXIT_GPU_TOOL_FAILED.
 */
import { EXIT } from '../exit-codes';
import { Command } from 'commander';
import { formatDuration, parseDuration } from '../../gpu/duration';
import { GpuSampler, type GpuSamplerSummary } from '../../gpu/gpu-sampler';
import { FrameWriter, sampleLines, sampleTable, snapshotText } from '../../gpu/live-view';
import { MIN_INTERVAL_MS } from '../../gpu/nvidia-smi-source';
import { gpuSnapshot } from '../../gpu/snapshot';
import type { Failure } from '../../gpu/smi-failure';
import { InputError } from '../../input-error';
import { printJson } from '../output';
import type { GlobalOptions } from '../global-options';

/** Alerts kept under the live table on a terminal. */
const ALERTS_SHOWN = 5;

/** No nvidia-smi or rocm-smi on PATH. */
export const EXIT_NO_GPU_TOOL = EXIT.noGpuTool;
/** A GPU tool is there but cannot work (driver not loaded, driver/library mismatch, ...). */
export const EXIT_GPU_TOOL_FAILED = EXIT.gpuToolFailed;

interface GpuCommandOptions {
  interval: string;
  duration?: string;
  once: boolean;
  json: boolean;
  record: boolean;
}

/**
 * Without a setter from main.ts, the code is applied when the process exits (after main.ts has
 * set its own), so the distinct codes survive either way.
 */
function exitCodeOnExit(code: number): void {
  process.once('exit', () => {
    process.exitCode = code;
  });
}

const NO_TOOL_MESSAGE =
  'no GPU tool found: neither nvidia-smi (NVIDIA driver) nor rocm-smi (AMD ROCm) is on PATH, so there is no GPU telemetry on this machine';

function failureMessage(failure: Failure): string {
  return failure.kind === 'tool-missing' ? NO_TOOL_MESSAGE : `GPU tool failed (${failure.kind}): ${failure.message}`;
}

function exitCodeForFailure(failure: Failure): number {
  return failure.kind === 'tool-missing' ? EXIT_NO_GPU_TOOL : EXIT_GPU_TOOL_FAILED;
}

function summaryLine(s: GpuSamplerSummary, recorded: boolean): string {
  const alerts = Object.entries(s.alerts).map(([k, n]) => `${k} ${n}`);
  const where = recorded ? `, ${s.written.samples} rows written` : '';
  const error = s.writeError ? `; the store could not be written: ${s.writeError}` : '';
  return `${s.samples} sample(s) from ${s.source ?? 'no tool'}${where}${alerts.length > 0 ? `; alerts: ${alerts.join(', ')}` : ''}${error}\n`;
}

export function gpuCommand(globals: () => GlobalOptions, setExitCode: (code: number) => void = exitCodeOnExit): Command {
  return new Command('gpu')
    .description('GPU telemetry: live utilization, memory, power and temperature (nvidia-smi or rocm-smi), written to the store')
    .option('--interval <duration>', `time between samples, at least ${formatDuration(MIN_INTERVAL_MS)}`, '1s')
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C)')
    .option('--once', 'print one snapshot (GPUs, processes, loaded Ollama models) and exit; writes nothing', false)
    .option('--json', 'print JSON: one sample per line, or one object with --once', false)
    .option('--no-record', 'do not write samples and alerts to the store')
    .action(async (options: GpuCommandOptions) => {
      const intervalMs = parseDuration(options.interval, '--interval');
      if (intervalMs < MIN_INTERVAL_MS) throw new InputError(`--interval must be at least ${formatDuration(MIN_INTERVAL_MS)}, got '${options.interval}'`);
      const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration, '--duration');

      if (options.once) {
        const snapshot = await gpuSnapshot();
        if (options.json) printJson(snapshot);
        else process.stdout.write(snapshotText(snapshot));
        if (!snapshot.sample && snapshot.failure) {
          process.stderr.write(`benchlab gpu: ${failureMessage(snapshot.failure)}\n`);
          setExitCode(exitCodeForFailure(snapshot.failure));
        }
        return;
      }

      const tty = process.stdout.isTTY === true && !options.json;
      const frames = new FrameWriter(process.stdout);
      // On a terminal the latest alerts are part of the frame (a line on stderr would break the rewrite).
      const recentAlerts: string[] = [];
      const db = globals().db;
      const sampler = new GpuSampler({
        intervalMs,
        store: options.record ? (db ? { dbPath: db } : {}) : 'manual',
        onSample: (sample) => {
          if (options.json) process.stdout.write(JSON.stringify(sample) + '\n');
          else if (tty) frames.write(sampleTable(sample) + recentAlerts.map((a) => `${a}\n`).join(''));
          else process.stdout.write(sampleLines(sample));
        },
        onAlert: (alert) => {
          const line = `alert ${alert.at.toISOString()} ${alert.kind}: ${alert.message}`;
          if (!tty) {
            process.stderr.write(`${line}\n`);
            return;
          }
          recentAlerts.push(line);
          if (recentAlerts.length > ALERTS_SHOWN) recentAlerts.shift();
        },
        onLog: (line) => process.stderr.write(`${line}\n`),
      });
      const started = await sampler.start();
      if (started.source === null) {
        await sampler.stop();
        const failure = started.failure ?? { kind: 'tool-missing' as const, message: NO_TOOL_MESSAGE, permanent: true };
        process.stderr.write(`benchlab gpu: ${failureMessage(failure)}\n`);
        setExitCode(exitCodeForFailure(failure));
        return;
      }
      process.stderr.write(
        `sampling ${started.gpus.length > 0 ? `${started.gpus.length} GPU(s) ` : ''}with ${started.source} every ${formatDuration(sampler.intervalMs)}` +
          `${durationMs !== undefined ? ` for ${formatDuration(durationMs)}` : ''}${options.record ? '' : ' (not recording)'}; Ctrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          resolve();
        };
        const timer = durationMs !== undefined ? setTimeout(done, durationMs) : undefined;
        process.on('SIGINT', done);
        process.on('SIGTERM', done);
      });
      const summary = await sampler.stop();
      process.stderr.write(summaryLine(summary, options.record));
    });
}
