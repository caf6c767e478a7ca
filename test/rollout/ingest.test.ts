import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { ingestEventsFile } from '../../lib/rollout/ingest';
import { removeDir } from '../support/temp-store';
import { quickExperiment, rolloutWorkspace, writeExperiment } from './helpers';


let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const NOW = new Date('2026-03-01T12:00:00Z');

beforeEach(async () => {
  ws = await rolloutWorkspace();
  writeExperiment(ws.experimentsDir, quickExperiment());
});
afterEach(() => removeDir(ws.dir));

function file(name: string, lines: (string | Record<string, unknown>)[]): string {
  const p = path.join(ws.dir, name);
  fs.writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return p;
}

const good = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id, experiment: 'kw-test', unit: `doc-${id}`, arm: 'treatment', timestamp: '2026-03-01T11:00:00Z',
  metrics: { error: false, processing_ms: 812.5, cache_hit: true, quality: 0.7 }, ...extra,
});

async function ingest(p: string, options: { allowPartial?: boolean; experiment?: string } = {}) {
  return withStore({ dbPath: ws.dbPath }, (store) => ingestEventsFile(store, p, { experimentsDir: ws.experimentsDir, now: NOW, ...options }));
}

async function storedIds(): Promise<string[]> {
  return withStore({ dbPath: ws.dbPath }, async (store) =>
    (await store.all<{ event_id: string }>(`SELECT event_id FROM experiment_events ORDER BY event_id`)).map((r) => r.event_id),
  );
}

