/**
 * The NVIDIA sample source. It validates the field list once (`--help-query-gpu`, then drops
 * any field the driver still rejects), reads the static facts once (name, uuid, PCI bus id,
 * driver, total memory, power limit, MIG mode), then keeps ONE long-lived
 * `nvidia-smi --query-gpu=... --format=csv,noheader,nounits -lms N` process rather than spawning
 * one per sample (a spawn costs 7 ms to seconds). Lines are grouped into samples and keyed by GPU
 * uuid, never by row order; a GPU that does not answer is left out of the sample and reported.
 *
 * Failures never escape: a watchdog kills a process group that gives no first sample or stalls,
 * a dead loop is respawned with exponential backoff, and when loop mode keeps dying (N deaths in
 * a window) the source falls back to one call per sample, never overlapping.
 */
import { emptyCatalog, DYNAMIC_METRICS, invalidFieldIn, parseHelpQuery, resolveFields, STATIC_METRICS, COMPUTE_APP_FIELDS, type FieldCatalog, type ResolvedFields } from './nvidia-fields';
import { metricIndex, NvidiaCsvReader, parseComputeApps, readingFromRow, sentinelsIn, staticInfoFromRow, type MetricIndex } from './nvidia-csv';
import { classifyOutcome, normalizePciBusId, type Failure, type GpuErrorLine, type ToolOutcome } from './smi-failure';
import { LoopProcess, runTool, type ToolCall } from './smi-process';
import { DEFAULT_RESPAWN, RespawnPolicy, type RespawnOptions } from './respawn-policy';
import type { GpuFailureKind, GpuProcess, GpuReading, GpuSample, GpuStaticInfo } from './types';

export const NVIDIA_SMI = 'nvidia-smi';
/** nvidia-smi rejects loop intervals it cannot keep; Benchlab's floor is 250 ms. */
export const MIN_INTERVAL_MS = 250;

export interface WatchdogOptions {
  /** The first sample of a new loop process must come within this (nvidia-smi can take seconds to start). */
  firstSampleMs: number;
  /** No line for this long after the first means the process is stuck. */
  stallMs: number;
  /** Limit for one-shot calls (help, static facts, per-sample calls). */
  callMs: number;
}

/** How many sample intervals without a line count as a stall, and the least stall limit. */
const STALL_INTERVALS = 5;
const MIN_STALL_MS = 5_000;
export const DEFAULT_FIRST_SAMPLE_MS = 15_000;
export const DEFAULT_CALL_MS = 15_000;
/** Lines of one loop iteration arrive together; a quiet gap this long (at most) closes the sample. */
const MAX_GROUP_QUIET_MS = 100;
const GROUP_QUIET_SHARE = 0.5;

export function defaultWatchdog(intervalMs: number): WatchdogOptions {
  return { firstSampleMs: DEFAULT_FIRST_SAMPLE_MS, stallMs: Math.max(MIN_STALL_MS, STALL_INTERVALS * intervalMs), callMs: DEFAULT_CALL_MS };
}

export type SourceEventKind = GpuFailureKind | 'loop-fallback';

export interface SourceEvent {
  kind: SourceEventKind;
  message: string;
  gpuUuid: string | null;
}

export type SourceMode = 'idle' | 'loop' | 'per-sample' | 'unavailable' | 'stopped';

export interface NvidiaSmiSourceOptions {
  intervalMs: number;
  /** Lowest interval accepted (default MIN_INTERVAL_MS; tests and the perf script go lower). */
  minIntervalMs?: number;
  command?: string;
  env?: NodeJS.ProcessEnv;
  watchdog?: Partial<WatchdogOptions>;
  respawn?: Partial<RespawnOptions>;
  /** Start in loop mode (default) or with one call per sample. */
  mode?: 'loop' | 'per-sample';
  onSample: (sample: GpuSample) => void;
  onEvent: (event: SourceEvent) => void;
}

export type PrepareResult = { ok: true } | { ok: false; failure: Failure };

