/**
 * GPU alerts (rows of gpu_alerts): a temperature over the threshold, memory above 95% of the
 * total (OOM risk), active throttling reasons (decoded from the clock event bitmask), a lost or
 * unreachable GPU, and the sampler's own tool failures. Each alert is raised once when its
 * condition starts, not on every sample, and again only after the condition has cleared: a
 * failure episode ends with the next good sample.
 */
import { throttlingReasons } from './throttle-reasons';
import type { GpuEvent, GpuSample } from './types';
import type { SourceEvent } from './nvidia-smi-source';

export interface AlertThresholds {
  /** Degrees Celsius; most GPUs start slowing down in the high 80s. */
  temperatureC: number;
  /** Share of total memory in use above which an allocation may fail. */
  memoryFraction: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { temperatureC: 85, memoryFraction: 0.95 };

export const ALERT_KIND = {
  temperature: 'temperature-high',
  memory: 'memory-oom-risk',
  throttling: 'throttling',
} as const;

/** Source events that are single occurrences, recorded every time. */
const ALWAYS_RECORDED = new Set(['loop-fallback', 'invalid-field']);
const PERCENT = 100;

export class AlertTracker {
  /** key (kind|uuid) -> what was last raised (for throttling: the reasons). */
  private readonly active = new Map<string, string>();

  constructor(readonly thresholds: AlertThresholds = DEFAULT_THRESHOLDS) {}

  /** Alerts that start with this sample; also ends the failure episodes of the GPUs it holds. */
  check(sample: GpuSample): GpuEvent[] {
    const raised: GpuEvent[] = [];
    const at = sample.sampledAt;
    this.clearWhere((key) => key.endsWith('|'));
    for (const gpu of sample.gpus) {
      this.clear(`gpu-lost|${gpu.uuid}`);
      this.clear(`gpu-unreachable|${gpu.uuid}`);
      const t = gpu.temperatureC;
      this.condition(raised, ALERT_KIND.temperature, gpu.uuid, t !== null && t > this.thresholds.temperatureC, () => ({
        message: `GPU ${gpu.index ?? gpu.uuid} temperature ${t} °C is over ${this.thresholds.temperatureC} °C`,
        value: t,
        threshold: this.thresholds.temperatureC,
      }), at);
      const used = gpu.memoryUsedMib;
      const total = gpu.memoryTotalMib;
      const share = used !== null && total !== null && total > 0 ? used / total : null;
      this.condition(raised, ALERT_KIND.memory, gpu.uuid, share !== null && share > this.thresholds.memoryFraction, () => ({
        message: `GPU ${gpu.index ?? gpu.uuid} memory ${used} of ${total} MiB (${((share ?? 0) * PERCENT).toFixed(1)}%) is above ${this.thresholds.memoryFraction * PERCENT}%: out-of-memory risk`,
        value: share,
        threshold: this.thresholds.memoryFraction,
      }), at);
      const throttling = gpu.throttleReasons ? throttlingReasons(gpu.throttleReasons) : [];
      const key = `${ALERT_KIND.throttling}|${gpu.uuid}`;
      const reasons = throttling.join(',');
      if (throttling.length === 0) this.active.delete(key);
      else if (this.active.get(key) !== reasons) {
        this.active.set(key, reasons);
        raised.push({ kind: ALERT_KIND.throttling, message: `GPU ${gpu.index ?? gpu.uuid} clocks held back: ${throttling.join(', ')}`, gpuUuid: gpu.uuid, value: null, threshold: null, at });
      }
    }
    return raised;
  }

  /** A source event as an alert, unless the same failure episode was recorded already. */
  noteEvent(event: SourceEvent, at: Date = new Date()): GpuEvent | undefined {
    const alert: GpuEvent = { kind: event.kind, message: event.message, gpuUuid: event.gpuUuid, value: null, threshold: null, at };
    if (ALWAYS_RECORDED.has(event.kind)) return alert;
    const key = `${event.kind}|${event.gpuUuid ?? ''}`;
    if (this.active.has(key)) return undefined;
    this.active.set(key, event.message);
    return alert;
  }

  private condition(raised: GpuEvent[], kind: string, uuid: string, on: boolean, describe: () => { message: string; value: number | null; threshold: number }, at: Date): void {
    const key = `${kind}|${uuid}`;
    if (!on) {
      this.active.delete(key);
      return;
    }
    if (this.active.has(key)) return;
    this.active.set(key, kind);
    raised.push({ kind, gpuUuid: uuid, at, ...describe() });
  }

  private clear(key: string): void {
    this.active.delete(key);
  }

  private clearWhere(test: (key: string) => boolean): void {
    for (const key of [...this.active.keys()]) if (test(key)) this.active.delete(key);
  }
}
