/**
 * `GpuSampler`: GPU telemetry for the duration of a benchmark run (or of `benchlab gpu`).
 * `start(runId?)` finds a GPU tool (nvidia-smi, else rocm-smi), starts sampling, and polls
 * Ollama's `/api/ps` every few seconds; `markPhase(phase, model?)` records a run phase boundary
 * and polls `/api/ps` at once; `stop()` ends everything, writes what is left and returns a
 * summary. Rows go to the store in batches (or, with `store: 'manual'`, wait for the caller to
 * `takeBatch()` and write them in its own unit of work). Alerts are raised from every sample.
 * Phases are recorded only for a run (`start(runId)`).
 *
 * The sampler never takes the run down: no method throws for a tool, driver, Ollama or store
 * failure; they are recorded as gpu_alerts rows and counted in the summary.
 */
import os from 'node:os';
import { ollamaHostsFromEnv } from '../llm/hosts';
import type { StoreOptions } from '../store/store';
import { AlertTracker, DEFAULT_THRESHOLDS, type AlertThresholds } from './gpu-alerts';
import { alertRow, batchSize, DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_BUFFERED_ROWS, emptyBatch, phaseRow, psRow, sampleRows, StoreFlusher, type GpuBatch, type GpuBatchCounts } from './gpu-store';
import { DEFAULT_PS_INTERVAL_MS, DEFAULT_PS_TIMEOUT_MS, pollOllamaPs } from './ollama-ps';
import { MIN_INTERVAL_MS, NvidiaSmiSource, type SourceEvent, type SourceMode, type WatchdogOptions } from './nvidia-smi-source';
import { RocmSmiSource } from './rocm-smi';
import { DEFAULT_RESPAWN, RespawnPolicy, type RespawnOptions } from './respawn-policy';
import type { Failure } from './smi-failure';
import { GpuStats } from './gpu-stats';
import type { GpuEvent, GpuSample, GpuSourceKind, GpuStaticInfo, OllamaPsRow } from './types';

export const DEFAULT_INTERVAL_MS = 1_000;
const MS_PER_SECOND = 1000;

export interface GpuSamplerOptions {
  /** Sample interval; at least `minIntervalMs` (250 ms). */
  intervalMs?: number;
  minIntervalMs?: number;
  /**
   * Where rows go: store options (the store is opened per batch; inside a run this shares the
   * process's instance of the file, see store.ts), or 'manual' to collect them for `takeBatch()`
   * and write them with `writeGpuBatch` in the caller's own unit of work.
   */
  store?: StoreOptions | 'manual';
  flushIntervalMs?: number;
  maxBufferedRows?: number;
  /** Environment of the GPU tools (its PATH picks the executables) and of OLLAMA_HOST. */
  env?: NodeJS.ProcessEnv;
  /** Tools to try, in order (default nvidia-smi, then rocm-smi). */
  tools?: GpuSourceKind[];
  /** Executable names or paths per tool. */
  commands?: Partial<Record<GpuSourceKind, string>>;
  /** nvidia-smi: loop mode (default) or one call per sample from the start. */
  nvidiaMode?: 'loop' | 'per-sample';
  watchdog?: Partial<WatchdogOptions>;
  respawn?: Partial<RespawnOptions>;
  /** Ollama hosts to poll; default OLLAMA_HOST (via ollamaHostsFromEnv); [] for none. */
  ollamaHosts?: string[];
  psIntervalMs?: number;
  psTimeoutMs?: number;
  thresholds?: Partial<AlertThresholds>;
  /** Host label for the rows (default os.hostname()). */
  host?: string;
  onSample?: (sample: GpuSample) => void;
  onAlert?: (alert: GpuEvent) => void;
  onPs?: (rows: OllamaPsRow[]) => void;
  /** Problems the sampler handled (store writes failing, Ollama unreachable). */
  onLog?: (line: string) => void;
}

export interface GpuSamplerStart {
  source: GpuSourceKind | null;
  /** Why no source runs, when none does. */
  failure: Failure | undefined;
  gpus: GpuStaticInfo[];
}