export class NvidiaSmiSource {
  readonly intervalMs: number;
  readonly staticInfo = new Map<string, GpuStaticInfo>();
  mode: SourceMode = 'idle';
  /** Loop processes started (the first included), and how many died. */
  readonly counters = { loopSpawns: 0, loopDeaths: 0, perSampleCalls: 0, samples: 0 };
  private readonly command: string;
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly watchdog: WatchdogOptions;
  private readonly policy: RespawnPolicy;
  private catalog: FieldCatalog = emptyCatalog();
  private readonly rejected = new Set<string>();
  private dynamic: ResolvedFields | undefined;
  private dynamicIndex: MetricIndex = new Map();
  private busToUuid = new Map<string, string>();
  private loop: LoopProcess | undefined;
  private loopStartedAt = 0;
  private loopExited: Promise<void> = Promise.resolve();
  private timers = new Set<NodeJS.Timeout>();
  private watchdogTimer: NodeJS.Timeout | undefined;
  private hungByWatchdog = false;
  private restartForFields = false;
  private group: SampleGroup | undefined;
  private groupTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();
  private perSampleDone: Promise<void> = Promise.resolve();

  constructor(private readonly options: NvidiaSmiSourceOptions) {
    this.intervalMs = Math.max(options.minIntervalMs ?? MIN_INTERVAL_MS, Math.round(options.intervalMs));
    this.command = options.command ?? NVIDIA_SMI;
    this.env = options.env;
    this.watchdog = { ...defaultWatchdog(this.intervalMs), ...options.watchdog };
    this.policy = new RespawnPolicy({ ...DEFAULT_RESPAWN, ...options.respawn });
  }

  private call(args: string[]): ToolCall {
    return { command: this.command, args, ...(this.env ? { env: this.env } : {}) };
  }

  /** The fields each sample asks for (after validation). */
  get fields(): string[] {
    return this.dynamic?.fields ?? [];
  }

  /**
   * Validates the field list and reads the static facts. Fails (without throwing) when the tool
   * is missing or the driver cannot be used.
   */
  async prepare(): Promise<PrepareResult> {
    try {
      return await this.prepareFields();
    } catch (error) {
      return { ok: false, failure: { kind: 'tool-error', message: error instanceof Error ? error.message : String(error), permanent: true } };
    }
  }

  private async prepareFields(): Promise<PrepareResult> {
    const help = await runTool(this.call(['--help-query-gpu']), this.watchdog.callMs, this.stopping.signal);
    if (help.spawnErrorCode !== undefined || help.exitCode !== 0) {
      const failure = classifyOutcome(this.command, help);
      if (failure.kind !== 'tool-error') return { ok: false, failure };
      // An odd help screen is no reason to give up: every field is tried, rejects are dropped.
    } else {
      this.catalog = parseHelpQuery(help.stdout);
    }
    for (let attempt = 0; attempt <= STATIC_METRICS.length; attempt++) {
      const fields = resolveFields(STATIC_METRICS, this.catalog, this.rejected);
      const result = await runTool(this.call([`--query-gpu=${fields.fields.join(',')}`, '--format=csv,noheader,nounits']), this.watchdog.callMs, this.stopping.signal);
      const invalid = invalidFieldIn(result.stdout);
      if (invalid !== undefined) {
        this.rejected.add(invalid);
        this.options.onEvent({ kind: 'invalid-field', message: `nvidia-smi rejected field ${invalid}; reading without it`, gpuUuid: null });
        continue;
      }
      if (result.exitCode !== 0 && !hasRows(result.stdout)) return { ok: false, failure: classifyOutcome(this.command, result) };
      this.readStatic(result.stdout, fields);
      break;
    }
    this.dynamic = resolveFields(DYNAMIC_METRICS, this.catalog, this.rejected);
    this.dynamicIndex = metricIndex(this.dynamic.byMetric, this.dynamic.fields);
    return { ok: true };
  }

  private readStatic(stdout: string, fields: ResolvedFields): void {
    const reader = new NvidiaCsvReader(fields.fields, this.catalog);
    const index = metricIndex(fields.byMetric, fields.fields);
    for (const line of stdout.split('\n')) {
      const read = reader.read(line);
      if (read.kind === 'row') {
        const info = staticInfoFromRow(read.values, index);
        if (info) {
          this.staticInfo.set(info.uuid, info);
          if (info.pciBusId) this.busToUuid.set(normalizePciBusId(info.pciBusId), info.uuid);
        }
      } else if (read.kind === 'gpu-error') {
        this.reportGpuError(read.error);
      }
    }
  }

