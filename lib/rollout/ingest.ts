/**
 * Owns `benchlab ingest`: events a production service wrote, as JSONL (one JSON object a line)
 * or CSV (a header row; metric columns by metric name), validated line by line and stored
 * idempotently by event id. A bad line is reported with its line number and field. By default a
 * file with any bad line stores nothing (fix it and ingest again; the good lines are then
 * skipped as duplicates or stored); `allowPartial` stores the good lines and reports the rest.
 * Nothing already stored is ever changed or removed.
 *
 * JSONL: {"event_id","experiment"?,"unit","arm","timestamp","metrics":{...}}
 * CSV:   event_id,experiment,unit,arm,timestamp,error,processing_ms,cache_hit,quality,...
 * User complaints are events too: {"event_id","unit","arm","timestamp","metrics":{"complaints":1}}
 * (a `complaints` column in CSV); an event that carries only complaints counts for nothing else.
 * "Now" (for the future-timestamp check) is options.now, else options.clock's, else the wall clock.
 * The experiment may come from the command (--experiment) instead of each line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { Store } from '../store/store';
import { ARMS } from './assignment';
import { EVENT_METRICS, METRIC_NAMES, metricsSchema, storeEvents, type EventMetrics, type ExperimentEvent, type MetricName } from './events';
import { resolveExperiment, type ResolveOptions } from './experiment-store';
import { InputError } from '../input-error';
import { ISO_WITH_ZONE, nowOf } from './clock';

/** Events may be stamped at most this far in the future (clock skew between hosts). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const MAX_ID_LENGTH = 200;
/** At most this many bad lines are listed in an error message (all are in the result). */
export const MAX_REPORTED_ERRORS = 20;


export const INGEST_FORMATS = ['jsonl', 'csv'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

export interface LineError {
  line: number;
  field: string;
  message: string;
}

export interface IngestResult {
  file: string;
  format: IngestFormat;
  /** Non-empty data lines read. */
  lines: number;
  inserted: number;
  duplicates: number;
  rejected: LineError[];
  /** false when bad lines stopped the whole file (nothing was stored). */
  stored: boolean;
}

export interface IngestOptions extends ResolveOptions {
  /** The experiment of lines that do not name one. */
  experiment?: string;
  allowPartial?: boolean;
  format?: IngestFormat;
}

function timestampSchema(now: Date) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    if (typeof value === 'string' && !ISO_WITH_ZONE.test(value.trim())) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not an ISO 8601 time with a zone (e.g. 2025-01-31T12:00:00Z)` });
      return z.NEVER;
    }
    const date = new Date(typeof value === 'string' ? value.trim() : value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid time` });
      return z.NEVER;
    }
    if (date.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      ctx.addIssue({ code: 'custom', message: `${date.toISOString()} is in the future` });
      return z.NEVER;
    }
    return date;
  });
}

function lineSchema(now: Date) {
  return z
    .object({
      event_id: z.string().trim().min(1).max(MAX_ID_LENGTH),
      experiment: z.string().trim().min(1).optional(),
      unit: z.string().trim().min(1).max(MAX_ID_LENGTH),
      arm: z.enum(ARMS),
      timestamp: timestampSchema(now),
      metrics: metricsSchema.default({}),
    })
    .strict();
}

interface RawLine {
  line: number;
  value: unknown;
}

function detectFormat(file: string): IngestFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new InputError(`${file}: cannot tell the format from the extension; use .jsonl or .csv (or --format)`);
}

function readJsonl(text: string, errors: LineError[]): RawLine[] {
  const out: RawLine[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    if (content.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(content) as unknown });
    } catch (error) {
      errors.push({ line: i + 1, field: '(line)', message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return out;
}

const CSV_BASE_COLUMNS = ['event_id', 'experiment', 'unit', 'arm', 'timestamp'] as const;
const FLAG_WORDS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** A CSV cell as its metric's JS type; unparseable text is passed on so zod reports it with the field. */
function csvMetric(name: MetricName, cell: string): unknown {
  const kind = EVENT_METRICS[name].kind;
  if (kind === 'flag') return FLAG_WORDS[cell.toLowerCase()] ?? cell;
  const number = Number(cell);
  return cell.trim() !== '' && Number.isFinite(number) ? number : cell;
}

function readCsv(text: string, file: string): RawLine[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true }) as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new InputError(`${file}${line ? `:${line}` : ''}: ${(error as Error).message}`);
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const unknown = header.filter((c) => !(CSV_BASE_COLUMNS as readonly string[]).includes(c) && !(METRIC_NAMES as string[]).includes(c));
  if (unknown.length > 0) {
    throw new InputError(`${file}:1: unknown column(s) ${unknown.join(', ')}; expected ${[...CSV_BASE_COLUMNS, ...METRIC_NAMES].join(', ')}`);
  }
  return records.map(({ record, info }) => {
    const value: Record<string, unknown> = {};
    const metrics: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue;
      if ((METRIC_NAMES as string[]).includes(column)) metrics[column] = csvMetric(column as MetricName, cell);
      else value[column] = cell;
    }
    value['metrics'] = metrics;
    return { line: info.lines, value };
  });
}

