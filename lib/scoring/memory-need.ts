/**
 * How much GPU memory a model needs once Ollama has loaded it. A measured figure (vram_gb in the
 * registry) wins. Otherwise: the download size times the registry's runtime_overhead_factor
 * (weights plus KV cache and buffers at Ollama's default context; 1.25 from Ollama's own /api/ps
 * example). Without a published download size, the size is estimated from the parameter count
 * with the registry's own median download-GB-per-billion-parameters, and marked as estimated.
 */
import { median } from '../stats/descriptive';
import type { Registry, RegistryModel } from './registry-schema';
import { BYTES_PER_GB } from './sizes';

export type MemoryBasis = 'measured' | 'download size' | 'estimated from parameters';

export interface MemoryNeed {
  bytes: number;
  basis: MemoryBasis;
}

/** The median published download GB per billion parameters; NaN when no model has a size. */
export function downloadGbPerBillionParameters(registry: Registry): number {
  return median(registry.models.flatMap((m) => (m.download_gb ? [m.download_gb.value / m.parameters_b.value] : [])));
}

export class MemoryEstimator {
  private readonly gbPerBillion: number;

  constructor(private readonly registry: Registry) {
    this.gbPerBillion = downloadGbPerBillionParameters(registry);
  }

  need(model: RegistryModel): MemoryNeed {
    if (model.vram_gb) return { bytes: model.vram_gb.value * BYTES_PER_GB, basis: 'measured' };
    const overhead = this.registry.memory_estimate.runtime_overhead_factor;
    if (model.download_gb) return { bytes: model.download_gb.value * overhead * BYTES_PER_GB, basis: 'download size' };
    // A registry where no model has a download size cannot estimate: the need is unknown (Infinity
    // never fits a memory limit, so constraints are never violated).
    const estimate = model.parameters_b.value * this.gbPerBillion;
    return { bytes: Number.isNaN(estimate) ? Number.POSITIVE_INFINITY : estimate * overhead * BYTES_PER_GB, basis: 'estimated from parameters' };
  }
}
