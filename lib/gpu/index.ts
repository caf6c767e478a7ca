/**
 * GPU telemetry: what other parts of Benchlab use. The sampler for runs and the CLI, the per-run
 * summary, downsampling for the retention job, the one-off snapshot, and the parsers.
 */
export { GpuSampler, DEFAULT_INTERVAL_MS, type GpuSamplerOptions, type GpuSamplerStart, type GpuSamplerSummary } from './gpu-sampler';
export { summarizeGpuRun, ENERGY_UNIT, type GpuGroupSummary, type GpuRunSummary } from './run-summary';
export { downsampleGpuSamples, type DownsampleOptions, type DownsampleResult } from './downsample';
export { gpuSnapshot, type GpuSnapshot, type SnapshotOptions } from './snapshot';
export { writeGpuBatch, type GpuBatch, type GpuBatchCounts } from './gpu-store';
export { DEFAULT_THRESHOLDS, type AlertThresholds } from './gpu-alerts';
export { MIN_INTERVAL_MS } from './nvidia-smi-source';
export { parseNvidiaCsv, parseComputeApps, NvidiaCsvReader } from './nvidia-csv';
export { parseRocmSmiJson } from './rocm-smi';
export { psRowsFromResponse, offloadShare, pollOllamaPs } from './ollama-ps';
export { decodeThrottleReasons, throttlingReasons } from './throttle-reasons';
export { classifyOutcome, NVIDIA_SMI_EXIT } from './smi-failure';
export type { GpuEvent, GpuFailureKind, GpuProcess, GpuReading, GpuSample, GpuSourceKind, GpuStaticInfo, OllamaPsRow } from './types';
