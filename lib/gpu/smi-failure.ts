/**
 * Classifying what a GPU tool said when it did not give numbers: the exit status and texts of
 * nvidia-smi (its exit codes are NVML return codes: 2 invalid argument, 9 driver not loaded,
 * 15 GPU lost, 18 driver/library version mismatch, 255 other) and the per-GPU error lines it
 * prints in place of a row while the other GPUs still report.
 */
import type { GpuFailureKind } from './types';

/** nvidia-smi exit statuses (NVML return codes). */
export const NVIDIA_SMI_EXIT = {
  invalidArgument: 2,
  driverNotLoaded: 9,
  gpuLost: 15,
  driverLibraryMismatch: 18,
} as const;

export interface ToolOutcome {
  /** The spawn error code (`ENOENT`, `EACCES`), when the process could not start. */
  spawnErrorCode?: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr together (nvidia-smi prints its errors on stdout). */
  output: string;
  /** Killed by Benchlab's watchdog. */
  timedOut?: boolean;
}

export interface Failure {
  kind: GpuFailureKind;
  message: string;
  /** The tool cannot work on this machine as it is; retrying quickly is pointless. */
  permanent: boolean;
}

const DRIVER_NOT_LOADED = /couldn't communicate with the NVIDIA driver/i;
const LIBRARY_MISMATCH = /Driver\/library version mismatch/i;
const GPU_LOST = /GPU is lost/i;
const INVALID_FIELD = /is not a valid field to query/;

/** The first non-empty lines of the output, for a message. */
function firstLines(output: string, count = 2): string {
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, count)
    .join(' ');
}

export function classifyOutcome(tool: string, outcome: ToolOutcome): Failure {
  const text = firstLines(outcome.output);
  if (outcome.spawnErrorCode === 'ENOENT') return { kind: 'tool-missing', message: `${tool} not found on PATH`, permanent: true };
  if (outcome.spawnErrorCode !== undefined) return { kind: 'tool-missing', message: `${tool} cannot be run (${outcome.spawnErrorCode})`, permanent: true };
  if (outcome.timedOut) return { kind: 'hang', message: `${tool} gave no output in time and was killed${text ? `: ${text}` : ''}`, permanent: false };
  if (outcome.exitCode === NVIDIA_SMI_EXIT.driverNotLoaded || DRIVER_NOT_LOADED.test(outcome.output)) {
    return { kind: 'driver-not-loaded', message: text || `${tool} exited ${outcome.exitCode}: the NVIDIA driver is not loaded`, permanent: true };
  }
  if (outcome.exitCode === NVIDIA_SMI_EXIT.driverLibraryMismatch || LIBRARY_MISMATCH.test(outcome.output)) {
    return { kind: 'driver-library-mismatch', message: text || `${tool} exited ${outcome.exitCode}: driver/library version mismatch`, permanent: true };
  }
  if (INVALID_FIELD.test(outcome.output)) return { kind: 'invalid-field', message: text, permanent: false };
  if (outcome.exitCode === NVIDIA_SMI_EXIT.gpuLost || GPU_LOST.test(outcome.output)) {
    return { kind: 'gpu-lost', message: text || `${tool} exited ${outcome.exitCode}: a GPU is lost`, permanent: false };
  }
  const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited ${outcome.exitCode}`;
  return { kind: 'tool-error', message: `${tool} ${how}${text ? `: ${text}` : ''}`, permanent: false };
}

/** One GPU nvidia-smi could not reach: `Unable to determine the device handle for gpu 0000:18:00.0: Unknown Error`. */
export interface GpuErrorLine {
  pciBusId: string;
  reason: string;
  kind: 'gpu-lost' | 'gpu-unreachable';
}

const DEVICE_HANDLE_ERROR = /Unable to determine the device handle for (?:GPU|gpu)\s*([0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+\.[0-9A-Fa-f]+):\s*(.*)$/;

export function parseGpuErrorLine(line: string): GpuErrorLine | undefined {
  const match = DEVICE_HANDLE_ERROR.exec(line.trim());
  if (!match) return undefined;
  const reason = (match[2] ?? '').trim();
  return { pciBusId: match[1] as string, reason, kind: GPU_LOST.test(reason) ? 'gpu-lost' : 'gpu-unreachable' };
}

/**
 * PCI bus ids in one form, so `0000:18:00.0` (error lines) matches `00000000:18:00.0`
 * (`pci.bus_id`): the domain as a number, the rest lowercased.
 */
export function normalizePciBusId(id: string): string {
  const parts = id.trim().toLowerCase().split(':');
  if (parts.length !== 3) return id.trim().toLowerCase();
  const domain = Number.parseInt(parts[0] as string, 16);
  return `${Number.isNaN(domain) ? parts[0] : domain.toString(16)}:${parts[1]}:${parts[2]}`;
}
