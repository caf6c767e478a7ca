/**
 * Reading nvidia-smi's `--format=csv` output line by line, with or without the header and
 * with or without units. Written by hand rather than with a CSV library: nvidia-smi's CSV is not
 * RFC 4180 (fields are separated by ", ", nothing is quoted, a process name may itself hold ", ",
 * units sit inside values, and per-GPU error lines appear between rows), so a CSV parser would
 * add nothing but cost on the hot path (one line per GPU per second, a million in the perf run).
 *
 * Columns are matched to the requested fields by the header when there is one (nvidia-smi
 * prints canonical names, `gpu_name` comes out as `name`, with units in brackets:
 * `memory.used [MiB]`), else by position. Rows are turned into readings keyed by GPU uuid.
 */
import { canonicalField, emptyCatalog, invalidFieldIn, type FieldCatalog } from './nvidia-fields';
import { parseGpuErrorLine, type GpuErrorLine } from './smi-failure';
import { parseHexMask, parseInteger, parseNumber, parseText, sentinelText } from './smi-values';
import { decodeThrottleReasons } from './throttle-reasons';
import type { GpuProcess, GpuReading, GpuStaticInfo } from './types';

const SEPARATOR = ', ';
/** Columns whose values are free text and may contain the separator. */
const FREE_TEXT_FIELDS = new Set(['name', 'process_name']);
/** A header cell: a field name, optionally followed by its unit in brackets. */
const UNIT_SUFFIX = /\s*\[[^\]]*\]\s*$/;

export type CsvLine =
  | { kind: 'header' }
  | { kind: 'row'; values: string[] }
  | { kind: 'gpu-error'; error: GpuErrorLine }
  | { kind: 'invalid-field'; field: string }
  | { kind: 'blank' }
  | { kind: 'unreadable'; text: string };

/** Reads lines of one nvidia-smi CSV stream; `values` are aligned with `fields`. */
export class NvidiaCsvReader {
  fields: string[];
  private readonly catalog: FieldCatalog;
  private readonly canonical: string[];
  /** For each requested field, its column in the line (-1: not printed). Identity until a header says otherwise. */
  private positions: number[];
  private columnCount: number;
  private freeTextColumn: number;
  /** nvidia-smi prints its header once, first: after a row no line is taken for one. */
  private sawRow = false;

  /** `fields`: what was asked for; null to take the columns from the header line. */
  constructor(fields: readonly string[] | null, catalog: FieldCatalog = emptyCatalog()) {
    this.catalog = catalog;
    this.fields = fields ? [...fields] : [];
    this.canonical = this.fields.map((f) => canonicalField(f, catalog));
    this.positions = this.fields.map((_, i) => i);
    this.columnCount = this.fields.length;
    this.freeTextColumn = this.canonical.findIndex((f) => FREE_TEXT_FIELDS.has(f));
  }

  read(rawLine: string): CsvLine {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return { kind: 'blank' };
    const cells = line.split(SEPARATOR);
    if (!this.sawRow && this.isHeader(cells)) {
      this.adoptHeader(cells);
      return { kind: 'header' };
    }
    if (cells.length === 1) {
      const error = parseGpuErrorLine(line);
      if (error) return { kind: 'gpu-error', error };
      const field = invalidFieldIn(line);
      if (field !== undefined) return { kind: 'invalid-field', field };
    }
    const aligned = this.align(cells);
    if (!aligned) return { kind: 'unreadable', text: line };
    this.sawRow = true;
    const values = new Array<string>(this.positions.length);
    for (let i = 0; i < this.positions.length; i++) {
      const at = this.positions[i] as number;
      values[i] = at < 0 ? '' : ((aligned[at] as string) ?? '');
    }
    return { kind: 'row', values };
  }

  /** Cells fitted to the column count: extra separators belong to the free-text column. */
  private align(cells: string[]): string[] | undefined {
    if (cells.length === this.columnCount) return cells;
    if (cells.length < this.columnCount || this.freeTextColumn < 0) return undefined;
    const extra = cells.length - this.columnCount;
    const at = this.positionOfColumn(this.freeTextColumn);
    if (at < 0) return undefined;
    return [...cells.slice(0, at), cells.slice(at, at + extra + 1).join(SEPARATOR), ...cells.slice(at + extra + 1)];
  }

  private positionOfColumn(requestedIndex: number): number {
    return this.positions[requestedIndex] ?? -1;
  }

  private isHeader(cells: string[]): boolean {
    // A header cell is a field name: lowercase words joined by dots/underscores, maybe a [unit].
    let names = 0;
    for (const cell of cells) {
      const name = cell.replace(UNIT_SUFFIX, '').trim();
      if (/^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$/.test(name) && (this.fields.length === 0 || this.canonical.includes(canonicalField(name, this.catalog)))) names++;
    }
    return names > 0 && names * 2 > cells.length && cells.every((c) => sentinelText(c) === null);
  }

  private adoptHeader(cells: string[]): void {
    const names = cells.map((c) => canonicalField(c.replace(UNIT_SUFFIX, '').trim(), this.catalog));
    if (this.fields.length === 0) {
      this.fields = names;
      this.canonical.push(...names);
    }
    this.positions = this.canonical.map((f) => names.indexOf(f));
    this.columnCount = names.length;
    this.freeTextColumn = this.canonical.findIndex((f) => FREE_TEXT_FIELDS.has(f));
  }
}

