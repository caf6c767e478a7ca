/**
 * The shared vocabulary of GPU telemetry: one reading per GPU, a sample (the readings taken at
 * one moment, keyed by GPU uuid), the static facts read once per GPU, the failure classes a GPU
 * tool can show, and the events and alerts the sampler records. Every measured value is
 * `number | null`: null means the tool could not say (`[N/A]`, `[Not Supported]`, ...), never 0.
 */

/** Which tool produced a sample. */
export type GpuSourceKind = 'nvidia-smi' | 'rocm-smi';

/** One GPU at one moment. */
export interface GpuReading {
  /** The GPU's stable identity (NVIDIA `GPU-...` uuid; AMD unique id or card name). */
  uuid: string;
  index: number | null;
  name: string | null;
  utilizationPct: number | null;
  memoryUsedMib: number | null;
  memoryTotalMib: number | null;
  powerW: number | null;
  temperatureC: number | null;
  /** Active clock event (throttle) reasons by name; [] when none; null when unknown. */
  throttleReasons: string[] | null;
}

/** The readings one query returned. A GPU that did not answer is absent, not zeroed. */
export interface GpuSample {
  sampledAt: Date;
  source: GpuSourceKind;
  gpus: GpuReading[];
}

/** Facts that do not change while the sampler runs, read once at start (NVIDIA). */
export interface GpuStaticInfo {
  uuid: string;
  index: number | null;
  name: string | null;
  pciBusId: string | null;
  driverVersion: string | null;
  memoryTotalMib: number | null;
  powerLimitW: number | null;
  migMode: string | null;
}

/** How a GPU tool failed. */
export type GpuFailureKind =
  /** The executable is not on PATH (ENOENT) or cannot be run. */
  | 'tool-missing'
  /** "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver" (exit 9). */
  | 'driver-not-loaded'
  /** "Failed to initialize NVML: Driver/library version mismatch" (exit 18). */
  | 'driver-library-mismatch'
  /** "... GPU is lost. Reboot the system to recover this GPU" (exit 15, or per GPU). */
  | 'gpu-lost'
  /** One GPU could not be reached while others report ("Unable to determine the device handle"). */
  | 'gpu-unreachable'
  /** A field the driver does not know ("Field "x" is not a valid field to query.", exit 2). */
  | 'invalid-field'
  /** No output within the watchdog limit (first sample or a stall): the process group was killed. */
  | 'hang'
  /** Any other exit, or output that could not be read. */
  | 'tool-error';

/** Something the sampler noticed about its tools: recorded as a gpu_alerts row. */
export interface GpuEvent {
  kind: string;
  message: string;
  gpuUuid: string | null;
  value: number | null;
  threshold: number | null;
  at: Date;
}

/** One model loaded in Ollama, from `/api/ps`. */
export interface OllamaPsRow {
  sampledAt: Date;
  host: string;
  model: string;
  sizeBytes: number | null;
  sizeVramBytes: number | null;
  expiresAt: Date | null;
  phase: string | null;
}

/** One process using GPU memory (`--query-compute-apps`). */
export interface GpuProcess {
  pid: number | null;
  processName: string | null;
  /** null where the driver cannot tell (Windows WDDM prints `[N/A]`). */
  usedMemoryMib: number | null;
  gpuUuid: string | null;
}
