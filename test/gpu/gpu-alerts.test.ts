import { describe, expect, it } from 'vitest';
import { AlertTracker } from '../../lib/gpu/gpu-alerts';
import type { GpuReading, GpuSample } from '../../lib/gpu/types';

const gpu = (over: Partial<GpuReading>): GpuReading => ({
  uuid: 'GPU-a', index: 0, name: 'GPU', utilizationPct: 50, memoryUsedMib: 1000, memoryTotalMib: 10000, powerW: 100, temperatureC: 60, throttleReasons: [], ...over,
});
const sample = (...gpus: GpuReading[]): GpuSample => ({ sampledAt: new Date(), source: 'nvidia-smi', gpus });

describe('AlertTracker', () => {
  it('raises an alert when a condition starts, not on every sample, and again after it cleared', () => {
    const t = new AlertTracker({ temperatureC: 85, memoryFraction: 0.95 });
    expect(t.check(sample(gpu({ temperatureC: 85 })))).toEqual([]); // at the threshold: not over
    const hot = t.check(sample(gpu({ temperatureC: 86 })));
    expect(hot.map((a) => [a.kind, a.value, a.threshold])).toEqual([['temperature-high', 86, 85]]);
    expect(t.check(sample(gpu({ temperatureC: 90 })))).toEqual([]);
    expect(t.check(sample(gpu({ temperatureC: 70 })))).toEqual([]);
    expect(t.check(sample(gpu({ temperatureC: 88 })))).toHaveLength(1);
  });

  it('memory above 95% is an OOM risk; unknown values raise nothing', () => {
    const t = new AlertTracker();
    expect(t.check(sample(gpu({ memoryUsedMib: 9500 })))).toEqual([]);
    const [oom] = t.check(sample(gpu({ memoryUsedMib: 9600 })));
    expect(oom).toMatchObject({ kind: 'memory-oom-risk', gpuUuid: 'GPU-a', threshold: 0.95 });
    expect(oom?.value).toBeCloseTo(0.96, 10);
    expect(oom?.message).toMatch(/9600 of 10000 MiB \(96\.0%\) is above 95%/);
    expect(new AlertTracker().check(sample(gpu({ memoryUsedMib: null, temperatureC: null, throttleReasons: null })))).toEqual([]);
  });

  it('throttling: idle and clock settings are not alerts; a new set of reasons is', () => {
    const t = new AlertTracker();
    expect(t.check(sample(gpu({ throttleReasons: ['gpu_idle', 'applications_clocks_setting'] })))).toEqual([]);
    expect(t.check(sample(gpu({ throttleReasons: ['sw_power_cap'] })))[0]?.message).toMatch(/clocks held back: sw_power_cap/);
    expect(t.check(sample(gpu({ throttleReasons: ['sw_power_cap'] })))).toEqual([]);
    expect(t.check(sample(gpu({ throttleReasons: ['sw_power_cap', 'hw_thermal_slowdown'] })))).toHaveLength(1);
  });

  it('tool failures are recorded once per episode; a good sample ends the episode', () => {
    const t = new AlertTracker();
    const hang = { kind: 'hang' as const, message: 'stuck', gpuUuid: null };
    expect(t.noteEvent(hang)).toMatchObject({ kind: 'hang', gpuUuid: null });
    expect(t.noteEvent(hang)).toBeUndefined();
    t.check(sample(gpu({})));
    expect(t.noteEvent(hang)).toBeDefined();
    const lost = { kind: 'gpu-lost' as const, message: 'lost', gpuUuid: 'GPU-b' };
    expect(t.noteEvent(lost)).toBeDefined();
    t.check(sample(gpu({}))); // GPU-b is not in it: still lost
    expect(t.noteEvent(lost)).toBeUndefined();
    // Single occurrences are always recorded.
    expect(t.noteEvent({ kind: 'loop-fallback', message: 'x', gpuUuid: null })).toBeDefined();
    expect(t.noteEvent({ kind: 'loop-fallback', message: 'x', gpuUuid: null })).toBeDefined();
  });
});
