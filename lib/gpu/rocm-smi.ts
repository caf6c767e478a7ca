/**
 * The AMD sample source: `rocm-smi --json` once per sample (rocm-smi has no loop mode), never
 * overlapping. Its JSON has one object per card (`card0`, ...) whose values are all strings, with
 * memory in bytes; other top-level keys (`system`) are not cards and are skipped. Failures are
 * classified and reported; the source backs off and keeps trying, it never throws.
 */
import { classifyOutcome, type Failure } from './smi-failure';
import { runTool, type ToolCall } from './smi-process';
import { parseNumber, parseText } from './smi-values';
import { DEFAULT_RESPAWN, RespawnPolicy } from './respawn-policy';
import type { GpuReading, GpuSample } from './types';
import type { SourceEvent, SourceMode } from './nvidia-smi-source';

export const ROCM_SMI = 'rocm-smi';
export const ROCM_SMI_ARGS = ['--showuse', '--showmeminfo', 'vram', '--showtemp', '--showpower', '--showuniqueid', '--showproductname', '--json'];
const BYTES_PER_MIB = 1024 * 1024;
const CARD_KEY = /^card(\d+)$/;
const DEFAULT_CALL_MS = 15_000;

/** The first key present, among names different rocm-smi versions use. */
function pick(card: Record<string, unknown>, names: readonly string[]): string {
  for (const name of names) {
    const value = card[name];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '';
}

function findByPattern(card: Record<string, unknown>, pattern: RegExp): string {
  for (const [key, value] of Object.entries(card)) if (pattern.test(key) && (typeof value === 'string' || typeof value === 'number')) return String(value);
  return '';
}

function bytesToMib(raw: string): number | null {
  const bytes = parseNumber(raw);
  return bytes === null ? null : bytes / BYTES_PER_MIB;
}

/** The readings in one `rocm-smi --json` output. Throws on text that is not JSON. */
export function parseRocmSmiJson(text: string): GpuReading[] {
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object') return [];
  const readings: GpuReading[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const match = CARD_KEY.exec(key);
    if (!match || value === null || typeof value !== 'object') continue;
    const card = value as Record<string, unknown>;
    const uniqueId = parseText(pick(card, ['Unique ID']));
    const temperature =
      parseNumber(pick(card, ['Temperature (Sensor edge) (C)'])) ??
      parseNumber(pick(card, ['Temperature (Sensor junction) (C)'])) ??
      parseNumber(findByPattern(card, /^Temperature .*\(C\)$/));
    readings.push({
      uuid: uniqueId !== null && uniqueId !== '' ? `amd-${uniqueId}` : key,
      index: Number(match[1]),
      name: parseText(pick(card, ['Card Series', 'Card series', 'Device Name', 'Card Model', 'Card model'])),
      utilizationPct: parseNumber(pick(card, ['GPU use (%)'])),
      memoryUsedMib: bytesToMib(pick(card, ['VRAM Total Used Memory (B)'])),
      memoryTotalMib: bytesToMib(pick(card, ['VRAM Total Memory (B)'])),
      powerW: parseNumber(pick(card, ['Average Graphics Package Power (W)', 'Current Socket Graphics Package Power (W)'])) ?? parseNumber(findByPattern(card, /Power \(W\)$/)),
      temperatureC: temperature,
      throttleReasons: null,
    });
  }
  return readings;
}

export interface RocmSmiSourceOptions {
  intervalMs: number;
  command?: string;
  env?: NodeJS.ProcessEnv;
  callTimeoutMs?: number;
  onSample: (sample: GpuSample) => void;
  onEvent: (event: SourceEvent) => void;
}

export class RocmSmiSource {
  mode: SourceMode = 'idle';
  readonly counters = { perSampleCalls: 0, samples: 0 };
  private readonly command: string;
  private readonly policy = new RespawnPolicy(DEFAULT_RESPAWN);
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(private readonly options: RocmSmiSourceOptions) {
    this.command = options.command ?? ROCM_SMI;
  }

  private call(): ToolCall {
    return { command: this.command, args: ROCM_SMI_ARGS, ...(this.options.env ? { env: this.options.env } : {}) };
  }

  /** One sample, or why there is none. */
  async sampleOnce(): Promise<GpuSample | Failure> {
    const started = new Date();
    const result = await runTool(this.call(), this.options.callTimeoutMs ?? DEFAULT_CALL_MS, this.stopping.signal);
    this.counters.perSampleCalls++;
    if (result.exitCode !== 0 || result.spawnErrorCode !== undefined) return classifyOutcome(this.command, result);
    try {
      return { sampledAt: started, source: 'rocm-smi', gpus: parseRocmSmiJson(result.stdout) };
    } catch (error) {
      return { kind: 'tool-error', message: `${this.command} printed no JSON: ${error instanceof Error ? error.message : String(error)}`, permanent: false };
    }
  }

  start(): void {
    if (this.mode !== 'idle') return;
    this.mode = 'per-sample';
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.mode = 'stopped';
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.mode === 'per-sample') {
      const started = Date.now();
      const result = await this.sampleOnce();
      if (this.mode !== 'per-sample') break;
      let waitMs = this.options.intervalMs - (Date.now() - started);
      if ('gpus' in result) {
        this.policy.recordHealthy();
        if (result.gpus.length > 0) {
          this.counters.samples++;
          this.options.onSample(result);
        }
      } else {
        this.options.onEvent({ kind: result.kind, message: result.message, gpuUuid: null });
        if (result.kind === 'tool-missing') {
          this.mode = 'unavailable';
          break;
        }
        this.policy.recordDeath(Date.now());
        waitMs = Math.max(waitMs, this.policy.nextDelayMs());
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, Math.max(0, waitMs));
      });
    }
  }
}