export interface GpuSamplerSummary {
  runId: string | null;
  source: GpuSourceKind | null;
  /** How the source was sampling when stopped ('loop', 'per-sample', 'unavailable'). */
  mode: SourceMode | null;
  startedAt: Date;
  stoppedAt: Date;
  intervalMs: number;
  samples: number;
  loopSpawns: number;
  loopDeaths: number;
  alerts: Record<string, number>;
  written: GpuBatchCounts;
  droppedRows: number;
  writeError: string | undefined;
  /** Per GPU: mean/peak utilization, peak memory, mean power, energy (Wh), peak temperature. */
  gpus: ReturnType<GpuStats['summaries']>;
}

type Source = NvidiaSmiSource | RocmSmiSource;

export class GpuSampler {
  readonly intervalMs: number;
  readonly host: string;
  private readonly options: GpuSamplerOptions;
  private readonly tracker: AlertTracker;
  private readonly flusher: StoreFlusher | undefined;
  private manualBatch: GpuBatch = emptyBatch();
  private source: Source | undefined;
  /** A source being prepared (so stop() can abort its calls). */
  private pending: Source | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retryPolicy: RespawnPolicy;
  private sourceKind: GpuSourceKind | null = null;
  private runId: string | null = null;
  private phase: string | null = null;
  private phaseModel: string | null = null;
  private startedAt = new Date();
  private psTimer: NodeJS.Timeout | undefined;
  private psInFlight: Promise<void> | undefined;
  private psAgain = false;
  private psFailing = new Set<string>();
  private running = false;
  private readonly alertCounts: Record<string, number> = {};
  private readonly stats: GpuStats;
  private readonly ollamaHosts: string[];

