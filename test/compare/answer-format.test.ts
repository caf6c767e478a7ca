/**
 * `benchlab compare` describes each side's answer format next to the metric tests: strict %,
 * usable % and syntax-valid % for A and for B, in the text table, in `--json` and in the A/B
 * report. Runs A and B are written item by item (insertAnswerFormatRun); B answers the question
 * A failed on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, type AnswerFormatSide } from '../../lib/compare/compare-runs';
import { summarizeBenchRun } from '../../lib/runs/bench-summary';
import { withStore } from '../../lib/store/store';
import { runCli } from '../support/run-cli';
import { removeDir, tempDir } from '../support/temp-store';
import { FORMAT_GENERATOR, insertAnswerFormatRun, SLEEPY_GENERATOR } from '../report/report-fixture';

const RUN_A = 'r20260201-100000-formata';
const RUN_B = 'r20260202-100000-formatb';

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = tempDir('benchlab-compare-format-');
  dbPath = path.join(dir, 'compare.duckdb');
  await withStore({ dbPath }, async (store) => {
    await insertAnswerFormatRun(store, RUN_A);
    await insertAnswerFormatRun(store, RUN_B, { improved: true, startedAt: new Date('2026-02-02T10:00:00Z') });
  });
});
afterAll(() => removeDir(dir));

const A_FORMAT: AnswerFormatSide = { generator: FORMAT_GENERATOR, items: 4, strictRate: 0.25, usableRate: 0.75, syntaxValidRate: 0.8, errors: 1, notAttempted: 0 };
const B_FORMAT: AnswerFormatSide = { generator: FORMAT_GENERATOR, items: 4, strictRate: 0.5, usableRate: 1, syntaxValidRate: 5 / 6, errors: 0, notAttempted: 0 };

describe('the answer format in a comparison', () => {
  it('carries each side\'s strict, usable and syntax-valid shares, as the run summaries compute them', async () => {
    const { comparison, summaries } = await withStore({ dbPath, readOnly: true }, async (store) => ({
      comparison: await compareRuns(store, RUN_A, RUN_B, { generators: [FORMAT_GENERATOR, FORMAT_GENERATOR], metrics: ['ndcg@10'] }),
      summaries: [await summarizeBenchRun(store, RUN_A, 10), await summarizeBenchRun(store, RUN_B, 10)],
    }));
    expect(comparison.answerFormat.a).toEqual(A_FORMAT);
    expect(comparison.answerFormat.b.strictRate).toBe(B_FORMAT.strictRate);
    expect(comparison.answerFormat.b.syntaxValidRate).toBeCloseTo(5 / 6, 12);
    for (const [side, summary] of [[comparison.answerFormat.a, summaries[0]], [comparison.answerFormat.b, summaries[1]]] as const) {
      const g = summary?.generators.find((x) => x.generator === FORMAT_GENERATOR);
      expect(side).toMatchObject({ strictRate: g?.strictRate, usableRate: g?.usableRate, syntaxValidRate: g?.syntaxValidRate });
    }
  });

  it('describes a generator pair across the runs, items not attempted apart', async () => {
    const comparison = await withStore({ dbPath, readOnly: true }, (store) =>
      compareRuns(store, RUN_A, RUN_B, { generators: [SLEEPY_GENERATOR, FORMAT_GENERATOR], metrics: ['ndcg@10'] }));
    expect(comparison.answerFormat.a).toEqual({ generator: SLEEPY_GENERATOR, items: 2, strictRate: 1, usableRate: 0.5, syntaxValidRate: 1, errors: 0, notAttempted: 1 });
    expect(comparison.answerFormat.b.generator).toBe(FORMAT_GENERATOR);
  });
});

describe('benchlab compare with answer formats', () => {
  it('prints the three figures per side in --json', async () => {
    const result = await runCli(['--db', dbPath, 'compare', RUN_A, RUN_B, '--generator', FORMAT_GENERATOR, '--metric', 'ndcg@10', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { answerFormat: { a: AnswerFormatSide; b: AnswerFormatSide }; comparisons: unknown[] };
    expect(parsed.comparisons).toHaveLength(1);
    expect(parsed.answerFormat.a).toEqual(A_FORMAT);
    expect(parsed.answerFormat.b).toMatchObject({ ...B_FORMAT, syntaxValidRate: expect.closeTo(5 / 6, 12) as unknown as number });
  });

  it('prints them in the text table, A and B side by side', async () => {
    const result = await runCli(['--db', dbPath, 'compare', RUN_A, RUN_B, '--generator', FORMAT_GENERATOR, '--metric', 'ndcg@10']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Answer format (descriptive, not tested)');
    const line = (label: string) => result.stdout.split('\n').find((l) => l.startsWith('│') && l.includes(label))?.split('│').map((c) => c.trim()).filter((c) => c !== '');
    expect(line('strict format')).toEqual(['strict format', '25.0%', '50.0%']);
    expect(line('usable answers')).toEqual(['usable answers', '75.0%', '100.0%']);
    expect(line('syntax valid')).toEqual(['syntax valid', '80.0%', '83.3%']);
    expect(line('not attempted')).toEqual(['not attempted', '0', '0']);
  });

  it('shows them in the A/B report', async () => {
    const out = path.join(dir, 'reports');
    const result = await runCli(['--db', dbPath, 'compare', RUN_A, RUN_B, '--generator', FORMAT_GENERATOR, '--metric', 'ndcg@10', '--report', out]);
    expect(result.code).toBe(0);
    const file = /report: (.*)/.exec(result.stdout)?.[1] ?? '';
    const page = fs.readFileSync(file, 'utf8');
    expect(page).toContain('<section id="answer-format"><h2>Answer format</h2>');
    const row = (label: string) => new RegExp(`<td class="nowrap"><span title="[^"]*">${label}</span></td><td class="num">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>`).exec(page)?.slice(1);
    expect(row('strict format')).toEqual(['25.0%', '50.0%', '+25.0 pts']);
    expect(row('usable answers')).toEqual(['75.0%', '100.0%', '+25.0 pts']);
    expect(row('syntax valid')).toEqual(['80.0%', '83.3%', '+3.3 pts']);
  });
});