/** Validates one parsed line; returns the event or pushes the line's errors. */
function toEvent(raw: RawLine, schema: ReturnType<typeof lineSchema>, defaultExperiment: string | undefined, source: string, errors: LineError[]): ExperimentEvent | undefined {
  const parsed = schema.safeParse(raw.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const field = [...issue.path, ...(keys.length === 1 ? keys : [])].join('.') || '(line)';
      errors.push({ line: raw.line, field, message: issue.message });
    }
    return undefined;
  }
  const experiment = parsed.data.experiment ?? defaultExperiment;
  if (experiment === undefined) {
    errors.push({ line: raw.line, field: 'experiment', message: 'missing (name it on the line or with --experiment)' });
    return undefined;
  }
  if (defaultExperiment !== undefined && experiment !== defaultExperiment) {
    errors.push({ line: raw.line, field: 'experiment', message: `'${experiment}' differs from --experiment ${defaultExperiment}` });
    return undefined;
  }
  return {
    eventId: parsed.data.event_id,
    experimentKey: experiment,
    unitId: parsed.data.unit,
    arm: parsed.data.arm,
    occurredAt: parsed.data.timestamp,
    metrics: parsed.data.metrics as EventMetrics,
    source,
  };
}

/** Thrown inside the ingest transaction to undo it when conflicts turn up in all-or-nothing mode. */
class RollbackIngest extends Error {
  constructor() {
    super('ingest rolled back: conflicting event ids');
  }
}

export function formatLineErrors(file: string, errors: readonly LineError[], limit = MAX_REPORTED_ERRORS): string {
  const shown = errors.slice(0, limit).map((e) => `${file}:${e.line}: ${e.field}: ${e.message}`);
  if (errors.length > limit) shown.push(`... and ${errors.length - limit} more`);
  return shown.join('\n');
}

/** Reads, validates and stores one events file. */
export async function ingestEventsFile(store: Store, file: string, options: IngestOptions = {}): Promise<IngestResult> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new InputError(`${file}: no such file`);
  const now = nowOf(options);
  const format = options.format ?? detectFormat(file);
  const text = fs.readFileSync(file, 'utf8');
  const errors: LineError[] = [];
  const raw = format === 'csv' ? readCsv(text, file) : readJsonl(text, errors);
  const lines = raw.length + errors.length;
  const schema = lineSchema(now);
  const source = `ingest:${path.basename(file)}`;
  const candidates: { line: number; event: ExperimentEvent }[] = [];
  for (const r of raw) {
    const event = toEvent(r, schema, options.experiment, source, errors);
    if (event) candidates.push({ line: r.line, event });
  }

  // Every experiment named (by key or file) must exist; events carry its key.
  const keys = new Map<string, string | undefined>();
  for (const name of new Set(candidates.map((c) => c.event.experimentKey))) {
    try {
      keys.set(name, (await resolveExperiment(store, name, { ...options, now })).key);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      keys.set(name, undefined);
    }
  }
  const valid = candidates.filter((c) => {
    const key = keys.get(c.event.experimentKey);
    if (key !== undefined) {
      c.event.experimentKey = key;
      return true;
    }
    errors.push({ line: c.line, field: 'experiment', message: `unknown experiment '${c.event.experimentKey}'` });
    return false;
  });

  const result: IngestResult = { file, format, lines, inserted: 0, duplicates: 0, rejected: errors, stored: false };
  await store.transaction(async () => {
    if (errors.length > 0 && !options.allowPartial) return;
    const stored = await storeEvents(store, valid.map((c) => c.event));
    for (const conflict of stored.conflicts) {
      const line = valid[conflict.index]?.line ?? 0;
      errors.push({ line, field: 'event_id', message: `'${conflict.eventId}' is already stored with different content; the stored event is kept` });
    }
    if (stored.conflicts.length > 0 && !options.allowPartial) throw new RollbackIngest();
    result.inserted = stored.inserted;
    result.duplicates = stored.duplicates;
    result.stored = true;
  }).catch((error: unknown) => {
    if (!(error instanceof RollbackIngest)) throw error;
  });
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
