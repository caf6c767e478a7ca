import { describe, expect, it } from 'vitest';
import { maxGapSeconds, segmentWh, trapezoidWh } from '../../lib/gpu/energy';
import { GpuStats } from '../../lib/gpu/gpu-stats';
import type { GpuReading } from '../../lib/gpu/types';

describe('energy (Wh, trapezoidal)', () => {
  it('integrates power over time', () => {
    // 100 W -> 200 W over 36 s (minute-resolution rows): mean 150 W for 0.01 h = 1.5 Wh.
    expect(segmentWh(100, 200, 36, 60)).toBeCloseTo(1.5, 10);
    const points = [0, 1, 2, 3].map((s) => ({ atMs: s * 1000, powerW: 3600 }));
    expect(trapezoidWh(points, 1)).toBeCloseTo(3, 10);
  });

  it('skips unknown power and gaps too long to trust', () => {
    expect(segmentWh(null, 200, 1, 1)).toBe(0);
    expect(maxGapSeconds(1)).toBe(10);
    expect(maxGapSeconds(60)).toBe(180);
    expect(segmentWh(100, 100, 11, 1)).toBe(0);
    expect(segmentWh(100, 100, 120, 60)).toBeGreaterThan(0);
  });
});

describe('GpuStats', () => {
  it('per GPU: mean and peak utilization, peak memory, mean power, energy, peak temperature; unknowns skipped', () => {
    const stats = new GpuStats(1);
    const reading = (over: Partial<GpuReading>): GpuReading => ({ uuid: 'GPU-a', index: 0, name: 'GPU', utilizationPct: null, memoryUsedMib: null, memoryTotalMib: 100, powerW: null, temperatureC: null, throttleReasons: null, ...over });
    const at = (s: number) => new Date(Date.UTC(2025, 0, 1) + s * 1000);
    stats.add({ sampledAt: at(0), source: 'nvidia-smi', gpus: [reading({ utilizationPct: 10, memoryUsedMib: 50, powerW: 3600, temperatureC: 40 })] });
    stats.add({ sampledAt: at(1), source: 'nvidia-smi', gpus: [reading({ utilizationPct: null, memoryUsedMib: 70, powerW: 3600 })] });
    stats.add({ sampledAt: at(2), source: 'nvidia-smi', gpus: [reading({ utilizationPct: 30, powerW: null, temperatureC: 45 })] });
    const [a] = stats.summaries();
    expect(a).toMatchObject({ samples: 3, meanUtilizationPct: 20, peakUtilizationPct: 30, peakMemoryUsedMib: 70, memoryTotalMib: 100, meanPowerW: 3600, peakTemperatureC: 45 });
    expect(a?.energyWh).toBeCloseTo(1, 10); // the second segment has no power at its end
  });
});
