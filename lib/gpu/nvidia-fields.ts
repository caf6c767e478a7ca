/**
 * Which `--query-gpu` fields Benchlab asks nvidia-smi for, and how that list is validated once
 * per sampler. One field the driver does not know fails the whole query (exit 2,
 * `Field "x" is not a valid field to query.`), and field names move between driver versions
 * (`clocks_throttle_reasons.*` became `clocks_event_reasons.*`), so each metric names its
 * candidate fields in order of preference and the first one `nvidia-smi --help-query-gpu` lists
 * is used. Aliases (`gpu_name` = `name`, `clocks.gr` = `clocks.current.graphics`, ...) are
 * resolved to the name nvidia-smi prints in its CSV header.
 */

/** A value Benchlab reads, with the fields that can give it, best first. */
export interface MetricSpec {
  metric: string;
  candidates: readonly string[];
  required?: boolean;
}

/** Read on every sample (loop mode or per-sample calls). */
export const DYNAMIC_METRICS: readonly MetricSpec[] = [
  { metric: 'uuid', candidates: ['uuid'], required: true },
  { metric: 'index', candidates: ['index'] },
  { metric: 'utilization', candidates: ['utilization.gpu'] },
  { metric: 'memoryUsed', candidates: ['memory.used'] },
  { metric: 'power', candidates: ['power.draw', 'power.draw.average', 'power.draw.instant'] },
  { metric: 'temperature', candidates: ['temperature.gpu'] },
  { metric: 'throttle', candidates: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'] },
];

/** Read once at start: they do not change while a run lasts. */
export const STATIC_METRICS: readonly MetricSpec[] = [
  { metric: 'uuid', candidates: ['uuid'], required: true },
  { metric: 'index', candidates: ['index'] },
  { metric: 'name', candidates: ['name'] },
  { metric: 'pciBusId', candidates: ['pci.bus_id'] },
  { metric: 'driverVersion', candidates: ['driver_version'] },
  { metric: 'memoryTotal', candidates: ['memory.total'] },
  { metric: 'powerLimit', candidates: ['power.limit', 'enforced.power.limit'] },
  { metric: 'migMode', candidates: ['mig.mode.current'] },
];

/** `--query-compute-apps` fields (per-process GPU memory). */
export const COMPUTE_APP_FIELDS: readonly string[] = ['pid', 'process_name', 'used_memory', 'gpu_uuid'];

/**
 * Aliases nvidia-smi accepts, mapped to the name it prints in the CSV header. Used when the
 * help text is not available; `parseHelpQuery` finds the same pairs (`"name" or "gpu_name"`).
 */
const BUILT_IN_ALIASES: Record<string, string> = {
  gpu_name: 'name',
  gpu_uuid: 'uuid',
  gpu_bus_id: 'pci.bus_id',
  gpu_serial: 'serial',
  'clocks.gr': 'clocks.current.graphics',
  'clocks.sm': 'clocks.current.sm',
  'clocks.mem': 'clocks.current.memory',
  'clocks.video': 'clocks.current.video',
  used_memory: 'used_gpu_memory',
};

export interface FieldCatalog {
  /** Every valid name, aliases included. Empty when unknown (then every field is tried). */
  valid: Set<string>;
  /** alias -> printed name. */
  canonical: Map<string, string>;
}

export function emptyCatalog(): FieldCatalog {
  return { valid: new Set(), canonical: new Map(Object.entries(BUILT_IN_ALIASES)) };
}

/** A help line naming a field: `"name" or "gpu_name"`. */
const HELP_FIELD_LINE = /^"[^"]+"(?:\s+or\s+"[^"]+")*\s*$/;
const QUOTED = /"([^"]+)"/g;

/** The fields `nvidia-smi --help-query-gpu` (or `--help-query-compute-apps`) lists. */
export function parseHelpQuery(text: string): FieldCatalog {
  const catalog = emptyCatalog();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!HELP_FIELD_LINE.test(trimmed)) continue;
    const names = [...trimmed.matchAll(QUOTED)].map((m) => m[1] as string);
    const printed = names[0];
    if (printed === undefined) continue;
    for (const name of names) {
      catalog.valid.add(name);
      if (name !== printed) catalog.canonical.set(name, printed);
    }
  }
  return catalog;
}

/** The name nvidia-smi prints for `field` (its CSV header name). */
export function canonicalField(field: string, catalog: FieldCatalog): string {
  return catalog.canonical.get(field) ?? BUILT_IN_ALIASES[field] ?? field;
}

/** Straight or typographic quotes: nvidia-smi on Windows has printed `Field “x” is not ...`. */
const INVALID_FIELD = /Field\s+["“”]([^"“”]+)["“”]\s+is not a valid field to query/;

/** The field named in nvidia-smi's invalid-field error, if `output` is that error. */
export function invalidFieldIn(output: string): string | undefined {
  return INVALID_FIELD.exec(output)?.[1];
}

export interface ResolvedFields {
  /** metric -> the field chosen for it. */
  byMetric: Map<string, string>;
  /** The fields to ask for, in order. */
  fields: string[];
  /** Metrics no candidate of which the driver lists (left out of the query). */
  unavailable: string[];
}

/**
 * Picks a field for every metric: the first candidate the catalog lists, skipping `rejected`
 * ones. With an empty catalog (help unavailable) the first candidate not rejected is used.
 */
export function resolveFields(specs: readonly MetricSpec[], catalog: FieldCatalog, rejected: ReadonlySet<string> = new Set()): ResolvedFields {
  const byMetric = new Map<string, string>();
  const unavailable: string[] = [];
  for (const spec of specs) {
    const usable = spec.candidates.filter((f) => !rejected.has(f) && (catalog.valid.size === 0 || catalog.valid.has(f)));
    const chosen = usable[0];
    if (chosen === undefined) {
      if (spec.required) throw new Error(`nvidia-smi does not offer the required field ${spec.candidates.join(' / ')}`);
      unavailable.push(spec.metric);
      continue;
    }
    byMetric.set(spec.metric, chosen);
  }
  return { byMetric, fields: [...byMetric.values()], unavailable };
}
