/**
 * How the GPU dashboard names and colours the kinds of gpu_alerts rows: the GPU's own
 * conditions (temperature over the threshold, memory above 95% of the total, throttling, a lost
 * or unreachable GPU) first, then the sampler's tool problems. A kind Benchlab does not know
 * yet keeps its own name and a neutral colour, after the known ones.
 */
import { ALERT_KIND } from '../gpu/gpu-alerts';

export interface AlertKindInfo {
  label: string;
  color: string;
  /** The GPU itself is in trouble (not only the tool reading it). */
  gpu: boolean;
}

const DANGER = '#b3261e';
const WARNING = '#d9822b';
const TOOL = '#6b7686';
const UNKNOWN = '#9aa5b4';

/** Known kinds, in the order the dashboard lists them. */
export const ALERT_KINDS: ReadonlyMap<string, AlertKindInfo> = new Map([
  [ALERT_KIND.temperature, { label: 'temperature over threshold', color: DANGER, gpu: true }],
  [ALERT_KIND.memory, { label: 'memory near full (OOM risk)', color: '#7b1fa2', gpu: true }],
  ['gpu-lost', { label: 'GPU lost', color: '#000000', gpu: true }],
  ['gpu-unreachable', { label: 'GPU unreachable', color: '#4a148c', gpu: true }],
  [ALERT_KIND.throttling, { label: 'throttling (clocks held back)', color: WARNING, gpu: true }],
  ['driver-not-loaded', { label: 'driver not loaded', color: TOOL, gpu: false }],
  ['driver-library-mismatch', { label: 'driver/library mismatch', color: TOOL, gpu: false }],
  ['hang', { label: 'GPU tool hung', color: TOOL, gpu: false }],
  ['loop-fallback', { label: 'loop mode given up', color: TOOL, gpu: false }],
  ['invalid-field', { label: 'field rejected by driver', color: TOOL, gpu: false }],
  ['tool-error', { label: 'GPU tool error', color: TOOL, gpu: false }],
  ['tool-missing', { label: 'no GPU tool', color: TOOL, gpu: false }],
]);

export function alertKindInfo(kind: string): AlertKindInfo {
  return ALERT_KINDS.get(kind) ?? { label: kind, color: UNKNOWN, gpu: false };
}

/** Kinds in display order: known ones as listed above, then unknown ones alphabetically. */
export function sortAlertKinds(kinds: Iterable<string>): string[] {
  const known = [...ALERT_KINDS.keys()];
  const rank = (k: string) => {
    const i = known.indexOf(k);
    return i < 0 ? known.length : i;
  };
  return [...new Set(kinds)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
