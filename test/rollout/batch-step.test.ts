import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../../lib/store/store';
import { parseCollection } from '../../lib/datasets/index';
import { importCollection } from '../../lib/datasets/import';
import { projectRoot } from '../../lib/store/db-path';
import { runRolloutStep } from '../../lib/rollout/batch-step';
import { advanceExperiment } from '../../lib/rollout/controller';
import { resolveExperiment } from '../../lib/rollout/experiment-store';
import { assignArm } from '../../lib/rollout/assignment';
import { reviewSample } from '../../lib/rollout/review-sample';
import { writeRolloutReport, rolloutReportFileName } from '../../lib/publish/rollout-reports';
import { InputError } from '../../lib/input-error';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama/server';
import { removeDir } from '../support/temp-store';
import { quickExperiment, rolloutWorkspace, writeExperiment } from './helpers';


/** The fake model answers with the document's longer words, plus one it made up. */
function keywordAnswer(prompt: string): string {
  const document = /Document:\n\n([\s\S]*?)\n\nAnswer/.exec(prompt)?.[1] ?? '';
  const words = [...new Set(document.toLowerCase().match(/[a-z]{7,}/g) ?? [])].slice(0, 11);
  return JSON.stringify({ keywords: [...words, 'zebrafish'] });
}

let fake: FakeOllama;
let ws: Awaited<ReturnType<typeof rolloutWorkspace>>;
const SAMPLE_DOCS = 327;

beforeAll(async () => {
  fake = await startFakeOllama({ respond: (r) => (r.prompt.includes('FAIL-ME') ? 'I am sorry, but I cannot extract keywords from this document.' : keywordAnswer(r.prompt)) });
});
afterAll(async () => fake.close());

beforeEach(async () => {
  ws = await rolloutWorkspace();
  const collection = await parseCollection('beir', [path.join(projectRoot(), 'data', 'sample')]);
  await withStore({ dbPath: ws.dbPath }, (store) => importCollection(store, 'sample', collection));
  writeExperiment(ws.experimentsDir, quickExperiment({ source: { dataset: 'sample', batch_size: 30 }, llm: { hosts: [fake.url] } }));
});
afterEach(() => removeDir(ws.dir));

const step = (options: Parameters<typeof runRolloutStep>[1] = {}) =>
  runRolloutStep('kw-test', { dbPath: ws.dbPath, experimentsDir: ws.experimentsDir, llm: { retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }, ...options });

