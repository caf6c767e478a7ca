/**
 * Running per-GPU figures over the samples a sampler has seen, kept in memory so `stop()` can
 * answer without reading the store: mean and peak utilization, peak memory, mean power, energy
 * (Wh, trapezoidal, see energy.ts) and peak temperature. Unknown values are skipped, not zeroed.
 */
import { addToMean } from '../stats/descriptive';
import { segmentWh } from './energy';
import type { GpuSample } from './types';

const MS_PER_SECOND = 1000;

/** A running mean (simple-statistics' addToMean): the sampler keeps no readings. */
class Mean {
  mean = 0;
  count = 0;
  add(v: number | null): void {
    if (v === null) return;
    this.mean = addToMean(this.mean, this.count, v);
    this.count++;
  }
  get value(): number | null {
    return this.count > 0 ? this.mean : null;
  }
}

const maxOf = (a: number | null, b: number | null): number | null => (b === null ? a : a === null ? b : Math.max(a, b));

interface GpuAccumulator {
  uuid: string;
  index: number | null;
  name: string | null;
  samples: number;
  utilization: Mean;
  power: Mean;
  peakUtilizationPct: number | null;
  peakMemoryUsedMib: number | null;
  memoryTotalMib: number | null;
  peakTemperatureC: number | null;
  energyWh: number;
  lastAtMs: number | null;
  lastPowerW: number | null;
}

export interface GpuFigures {
  uuid: string;
  index: number | null;
  name: string | null;
  samples: number;
  meanUtilizationPct: number | null;
  peakUtilizationPct: number | null;
  peakMemoryUsedMib: number | null;
  memoryTotalMib: number | null;
  meanPowerW: number | null;
  energyWh: number;
  peakTemperatureC: number | null;
}

export class GpuStats {
  private readonly gpus = new Map<string, GpuAccumulator>();

  constructor(private readonly resolutionS = 1) {}

  add(sample: GpuSample): void {
    const atMs = sample.sampledAt.getTime();
    for (const g of sample.gpus) {
      let acc = this.gpus.get(g.uuid);
      if (!acc) {
        acc = {
          uuid: g.uuid, index: g.index, name: g.name, samples: 0, utilization: new Mean(), power: new Mean(), peakUtilizationPct: null,
          peakMemoryUsedMib: null, memoryTotalMib: g.memoryTotalMib, peakTemperatureC: null, energyWh: 0, lastAtMs: null, lastPowerW: null,
        };
        this.gpus.set(g.uuid, acc);
      }
      acc.samples++;
      acc.utilization.add(g.utilizationPct);
      acc.power.add(g.powerW);
      acc.peakUtilizationPct = maxOf(acc.peakUtilizationPct, g.utilizationPct);
      acc.peakMemoryUsedMib = maxOf(acc.peakMemoryUsedMib, g.memoryUsedMib);
      acc.peakTemperatureC = maxOf(acc.peakTemperatureC, g.temperatureC);
      acc.memoryTotalMib ??= g.memoryTotalMib;
      if (acc.lastAtMs !== null) acc.energyWh += segmentWh(acc.lastPowerW, g.powerW, (atMs - acc.lastAtMs) / MS_PER_SECOND, this.resolutionS);
      acc.lastAtMs = atMs;
      acc.lastPowerW = g.powerW;
    }
  }

  summaries(): GpuFigures[] {
    return [...this.gpus.values()]
      .sort((a, b) => (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) || a.uuid.localeCompare(b.uuid))
      .map((a) => ({
        uuid: a.uuid, index: a.index, name: a.name, samples: a.samples, meanUtilizationPct: a.utilization.value, peakUtilizationPct: a.peakUtilizationPct,
        peakMemoryUsedMib: a.peakMemoryUsedMib, memoryTotalMib: a.memoryTotalMib, meanPowerW: a.power.value, energyWh: a.energyWh, peakTemperatureC: a.peakTemperatureC,
      }));
  }
}