describe('benchlab ingest', () => {
  it('stores valid JSONL events with their metrics, and a second ingest of the same file adds nothing', async () => {
    const p = file('events.jsonl', [good('a'), good('b', { arm: 'control' }), '', good('c')]);
    const first = await ingest(p);
    expect(first).toMatchObject({ lines: 3, inserted: 3, duplicates: 0, rejected: [], stored: true });
    const again = await ingest(p);
    expect(again).toMatchObject({ inserted: 0, duplicates: 3, stored: true });
    expect(await storedIds()).toEqual(['a', 'b', 'c']);
    const row = await withStore({ dbPath: ws.dbPath }, (store) => store.one<{ metrics: string; occurred_at: Date; source: string }>(`SELECT metrics, occurred_at, source FROM experiment_events WHERE event_id = 'a'`));
    expect(JSON.parse(row!.metrics)).toEqual({ error: false, processing_ms: 812.5, cache_hit: true, quality: 0.7 });
    expect(row!.occurred_at.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(row!.source).toBe('ingest:events.jsonl');
  });

  it('rejects bad lines with their line and field, stores nothing from that file, and keeps what was stored', async () => {
    await ingest(file('first.jsonl', [good('kept-1'), good('kept-2')]));
    const p = file('bad.jsonl', [
      good('x1'),
      good('x2', { arm: 'treatmnt' }),
      good('x3', { timestamp: '2026-03-01 11:00' }),
      good('x4', { metrics: { latency: 3 } }),
      good('x5', { metrics: { processing_ms: -1 } }),
      '{"event_id": "x6", ',
      good('x7', { experiment: 'nope' }),
      good('x8', { unit: undefined }),
      good('x9', { timestamp: '2026-03-02T12:00:00Z' }),
      good('kept-1', { metrics: { error: true } }),
    ]);
    const result = await ingest(p);
    expect(result.stored).toBe(false);
    expect(result.rejected.map((e) => [e.line, e.field])).toEqual([
      [2, 'arm'], [3, 'timestamp'], [4, 'metrics.latency'], [5, 'metrics.processing_ms'], [6, '(line)'], [7, 'experiment'], [8, 'unit'], [9, 'timestamp'],
    ]);
    expect(result.rejected.find((e) => e.line === 9)?.message).toMatch(/in the future/);
    expect(await storedIds()).toEqual(['kept-1', 'kept-2']);
  });

  it('with allowPartial stores the good lines, and never overwrites an event stored with other content', async () => {
    await ingest(file('first.jsonl', [good('kept-1')]));
    const p = file('mixed.jsonl', [good('n1'), good('n2', { arm: 'both' }), good('kept-1', { metrics: { error: true } })]);
    const result = await ingest(p, { allowPartial: true });
    expect(result.stored).toBe(true);
    expect(result.inserted).toBe(1);
    expect(result.rejected.map((e) => [e.line, e.field])).toEqual([[2, 'arm'], [3, 'event_id']]);
    expect(await storedIds()).toEqual(['kept-1', 'n1']);
    const kept = await withStore({ dbPath: ws.dbPath }, (store) => store.one<{ metrics: string }>(`SELECT metrics FROM experiment_events WHERE event_id = 'kept-1'`));
    expect(JSON.parse(kept!.metrics).error).toBe(false);
  });

  it('a conflict alone stops an all-or-nothing file', async () => {
    await ingest(file('first.jsonl', [good('kept-1')]));
    const result = await ingest(file('conflict.jsonl', [good('new-1'), good('kept-1', { unit: 'other' })]));
    expect(result.stored).toBe(false);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 2, field: 'event_id' })]);
    expect(await storedIds()).toEqual(['kept-1']);
  });

  it('reads CSV with metric columns and the experiment from the command', async () => {
    const p = path.join(ws.dir, 'events.csv');
    fs.writeFileSync(p, [
      'event_id,unit,arm,timestamp,error,processing_ms,cache_hit,quality',
      'c1,doc-1,control,2026-03-01T10:00:00Z,false,120,,0.5',
      'c2,doc-2,treatment,2026-03-01T10:01:00+01:00,1,900,true,',
      'c3,doc-3,treatment,2026-03-01T10:02:00Z,maybe,900,true,',
    ].join('\n'));
    const result = await ingest(p, { experiment: 'kw-test' });
    expect(result.rejected).toEqual([expect.objectContaining({ line: 4, field: 'metrics.error' })]);
    const partial = await ingest(p, { experiment: 'kw-test', allowPartial: true });
    expect(partial.inserted).toBe(2);
    const rows = await withStore({ dbPath: ws.dbPath }, (store) => store.all<{ event_id: string; metrics: string; occurred_at: Date }>(`SELECT event_id, metrics, occurred_at FROM experiment_events ORDER BY event_id`));
    expect(rows.map((r) => [r.event_id, JSON.parse(r.metrics), r.occurred_at.toISOString()])).toEqual([
      ['c1', { error: false, processing_ms: 120, quality: 0.5 }, '2026-03-01T10:00:00.000Z'],
      ['c2', { error: true, processing_ms: 900, cache_hit: true }, '2026-03-01T09:01:00.000Z'],
    ]);
  });

  it('refuses a CSV with an unknown column, naming it', async () => {
    const p = path.join(ws.dir, 'odd.csv');
    fs.writeFileSync(p, 'event_id,unit,arm,timestamp,latency\ne1,u,control,2026-03-01T10:00:00Z,3\n');
    await expect(ingest(p, { experiment: 'kw-test' })).rejects.toThrow(/odd\.csv:1: unknown column\(s\) latency/);
  });

  it('takes complaints (counts per event or unit) and the llm_unavailable flag, in JSONL and CSV', async () => {
    const jsonl = file('complaints.jsonl', [
      good('k1', { metrics: { complaints: 2 } }),
      good('k2', { metrics: { error: true, llm_unavailable: true } }),
      good('k3', { metrics: { complaints: -1 } }),
    ]);
    expect((await ingest(jsonl)).rejected).toEqual([expect.objectContaining({ line: 3, field: 'metrics.complaints' })]);
    const p = path.join(ws.dir, 'complaints.csv');
    fs.writeFileSync(p, 'event_id,unit,arm,timestamp,complaints,llm_unavailable\nq1,doc-1,treatment,2026-03-01T10:00:00Z,3,\nq2,doc-2,treatment,2026-03-01T10:01:00Z,,yes\n');
    expect(await ingest(p, { experiment: 'kw-test' })).toMatchObject({ inserted: 2, rejected: [] });
    const rows = await withStore({ dbPath: ws.dbPath }, (store) => store.all<{ event_id: string; metrics: string }>(`SELECT event_id, metrics FROM experiment_events ORDER BY event_id`));
    expect(rows.map((r) => [r.event_id, JSON.parse(r.metrics)])).toEqual([['q1', { complaints: 3 }], ['q2', { llm_unavailable: true }]]);
  });
});