describe('benchlab rollout step', () => {
  it('enriches the next batch, never the same document twice in a stage, and runs the internal stage through the treatment', async () => {
    const first = await step({ batchSize: 150 });
    expect(first).toMatchObject({ stageIndex: 0, percentage: 0, internal: true, processed: 150, byArm: { control: 0, treatment: 150 }, errors: 0, cacheHits: 0, remaining: SAMPLE_DOCS - 150 });
    expect(first.look?.decision).toBe('continue');
    expect((await step({ batchSize: 150 })).processed).toBe(150);
    expect((await step({ batchSize: 150 })).processed).toBe(SAMPLE_DOCS - 300);
    expect((await step({ batchSize: 150 })).processed).toBe(0);

    const rows = await withStore({ dbPath: ws.dbPath }, async (store) => ({
      events: await store.all<{ unit_id: string; arm: string; metrics: string }>(`SELECT unit_id, arm, metrics FROM experiment_events ORDER BY unit_id`),
      extractions: await store.all<{ doc_id: string; method: string; keywords: string[]; hallucinated: string[]; prompt: string }>(`SELECT doc_id, method, keywords, hallucinated, prompt FROM keyword_extractions`),
      calls: await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM llm_calls WHERE model = 'qwen2.5:7b'`),
      cached: await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM keyword_cache`),
    }));
    expect(new Set(rows.events.map((e) => e.unit_id)).size).toBe(SAMPLE_DOCS);
    expect(rows.events.every((e) => e.arm === 'treatment')).toBe(true);
    const metrics = JSON.parse(rows.events[0]!.metrics);
    expect(metrics).toMatchObject({ error: false, cache_hit: false, keyword_count: 12, hallucinated_count: 1 });
    expect(rows.extractions[0]).toMatchObject({ method: 'llm', prompt: 'keywords@1', hallucinated: ['zebrafish'] });
    expect(Number(rows.calls?.n)).toBe(SAMPLE_DOCS);
    expect(Number(rows.cached?.n)).toBe(SAMPLE_DOCS);
  });

  it('assigns documents by the sticky hash after the internal stage, serves treatment from the cache, and measures quality', async () => {
    await step({ batchSize: SAMPLE_DOCS });
    await withStore({ dbPath: ws.dbPath }, (store) => advanceExperiment(store, 'kw-test', { experimentsDir: ws.experimentsDir, force: true }));
    const canary = await step({ batchSize: SAMPLE_DOCS, quality: true });
    expect(canary).toMatchObject({ stageIndex: 1, percentage: 10, internal: false, processed: SAMPLE_DOCS });
    const events = await withStore({ dbPath: ws.dbPath }, (store) =>
      store.all<{ unit_id: string; arm: string }>(`SELECT unit_id, arm FROM experiment_events WHERE arm = 'treatment' OR unit_id NOT IN (SELECT unit_id FROM experiment_events WHERE arm = 'treatment')`),
    );
    const canaryArms = new Map<string, string>();
    for (const e of events) canaryArms.set(e.unit_id, e.arm);
    const expectedTreatment = [...canaryArms.keys()].filter((id) => assignArm({ seed: 'kw-test', hashVersion: 2 }, id, 10) === 'treatment');
    expect(canary.byArm.treatment).toBe(expectedTreatment.length);
    expect(canary.byArm.treatment).toBeGreaterThan(0);
    expect(canary.cacheHits).toBe(canary.byArm.treatment);

    const quality = canary.quality!;
    expect(quality.queries.length).toBe(32);
    expect(quality.controlDocs + quality.treatmentDocs).toBe(SAMPLE_DOCS);
    expect(quality.means.plain).toBeGreaterThan(0);

    const sample = await withStore({ dbPath: ws.dbPath }, async (store) => reviewSample(store, await resolveExperiment(store, 'kw-test', { experimentsDir: ws.experimentsDir }), 2));
    expect(sample.map((d) => d.arm)).toEqual(['control', 'control', 'treatment', 'treatment']);
    for (const doc of sample) {
      expect(doc.keywords.frequency?.length).toBe(13); // the middle of 10-15
      expect(doc.keywords.llm).toContain('zebrafish');
      expect(doc.excerpt.length).toBeGreaterThan(0);
    }

    const file = await writeRolloutReport('kw-test', { dbPath: ws.dbPath, experimentsDir: ws.experimentsDir, outDir: path.join(ws.dir, 'reports') });
    expect(path.basename(file)).toBe(rolloutReportFileName('kw-test'));
    const page = fs.readFileSync(file, 'utf8');
    for (const section of ['Stage', 'Over time', 'Method breakdown', 'Per-stage metrics', 'A/B result', 'Decision log', 'Documents for review']) {
      expect(page).toContain(`<h2>${section}</h2>`);
    }
    expect(page).toContain('<svg');
    expect(page).toContain('zebrafish');
    expect(fs.existsSync(path.join(ws.dir, 'reports', 'assets', 'vega.min.js'))).toBe(true);
  });

  it('reads an inbox folder of JSONL documents and names a bad line', async () => {
    const inbox = path.join(ws.dir, 'inbox');
    fs.mkdirSync(inbox);
    fs.writeFileSync(path.join(inbox, 'a.jsonl'), `${JSON.stringify({ id: 'n1', title: 'Statins', text: 'Statins lower cholesterol in elderly patients with coronary disease.' })}\n`);
    fs.writeFileSync(path.join(inbox, 'b.jsonl'), `${JSON.stringify({ id: 'n2', text: 'FAIL-ME please' })}\n`);
    writeExperiment(ws.experimentsDir, quickExperiment({ source: { inbox, batch_size: 10 }, llm: { hosts: [fake.url] } }));
    const result = await step();
    expect(result).toMatchObject({ processed: 2, errors: 1 });
    const errors = await withStore({ dbPath: ws.dbPath }, (store) => store.all<{ doc_id: string; error: string | null }>(`SELECT doc_id, error FROM keyword_extractions ORDER BY doc_id`));
    expect(errors.map((e) => [e.doc_id, e.error === null ? null : e.error.slice(0, 22)])).toEqual([['n1', null], ['n2', 'no keywords in the ans']]);

    const flags = await withStore({ dbPath: ws.dbPath }, (store) => store.all<{ unit_id: string; metrics: string }>(`SELECT unit_id, metrics FROM experiment_events ORDER BY unit_id`));
    expect(flags.map((f) => JSON.parse(f.metrics).llm_unavailable ?? false)).toEqual([false, false]); // a bad answer is an error, not an outage

    fs.writeFileSync(path.join(inbox, 'c.jsonl'), '{"id": "n3"}\n');
    await expect(step()).rejects.toThrow(InputError);
    await expect(step()).rejects.toThrow(/c\.jsonl:1: text/);
  });
});