  /** Starts sampling (prepare() must have succeeded). */
  start(): void {
    if (this.mode !== 'idle') return;
    if (this.options.mode === 'per-sample') this.perSampleDone = this.runPerSample();
    else this.spawnLoop();
  }

  /** Stops sampling and waits for the loop process to be gone. */
  async stop(): Promise<void> {
    const wasLoop = this.loop;
    this.mode = 'stopped';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.clearWatchdog();
    this.stopping.abort();
    this.wake?.();
    if (wasLoop) {
      wasLoop.kill();
      await this.loopExited;
    }
    await this.perSampleDone;
    this.flushGroup();
  }

  /** One sample by a single call (for `benchlab gpu --once`). */
  async sampleOnce(): Promise<GpuSample | Failure> {
    const result = await runTool(this.call(this.queryArgs(false)), this.watchdog.callMs, this.stopping.signal);
    this.counters.perSampleCalls++;
    if (result.exitCode !== 0 && !hasRows(result.stdout)) return classifyOutcome(this.command, result);
    const group = this.readAll(result.stdout);
    for (const e of group.errors) this.reportError(e.kind, e.message, e.uuid);
    return group.toSample(new Date());
  }

  /** Per-process GPU memory, or null when the tool cannot tell. */
  async computeApps(): Promise<GpuProcess[] | null> {
    for (const memoryField of ['used_memory', 'used_gpu_memory']) {
      const fields = COMPUTE_APP_FIELDS.map((f) => (f === 'used_memory' ? memoryField : f));
      const result = await runTool(this.call([`--query-compute-apps=${fields.join(',')}`, '--format=csv,noheader,nounits']), this.watchdog.callMs, this.stopping.signal);
      if (invalidFieldIn(result.stdout) !== undefined) continue;
      if (result.exitCode !== 0) return null;
      return parseComputeApps(result.stdout, fields, this.catalog);
    }
    return null;
  }

  private queryArgs(loop: boolean): string[] {
    const args = [`--query-gpu=${this.fields.join(',')}`, '--format=csv,noheader,nounits'];
    return loop ? [...args, '-lms', String(this.intervalMs)] : args;
  }

  // ---- loop mode ----

  private spawnLoop(): void {
    if (this.mode === 'stopped') return;
    this.mode = 'loop';
    this.hungByWatchdog = false;
    this.restartForFields = false;
    this.counters.loopSpawns++;
    const reader = new NvidiaCsvReader(this.fields, this.catalog);
    let exited!: () => void;
    this.loopExited = new Promise((resolve) => (exited = resolve));
    this.loopStartedAt = Date.now();
    const proc = new LoopProcess(this.call(this.queryArgs(true)), {
      onLine: (line) => {
        if (this.loop !== proc) return;
        const read = reader.read(line);
        if (read.kind === 'invalid-field') {
          this.restartForFields = this.rejectField(read.field);
          proc.kill();
          return;
        }
        if (read.kind === 'blank') return;
        this.armWatchdog(proc, this.watchdog.stallMs, 'stalled: no line for');
        this.acceptLine(read);
      },
      onExit: (outcome) => {
        this.onLoopExit(proc, outcome);
        exited();
      },
    });
    this.loop = proc;
    this.armWatchdog(proc, this.watchdog.firstSampleMs, 'gave no first sample within');
  }

