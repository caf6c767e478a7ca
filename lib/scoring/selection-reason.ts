/**
 * The reason of a selection, in one sentence for people: why this model (its final score and
 * what it is made of), the runner-up, what the constraints set aside, whether its scores mix
 * settings, and where it runs (already loaded, which GPU, or that there was no GPU data).
 */
import type { CandidateBreakdown, GpuChoice, Selection } from './selection';
import { formatGb } from './sizes';

const PERCENT = 100;
const ROLE_TEXT = { single: 'its only category', primary: 'its primary category', secondary: 'a secondary category' } as const;

const one = (x: number) => x.toFixed(1);
const pct = (x: number) => `${Math.round(x * PERCENT)}%`;

function scoreText(c: CandidateBreakdown): string {
  const b = c.benchmark;
  const published = b.used.map((u) => `${u.benchmark} ${one(u.value)}`).join(', ');
  const benchmark = b.score === null ? null : `benchmark score ${one(b.score)} (${published}; coverage ${pct(b.coverage)})`;
  if (!c.local || c.local.weight === 0) return benchmark ?? 'no score';
  const local = `local ${c.local.measure} ${one(c.local.score)} over ${c.local.items} items`;
  if (benchmark === null) return `${local} (no published scores)`;
  return `${one(c.blendedScore ?? 0)}, the ${benchmark} blended with ${local} at weight ${c.local.weight.toFixed(2)}`;
}

function gpuLabel(gpu: GpuChoice): string {
  const busy = gpu.utilizationPct === null ? '' : `, ${Math.round(gpu.utilizationPct)}% busy`;
  return `GPU ${gpu.name ? `${gpu.name} ` : ''}${gpu.uuid} (${formatGb(gpu.freeBytes)} free${busy})`;
}

function gpuText(s: Selection, margin: number): string | null {
  if (!s.gpuAware) return null;
  const c = s.breakdown;
  const on = c.gpu ? ` on ${gpuLabel(c.gpu)}` : c.loaded ? ` on ${c.loaded.host}` : '';
  const notes = s.gpuNotes.join('; ');
  const parts: string[] = [];
  if (s.preferredLoaded && s.runnerUp) {
    parts.push(
      `preferred over ${s.runnerUp.model} (${one(s.runnerUp.finalScore ?? 0)}) because it scores within ${pct(margin)} of it ` +
        `and is already loaded${on}, which avoids a load`,
    );
  } else if (c.loaded) parts.push(`already loaded${on}, so no load is needed`);
  else if (c.gpu) parts.push(`to be loaded${on}`);
  if (!s.gpuChecked) parts.push(`${notes || 'no GPU data'}: GPU memory was not checked`);
  else if (notes) parts.push(notes);
  return parts.join('; ');
}

export function selectionReason(s: Selection, loadedPreferenceMargin: number): string {
  const c = s.breakdown;
  const parts = [
    `${c.model} for ${s.category}: final score ${one(s.finalScore)} = confidence ${c.confidence.toFixed(2)} (${ROLE_TEXT[c.role]}) x ${scoreText(c)}`,
    s.runnerUp && !s.preferredLoaded ? `runner-up ${s.runnerUp.model} (${one(s.runnerUp.finalScore ?? 0)})` : s.runnerUp ? null : 'no runner-up',
    `needs ${formatGb(c.memory.bytes)} of GPU memory (${c.memory.basis})`,
  ];
  const setAside = s.candidates.filter((x) => x.rank === null).length;
  if (setAside > 0) parts.push(`${setAside} of ${s.candidates.length} candidates set aside by constraints or missing data`);
  if (c.benchmark.settings.mixed) parts.push(`its scores ${c.benchmark.settings.summary}`);
  if (s.comparability.length > 0 && s.runnerUp) {
    parts.push(`${s.runnerUp.model} was measured in other settings on ${s.comparability.map((d) => `${d.benchmark} (${d.a} vs ${d.b})`).join(', ')}`);
  }
  parts.push(gpuText(s, loadedPreferenceMargin));
  return parts.filter((p): p is string => p !== null && p !== '').join('; ') + '.';
}