  constructor(options: GpuSamplerOptions = {}) {
    this.options = options;
    this.intervalMs = Math.max(options.minIntervalMs ?? MIN_INTERVAL_MS, options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.host = options.host ?? os.hostname();
    this.stats = new GpuStats(this.intervalMs / MS_PER_SECOND);
    this.retryPolicy = new RespawnPolicy({ ...DEFAULT_RESPAWN, ...options.respawn });
    this.tracker = new AlertTracker({ ...DEFAULT_THRESHOLDS, ...options.thresholds });
    this.ollamaHosts = options.ollamaHosts ?? this.hostsFromEnv(options.env ?? process.env);
    if (options.store !== 'manual') {
      this.flusher = new StoreFlusher({
        store: options.store ?? {},
        intervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
        maxBufferedRows: options.maxBufferedRows ?? DEFAULT_MAX_BUFFERED_ROWS,
        onError: (line) => this.log(line),
      });
    }
  }

  /** OLLAMA_HOST's hosts; a malformed OLLAMA_HOST means no ps polling, not a failed sampler. */
  private hostsFromEnv(env: NodeJS.ProcessEnv): string[] {
    try {
      return ollamaHostsFromEnv(env).map((h) => h.url);
    } catch (error) {
      this.log(`not polling Ollama: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** Finds a GPU tool and starts sampling. Resolves once sampling runs (or is known impossible). */
  async start(runId?: string): Promise<GpuSamplerStart> {
    if (this.running) throw new Error('GpuSampler.start: already started');
    this.running = true;
    this.runId = runId ?? null;
    this.startedAt = new Date();
    const result = await this.startSource();
    this.schedulePs();
    void this.pollPs();
    return result;
  }

  /** Records a phase boundary of the run (and the model it is about, if any); polls /api/ps now. */
  markPhase(phase: string, model?: string): void {
    this.phase = phase;
    this.phaseModel = model ?? null;
    if (this.runId !== null) this.addRows({ phases: [phaseRow(this.runId, this.host, phase, this.phaseModel, new Date())] });
    if (this.running) void this.pollPs();
  }

  /** Rows collected for a caller that writes them itself (`store: 'manual'`). */
  takeBatch(): GpuBatch {
    const batch = this.manualBatch;
    this.manualBatch = emptyBatch();
    return batch;
  }

  /** Stops sampling and polling, writes what is buffered, and returns the summary. Never rejects. */
  async stop(): Promise<GpuSamplerSummary> {
    this.running = false;
    if (this.psTimer) clearInterval(this.psTimer);
    this.psTimer = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const mode = this.source?.mode ?? null;
    try {
      await this.pending?.stop();
      await this.source?.stop();
    } catch (error) {
      this.log(`stopping the GPU source: ${String(error)}`);
    }
    await this.psInFlight;
    await this.flusher?.flush();
    const nvidia = this.source instanceof NvidiaSmiSource ? this.source : undefined;
    return {
      runId: this.runId,
      source: this.sourceKind,
      mode,
      startedAt: this.startedAt,
      stoppedAt: new Date(),
      intervalMs: this.intervalMs,
      samples: this.source?.counters.samples ?? 0,
      loopSpawns: nvidia?.counters.loopSpawns ?? 0,
      loopDeaths: nvidia?.counters.loopDeaths ?? 0,
      alerts: { ...this.alertCounts },
      written: this.flusher ? { ...this.flusher.written } : { samples: 0, alerts: 0, ps: 0, phases: 0 },
      droppedRows: this.flusher?.dropped ?? 0,
      writeError: this.flusher?.lastError,
      gpus: this.stats.summaries(),
    };
  }

  /** The GPUs the source found at start (NVIDIA static facts). */
  get gpus(): GpuStaticInfo[] {
    return this.source instanceof NvidiaSmiSource ? [...this.source.staticInfo.values()] : [];
  }

  private async startSource(): Promise<GpuSamplerStart> {
    const tools = this.options.tools ?? ['nvidia-smi', 'rocm-smi'];
    let failure: Failure | undefined;
    for (const tool of tools) {
      const attempt = await this.tryTool(tool);
      if (attempt.ok) return { source: tool, failure: undefined, gpus: this.gpus };
      // A tool that exists but fails (driver not loaded, mismatch, a hang) is the answer: do not
      // look further, and try it again later, with backoff, while the sampler runs.
      failure = attempt.failure;
      if (failure.kind !== 'tool-missing') {
        this.onSourceEvent({ kind: failure.kind, message: failure.message, gpuUuid: null });
        this.scheduleRetry(tool);
        return { source: null, failure, gpus: [] };
      }
    }
    const reported = failure ?? { kind: 'tool-missing' as const, message: 'no GPU tool to try', permanent: true };
    this.onSourceEvent({ kind: reported.kind, message: reported.message, gpuUuid: null });
    return { source: null, failure: reported, gpus: [] };
  }

  private tryTool(tool: GpuSourceKind): Promise<{ ok: true } | { ok: false; failure: Failure }> {
    return tool === 'nvidia-smi' ? this.tryNvidia() : this.tryRocm();
  }

  private scheduleRetry(tool: GpuSourceKind): void {
    if (!this.running) return;
    this.retryPolicy.recordDeath(Date.now());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void (async () => {
        if (!this.running) return;
        const attempt = await this.tryTool(tool);
        if (attempt.ok) {
          this.log(`${tool} works again: sampling`);
          return;
        }
        this.onSourceEvent({ kind: attempt.failure.kind, message: attempt.failure.message, gpuUuid: null });
        this.scheduleRetry(tool);
      })();
    }, this.retryPolicy.nextDelayMs());
    this.retryTimer.unref();
  }

  private sourceCallbacks() {
    return { onSample: (sample: GpuSample) => this.onSample(sample), onEvent: (event: SourceEvent) => this.onSourceEvent(event) };
  }

  private async tryNvidia(): Promise<{ ok: true } | { ok: false; failure: Failure }> {
    const source = new NvidiaSmiSource({
      intervalMs: this.intervalMs,
      minIntervalMs: this.options.minIntervalMs ?? MIN_INTERVAL_MS,
      ...(this.options.commands?.['nvidia-smi'] ? { command: this.options.commands['nvidia-smi'] } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.watchdog ? { watchdog: this.options.watchdog } : {}),
      ...(this.options.respawn ? { respawn: this.options.respawn } : {}),
      ...(this.options.nvidiaMode ? { mode: this.options.nvidiaMode } : {}),
      ...this.sourceCallbacks(),
    });
    this.pending = source;
    const prepared = await source.prepare();
    this.pending = undefined;
    if (!prepared.ok || !this.running) return prepared.ok ? { ok: false, failure: { kind: 'tool-error', message: 'stopped', permanent: true } } : prepared;
    this.source = source;
    this.sourceKind = 'nvidia-smi';
    source.start();
    return { ok: true };
  }

  private async tryRocm(): Promise<{ ok: true } | { ok: false; failure: Failure }> {
    const source = new RocmSmiSource({
      intervalMs: this.intervalMs,
      ...(this.options.commands?.['rocm-smi'] ? { command: this.options.commands['rocm-smi'] } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...this.sourceCallbacks(),
    });
    this.pending = source;
    const first = await source.sampleOnce();
    this.pending = undefined;
    if (!('gpus' in first)) return { ok: false, failure: first };
    if (!this.running) return { ok: false, failure: { kind: 'tool-error', message: 'stopped', permanent: true } };
    this.source = source;
    this.sourceKind = 'rocm-smi';
    source.start();
    return { ok: true };
  }

  private onSample(sample: GpuSample): void {
    const resolutionS = this.intervalMs / MS_PER_SECOND;
    this.stats.add(sample);
    this.addRows({ samples: sampleRows(sample, this.host, this.runId, resolutionS) });
    for (const alert of this.tracker.check(sample)) this.recordAlert(alert);
    this.safely(() => this.options.onSample?.(sample));
  }

  private onSourceEvent(event: SourceEvent): void {
    const alert = this.tracker.noteEvent(event);
    if (alert) this.recordAlert(alert);
  }

  private recordAlert(alert: GpuEvent): void {
    this.alertCounts[alert.kind] = (this.alertCounts[alert.kind] ?? 0) + 1;
    this.addRows({ alerts: [alertRow(alert, this.host, this.runId)] });
    this.safely(() => this.options.onAlert?.(alert));
  }

  private addRows(rows: Partial<GpuBatch>): void {
    if (this.flusher) {
      this.flusher.add(rows);
      return;
    }
    for (const key of Object.keys(rows) as (keyof GpuBatch)[]) this.manualBatch[key].push(...(rows[key] ?? []));
    const excess = batchSize(this.manualBatch) - (this.options.maxBufferedRows ?? DEFAULT_MAX_BUFFERED_ROWS);
    if (excess > 0) this.manualBatch.samples.splice(0, Math.min(excess, this.manualBatch.samples.length));
  }

  private schedulePs(): void {
    if (this.ollamaHosts.length === 0) return;
    this.psTimer = setInterval(() => void this.pollPs(), this.options.psIntervalMs ?? DEFAULT_PS_INTERVAL_MS);
    this.psTimer.unref();
  }

  /**
   * One /api/ps poll of every host. Polls never overlap: one asked for while another is in
   * flight runs right after it (so a phase boundary is polled with its own phase).
   */
  private pollPs(): Promise<void> {
    if (this.ollamaHosts.length === 0) return Promise.resolve();
    if (this.psInFlight) {
      this.psAgain = true;
      return this.psInFlight;
    }
    this.psInFlight = (async () => {
      do {
        this.psAgain = false;
        const result = await pollOllamaPs(this.ollamaHosts, this.phase, this.options.psTimeoutMs ?? DEFAULT_PS_TIMEOUT_MS);
        // Said once when a host stops answering, and once when it answers again.
        const failing = new Set(result.errors.map((e) => e.host));
        for (const e of result.errors) if (!this.psFailing.has(e.host)) this.log(`ollama ps ${e.host}: ${e.message}`);
        for (const host of this.psFailing) if (!failing.has(host)) this.log(`ollama ps ${host}: answering again`);
        this.psFailing = failing;
        if (result.rows.length > 0) {
          this.addRows({ ps: result.rows.map((r) => psRow(r, this.runId)) });
          this.safely(() => this.options.onPs?.(result.rows));
        }
      } while (this.psAgain && this.running);
      this.psInFlight = undefined;
    })();
    return this.psInFlight;
  }

  private log(line: string): void {
    this.safely(() => this.options.onLog?.(line));
  }

  /** Caller callbacks must not break sampling either. */
  private safely(work: () => void): void {
    try {
      work();
    } catch {
      // a failing observer is the observer's problem
    }
  }
}