describe('the A/B stage of a batch rollout', () => {
  it('compares the arms\' retrieval quality query by query when events carry no quality metric', async () => {
    writeExperiment(ws.experimentsDir, quickExperiment({
      source: { dataset: 'sample', batch_size: SAMPLE_DOCS },
      llm: { hosts: [fake.url] },
      stages: [{ name: 'ab-test', percentage: 50, min_units: 5, ab_test: true }, { name: 'full', percentage: 100 }],
    }));
    const result = await step({ quality: true });
    const quality = result.look?.assessment.ab?.quality;
    expect(quality).toMatchObject({ source: 'retrieval', design: 'paired', n: { control: 32, treatment: 32 } });
    expect(quality?.sequential?.test).toBe('Asymptotic confidence sequence');
    const gate = result.look?.assessment.readiness.gates.find((g) => g.gate === 'quality_lift');
    expect(['pass', 'fail', 'pending']).toContain(gate?.outcome);
    expect(result.look?.assessment.ab?.srm?.degenerate).toBeUndefined();
  });
});

describe('an LLM service that cannot be reached', () => {
  it('flags the treatment events llm_unavailable (and errors)', async () => {
    const inbox = path.join(ws.dir, 'inbox-down');
    fs.mkdirSync(inbox);
    fs.writeFileSync(path.join(inbox, 'a.jsonl'), `${JSON.stringify({ id: 'd1', text: 'Statins lower cholesterol in elderly patients.' })}\n`);
    writeExperiment(ws.experimentsDir, quickExperiment({ source: { inbox, batch_size: 10 }, llm: { hosts: ['http://127.0.0.1:9'] } }));
    const result = await step({ monitor: false });
    expect(result).toMatchObject({ processed: 1, errors: 1 });
    const [event] = await withStore({ dbPath: ws.dbPath }, (store) => store.all<{ metrics: string }>(`SELECT metrics FROM experiment_events`));
    expect(JSON.parse(event!.metrics)).toMatchObject({ error: true, llm_unavailable: true });
  });
});

describe("an experiment's llm: block, set up as a suite's (lib/llm/llm-setup.ts)", () => {
  /** An inbox of `n` short documents, and an experiment over it with this `llm:` block. */
  function inboxExperiment(n: number, llm: Record<string, unknown>): void {
    const inbox = path.join(ws.dir, 'inbox-llm');
    fs.mkdirSync(inbox, { recursive: true });
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `d${i + 1}`, text: `Statins lower cholesterol in elderly patients number ${i + 1}.` }));
    fs.writeFileSync(path.join(inbox, 'a.jsonl'), `${lines.join('\n')}\n`);
    writeExperiment(ws.experimentsDir, quickExperiment({ source: { inbox, batch_size: n }, llm }));
  }
  const stepAsConfigured = (log?: (line: string) => void) =>
    runRolloutStep('kw-test', { dbPath: ws.dbPath, experimentsDir: ws.experimentsDir, monitor: false, ...(log ? { log } : {}) });
  const storedCalls = () => withStore({ dbPath: ws.dbPath }, (store) => store.all<{ attempts: number; status: string; error: string | null }>(`SELECT attempts, status, error FROM llm_calls`));

  it('idle_timeout_s and attempts take effect: a model that stalls mid-answer times out after 0.3 s, attempted once', async () => {
    inboxExperiment(1, { hosts: [fake.url], idle_timeout_s: 0.3, attempts: 1 });
    fake.inject({ kind: 'hang-mid-stream', afterChunks: 2, match: { path: '/api/generate' } });
    const started = performance.now();
    const result = await stepAsConfigured();
    expect(performance.now() - started).toBeLessThan(10_000); // the defaults: 30 s idle, 3 attempts
    expect(result).toMatchObject({ processed: 1, errors: 1 });
    expect(await storedCalls()).toEqual([{ attempts: 1, status: 'error', error: 'timeout: no data for 300 ms mid-answer' }]);
  });

  it('logs retries and breaker events as a benchmark run does', async () => {
    inboxExperiment(1, { hosts: [fake.url], attempts: 2 });
    fake.inject({ kind: 'http-503', match: { path: '/api/generate' } });
    const lines: string[] = [];
    const result = await stepAsConfigured((line) => lines.push(line));
    expect(result).toMatchObject({ processed: 1, errors: 0 });
    expect(await storedCalls()).toEqual([{ attempts: 2, status: 'ok', error: null }]);
    expect(lines.some((l) => l.startsWith(`retry qwen2.5:7b@${fake.url} after attempt 1: `))).toBe(true);
  });

  it('concurrency is per host, as in a suite: two hosts of concurrency 1 work on two documents at once', async () => {
    const second = await startFakeOllama({ respond: (r) => keywordAnswer(r.prompt), tokenDelayMs: 5 });
    try {
      inboxExperiment(6, { hosts: [fake.url, second.url], concurrency: 1 });
      const before = fake.requests.filter((r) => r.path === '/api/generate').length;
      const result = await stepAsConfigured();
      expect(result).toMatchObject({ processed: 6, errors: 0 });
      const onFirst = fake.requests.filter((r) => r.path === '/api/generate').length - before;
      const onSecond = second.requests.filter((r) => r.path === '/api/generate').length;
      expect(onFirst + onSecond).toBe(6);
      expect(onSecond).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});