export interface ParsedCsv {
  fields: string[];
  /** Rows as field -> raw value (keys: the requested names, or the header's). */
  rows: Record<string, string>[];
  gpuErrors: GpuErrorLine[];
  unreadable: string[];
  invalidField: string | undefined;
}

/** Parses a whole CSV output (a file, a one-shot call). */
export function parseNvidiaCsv(text: string, fields: readonly string[] | null, catalog?: FieldCatalog): ParsedCsv {
  const reader = new NvidiaCsvReader(fields, catalog);
  const parsed: ParsedCsv = { fields: reader.fields, rows: [], gpuErrors: [], unreadable: [], invalidField: undefined };
  for (const line of text.split('\n')) {
    const result = reader.read(line);
    if (result.kind === 'row') {
      const row: Record<string, string> = {};
      reader.fields.forEach((f, i) => (row[f] = result.values[i] as string));
      parsed.rows.push(row);
    } else if (result.kind === 'gpu-error') parsed.gpuErrors.push(result.error);
    else if (result.kind === 'invalid-field') parsed.invalidField ??= result.field;
    else if (result.kind === 'unreadable') parsed.unreadable.push(result.text);
  }
  parsed.fields = reader.fields;
  return parsed;
}

/** Positions of metrics in a row: metric -> index into the requested fields. */
export type MetricIndex = ReadonlyMap<string, number>;

export function metricIndex(byMetric: ReadonlyMap<string, string>, fields: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (const [metric, field] of byMetric) index.set(metric, fields.indexOf(field));
  return index;
}

function valueAt(values: readonly string[], index: MetricIndex, metric: string): string {
  const at = index.get(metric);
  return at === undefined || at < 0 ? '' : (values[at] ?? '');
}

/** Sentinels found in a row (e.g. `GPU is lost`), so a lost GPU is noticed even when it still prints a row. */
export function sentinelsIn(values: readonly string[]): string[] {
  const found: string[] = [];
  for (const v of values) {
    const s = sentinelText(v);
    if (s !== null && s !== 'empty' && s !== 'N/A') found.push(s);
  }
  return found;
}

/** Decoded throttle reasons by raw mask text: a GPU shows few distinct masks, and decoding costs a BigInt. */
const throttleCache = new Map<string, readonly string[] | null>();
const THROTTLE_CACHE_LIMIT = 1024;

function throttleReasonsOf(raw: string): string[] | null {
  let reasons = throttleCache.get(raw);
  if (reasons === undefined) {
    const mask = parseHexMask(raw);
    reasons = mask === null ? null : decodeThrottleReasons(mask);
    if (throttleCache.size < THROTTLE_CACHE_LIMIT) throttleCache.set(raw, reasons);
  }
  return reasons === null ? null : [...reasons];
}

/** A dynamic row as a reading; null when the row has no uuid (it cannot be keyed). */
export function readingFromRow(values: readonly string[], index: MetricIndex, info: GpuStaticInfo | undefined): GpuReading | null {
  const uuid = parseText(valueAt(values, index, 'uuid'));
  if (uuid === null || uuid === '') return null;
  return {
    uuid,
    index: parseInteger(valueAt(values, index, 'index')) ?? info?.index ?? null,
    name: info?.name ?? null,
    utilizationPct: parseNumber(valueAt(values, index, 'utilization')),
    memoryUsedMib: parseNumber(valueAt(values, index, 'memoryUsed')),
    memoryTotalMib: info?.memoryTotalMib ?? null,
    powerW: parseNumber(valueAt(values, index, 'power')),
    temperatureC: parseNumber(valueAt(values, index, 'temperature')),
    throttleReasons: throttleReasonsOf(valueAt(values, index, 'throttle')),
  };
}

/** A static row (read once at start) as the GPU's fixed facts. */
export function staticInfoFromRow(values: readonly string[], index: MetricIndex): GpuStaticInfo | null {
  const uuid = parseText(valueAt(values, index, 'uuid'));
  if (uuid === null || uuid === '') return null;
  return {
    uuid,
    index: parseInteger(valueAt(values, index, 'index')),
    name: parseText(valueAt(values, index, 'name')),
    pciBusId: parseText(valueAt(values, index, 'pciBusId')),
    driverVersion: parseText(valueAt(values, index, 'driverVersion')),
    memoryTotalMib: parseNumber(valueAt(values, index, 'memoryTotal')),
    powerLimitW: parseNumber(valueAt(values, index, 'powerLimit')),
    migMode: parseText(valueAt(values, index, 'migMode')),
  };
}

/** `--query-compute-apps` output as processes; accepts `used_memory` or `used_gpu_memory`, header or not. */
export function parseComputeApps(text: string, fields: readonly string[] | null, catalog?: FieldCatalog): GpuProcess[] {
  const parsed = parseNvidiaCsv(text, fields, catalog);
  const pick = (row: Record<string, string>, ...names: string[]) => {
    for (const n of names) if (row[n] !== undefined) return row[n] as string;
    return '';
  };
  return parsed.rows.map((row) => ({
    pid: parseInteger(pick(row, 'pid')),
    processName: parseText(pick(row, 'process_name', 'name')),
    usedMemoryMib: parseNumber(pick(row, 'used_memory', 'used_gpu_memory')),
    gpuUuid: parseText(pick(row, 'gpu_uuid', 'uuid')),
  }));
}