  private armWatchdog(proc: LoopProcess, ms: number, what: string): void {
    this.clearWatchdog();
    this.watchdogTimer = setTimeout(() => {
      if (this.loop !== proc || this.mode === 'stopped') return;
      this.hungByWatchdog = true;
      this.options.onEvent({ kind: 'hang', message: `nvidia-smi loop (pid ${proc.pid ?? '?'}) ${what} ${ms} ms; killed its process group`, gpuUuid: null });
      proc.kill();
    }, ms);
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private onLoopExit(proc: LoopProcess, outcome: ToolOutcome): void {
    if (this.loop !== proc) return;
    this.loop = undefined;
    this.clearWatchdog();
    this.flushGroup();
    if (this.mode === 'stopped') return;
    if (this.restartForFields) {
      this.spawnLoop();
      return;
    }
    if (this.mode === 'unavailable') return;
    const failure = classifyOutcome(this.command, outcome);
    if (failure.kind === 'tool-missing') {
      this.options.onEvent({ kind: failure.kind, message: failure.message, gpuUuid: null });
      this.mode = 'unavailable';
      return;
    }
    // The watchdog has reported the hang already.
    if (!this.hungByWatchdog) this.options.onEvent({ kind: failure.kind, message: `loop process ended: ${failure.message}`, gpuUuid: null });
    this.counters.loopDeaths++;
    const now = Date.now();
    this.policy.recordDeath(now);
    if (this.policy.shouldFallBack(now)) {
      this.options.onEvent({
        kind: 'loop-fallback',
        message: `nvidia-smi loop mode died ${this.policy.options.maxDeaths} times within ${this.policy.options.deathWindowMs} ms; sampling with one call per sample`,
        gpuUuid: null,
      });
      this.perSampleDone = this.runPerSample();
      return;
    }
    this.later(() => this.spawnLoop(), this.policy.nextDelayMs());
  }

  private later(work: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.mode !== 'stopped') work();
    }, ms);
    this.timers.add(timer);
  }

  // ---- per-sample mode ----

  private async runPerSample(): Promise<void> {
    this.mode = 'per-sample';
    while (this.mode === 'per-sample') {
      const started = Date.now();
      const result = await runTool(this.call(this.queryArgs(false)), Math.min(this.watchdog.callMs, this.watchdog.stallMs), this.stopping.signal);
      if (this.mode !== 'per-sample') break;
      this.counters.perSampleCalls++;
      let waitMs: number;
      const invalid = invalidFieldIn(result.stdout);
      if (invalid !== undefined) {
        if (!this.rejectField(invalid)) break;
        waitMs = 0;
      } else if (result.exitCode === 0 || hasRows(result.stdout)) {
        const group = this.readAll(result.stdout);
        this.emit(group, new Date(started));
        this.policy.recordHealthy();
        waitMs = this.intervalMs - (Date.now() - started);
      } else {
        const failure = classifyOutcome(this.command, result);
        this.options.onEvent({ kind: failure.kind, message: failure.message, gpuUuid: null });
        if (failure.kind === 'tool-missing') {
          this.mode = 'unavailable';
          break;
        }
        this.policy.recordDeath(Date.now());
        waitMs = Math.max(this.intervalMs, this.policy.nextDelayMs());
      }
      await this.sleep(Math.max(0, waitMs));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.wake = undefined;
        resolve();
      }, ms);
      this.timers.add(timer);
      this.wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve();
      };
    });
  }

  // ---- lines to samples ----

  /** Drops a field the driver rejected; false (and the source unavailable) when it was a required one. */
  private rejectField(field: string): boolean {
    this.rejected.add(field);
    this.options.onEvent({ kind: 'invalid-field', message: `nvidia-smi rejected field ${field}; reading without it`, gpuUuid: null });
    try {
      this.dynamic = resolveFields(DYNAMIC_METRICS, this.catalog, this.rejected);
      this.dynamicIndex = metricIndex(this.dynamic.byMetric, this.dynamic.fields);
      return true;
    } catch (error) {
      this.options.onEvent({ kind: 'tool-error', message: error instanceof Error ? error.message : String(error), gpuUuid: null });
      this.mode = 'unavailable';
      return false;
    }
  }

  private readAll(stdout: string): SampleGroup {
    const reader = new NvidiaCsvReader(this.fields, this.catalog);
    const group = new SampleGroup();
    for (const line of stdout.split('\n')) this.addToGroup(group, reader.read(line));
    return group;
  }

  private acceptLine(read: ReturnType<NvidiaCsvReader['read']>): void {
    const uuid = read.kind === 'row' ? this.uuidOfRow(read.values) : read.kind === 'gpu-error' ? this.uuidOfBus(read.error.pciBusId) : undefined;
    // A GPU already in the open group starts the next sample.
    if (this.group && uuid !== undefined && this.group.has(uuid)) this.flushGroup();
    this.group ??= new SampleGroup();
    this.addToGroup(this.group, read);
    if (this.staticInfo.size > 0 && this.group.covers(this.staticInfo.keys())) {
      this.flushGroup();
      return;
    }
    if (this.groupTimer) clearTimeout(this.groupTimer);
    this.groupTimer = setTimeout(() => this.flushGroup(), Math.min(MAX_GROUP_QUIET_MS, this.intervalMs * GROUP_QUIET_SHARE));
  }

  private uuidOfRow(values: readonly string[]): string | undefined {
    const at = this.dynamicIndex.get('uuid');
    const raw = at === undefined ? undefined : values[at];
    return raw === undefined ? undefined : raw.trim();
  }

  private uuidOfBus(busId: string): string {
    return this.busToUuid.get(normalizePciBusId(busId)) ?? `pci:${busId}`;
  }

  private addToGroup(group: SampleGroup, read: ReturnType<NvidiaCsvReader['read']>): void {
    if (read.kind === 'row') {
      const reading = readingFromRow(read.values, this.dynamicIndex, undefined);
      if (!reading) return;
      const info = this.staticInfo.get(reading.uuid);
      if (info) {
        reading.name = info.name;
        reading.memoryTotalMib = info.memoryTotalMib;
        reading.index ??= info.index;
      }
      for (const sentinel of sentinelsIn(read.values)) {
        if (/GPU is lost/i.test(sentinel)) group.errors.push({ uuid: reading.uuid, kind: 'gpu-lost', message: `GPU ${reading.uuid} is lost (${sentinel})` });
      }
      group.add(reading);
    } else if (read.kind === 'gpu-error') {
      const uuid = this.uuidOfBus(read.error.pciBusId);
      group.seen.add(uuid);
      group.errors.push({ uuid, kind: read.error.kind, message: `GPU ${read.error.pciBusId}: ${read.error.reason}` });
    }
  }

  private flushGroup(): void {
    if (this.groupTimer) clearTimeout(this.groupTimer);
    this.groupTimer = undefined;
    const group = this.group;
    this.group = undefined;
    if (!group) return;
    this.emit(group, group.firstAt);
    if (this.mode === 'loop' && Date.now() - this.loopStartedAt >= this.policy.options.healthyAfterMs) this.policy.recordHealthy();
  }

  private emit(group: SampleGroup, at: Date): void {
    for (const e of group.errors) this.reportError(e.kind, e.message, e.uuid);
    if (group.readings.size === 0) return;
    for (const uuid of this.staticInfo.keys()) {
      if (!group.seen.has(uuid)) this.reportError('gpu-unreachable', `GPU ${uuid} is missing from the sample`, uuid);
    }
    this.counters.samples++;
    this.options.onSample(group.toSample(at));
  }

  private reportGpuError(error: GpuErrorLine): void {
    this.reportError(error.kind, `GPU ${error.pciBusId}: ${error.reason}`, this.uuidOfBus(error.pciBusId));
  }

  private reportError(kind: GpuFailureKind, message: string, uuid: string | null): void {
    this.options.onEvent({ kind, message, gpuUuid: uuid });
  }
}

function hasRows(stdout: string): boolean {
  return /GPU-[0-9a-fA-F-]+/.test(stdout);
}

/** The lines of one loop iteration (one sample), keyed by uuid. */
class SampleGroup {
  readonly firstAt = new Date();
  readonly readings = new Map<string, GpuReading>();
  readonly seen = new Set<string>();
  readonly errors: { uuid: string; kind: GpuFailureKind; message: string }[] = [];

  has(uuid: string): boolean {
    return this.seen.has(uuid);
  }

  add(reading: GpuReading): void {
    this.readings.set(reading.uuid, reading);
    this.seen.add(reading.uuid);
  }

  covers(uuids: Iterable<string>): boolean {
    for (const u of uuids) if (!this.seen.has(u)) return false;
    return true;
  }

  toSample(at: Date): GpuSample {
    return { sampledAt: at, source: 'nvidia-smi', gpus: [...this.readings.values()] };
  }
}
