/**
 * The run report's answer-format figures, error kinds, items not attempted and per-query
 * validity, over a run written item by item with the columns of migration 5 (see
 * insertAnswerFormatRun): every figure the page shows is the run summary's, and model text in
 * queries and messages shows as text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_SPECS_ELEMENT_ID, EMBED_SCRIPTS } from '../../lib/report/chart';
import { renderReports } from '../../lib/publish/render-reports';
import { runReportFileName, TRENDS_FILE } from '../../lib/report/report-files';
import { summarizeBenchRun, type BenchSummary } from '../../lib/runs/bench-summary';
import { withStore } from '../../lib/store/store';
import { removeDir, tempDir } from '../support/temp-store';
import {
  FORMAT_GENERATOR, insertAnswerFormatRun, INVALID_QUERY, NONE_ERROR, NOT_ATTEMPTED_ERROR, REPAIRED_ORIGINAL, REPAIRED_QUERY, SLEEPY_GENERATOR,
} from './report-fixture';

const RUN_ID = 'r20260201-100000-format';

let dir: string;
let page: string;
let trends: string;
let summary: BenchSummary;

beforeAll(async () => {
  dir = tempDir('benchlab-answer-format-');
  const dbPath = path.join(dir, 'format.duckdb');
  summary = await withStore({ dbPath }, async (store) => {
    await insertAnswerFormatRun(store, RUN_ID);
    return summarizeBenchRun(store, RUN_ID, 10);
  });
  const out = path.join(dir, 'reports');
  await renderReports({ dbPath, outDir: out, runId: RUN_ID });
  page = fs.readFileSync(path.join(out, runReportFileName(RUN_ID)), 'utf8');
  trends = fs.readFileSync(path.join(out, TRENDS_FILE), 'utf8');
});
afterAll(() => removeDir(dir));

/** The table rows of a page that hold a cell with exactly this text. */
function rowsWith(html: string, cell: string): string[] {
  return [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((m) => m[1] ?? '').filter((row) => row.includes(`>${cell}</td>`));
}

/** The row of the table with this caption that holds the cell. */
function tableRow(html: string, caption: string, cell: string): string {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  if (start < 0) throw new Error(`no table '${caption}'`);
  const table = html.slice(start, html.indexOf('</table>', start));
  const [row] = rowsWith(table, cell);
  if (row === undefined) throw new Error(`no row '${cell}' in '${caption}'`);
  return row;
}

const cells = (row: string): string[] => [...row.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1] ?? '');

describe('the answer format of a run', () => {
  it('is what the run summary computes', () => {
    const format = summary.generators.find((g) => g.generator === FORMAT_GENERATOR);
    expect(format).toMatchObject({ items: 4, strictRate: 0.25, usableRate: 0.75, syntaxValidRate: 0.8, errors: 1, notAttempted: 0 });
    expect(format?.answerReads).toEqual({ strict: 1, 'variant:key-case': 1, lines: 1, none: 1 });
    const sleepy = summary.generators.find((g) => g.generator === SLEEPY_GENERATOR);
    expect(sleepy).toMatchObject({ items: 2, strictRate: 1, usableRate: 0.5, syntaxValidRate: 1, errors: 0, notAttempted: 1 });
  });

  it('shows strict, usable and syntax-valid side by side, with how the answers were read', () => {
    expect(cells(tableRow(page, 'Answer format per generator', FORMAT_GENERATOR))).toEqual([
      FORMAT_GENERATOR, '4', '25.0%', '75.0%', '80.0%', 'strict 1 · variant:key-case 1 · lines 1 · none 1', '1', '0',
    ]);
    expect(cells(tableRow(page, 'Answer format per generator', SLEEPY_GENERATOR))).toEqual([
      SLEEPY_GENERATOR, '2', '100.0%', '50.0%', '100.0%', 'strict 1', '0', '1',
    ]);
  });

  it('counts errors by kind and shows items not attempted apart from them', () => {
    const errors = cells(tableRow(page, 'Errors, items not attempted and cache hits per generator', FORMAT_GENERATOR));
    expect(errors.slice(0, 6)).toEqual([FORMAT_GENERATOR, '4', '1', '25.0%', 'parse 1', '0']);
    const sleepy = cells(tableRow(page, 'Errors, items not attempted and cache hits per generator', SLEEPY_GENERATOR));
    // The item never sent is no error (not even of kind circuit), and counts as not attempted.
    expect(sleepy.slice(0, 6)).toEqual([SLEEPY_GENERATOR, '2', '0', '0.0%', '–', '1']);
    expect(cells(tableRow(page, 'Most frequent item errors', FORMAT_GENERATOR))).toEqual([FORMAT_GENERATOR, 'parse', '1', NONE_ERROR.replace(/"/g, '&quot;')]);
    expect(cells(tableRow(page, 'Items not attempted (not model errors)', SLEEPY_GENERATOR))).toEqual([SLEEPY_GENERATOR, 'circuit', '1', NOT_ATTEMPTED_ERROR]);
    expect(page).toContain(`${SLEEPY_GENERATOR}: 1 of 2 items not attempted`);
  });

  it('draws error, not attempted, cached and fresh items apart in the outcomes chart', () => {
    const match = new RegExp(`<script type="application/json" id="${CHART_SPECS_ELEMENT_ID}">(.*?)</script>`, 's').exec(page);
    const specs = JSON.parse(match?.[1] ?? '{}') as Record<string, { data: { values: { generator: string; outcome: string; items: number }[] } }>;
    const values = specs['chart-outcomes']?.data.values ?? [];
    const of = (generator: string) => Object.fromEntries(values.filter((v) => v.generator === generator).map((v) => [v.outcome, v.items]));
    expect(of(FORMAT_GENERATOR)).toEqual({ error: 1, 'not attempted': 0, cached: 0, fresh: 3 });
    expect(of(SLEEPY_GENERATOR)).toEqual({ error: 0, 'not attempted': 1, cached: 0, fresh: 1 });
  });

  it('marks the invalid query with the parser\'s position and message, and the repaired one with its repairs and original', () => {
    expect(page).toContain(
      '<li class="query-invalid"><span class="tag invalid" title="this query did not parse and was not run">invalid</span> ' +
        'heart AND <mark class="at">&lt;</mark>script&gt;alert(1)&lt;/script&gt;<br><small class="parse-error">at 10: unexpected character &#39;&lt;&#39; (U+003C)</small></li>',
    );
    expect(page).toContain(
      '<li class="query-repaired"><span class="tag repaired" title="repairs applied before parsing">repaired: lowercase-operators, closed-parenthesis</span> ' +
        `${REPAIRED_QUERY}<br><small class="original">model wrote: ${REPAIRED_ORIGINAL}</small></li>`,
    );
    expect(page).toContain('<li>aspirin AND stroke</li>');
    // How each answer was read, per item; the item not attempted says why, apart from errors.
    expect(page).toContain('<td class="nowrap">variant:key-case</td>');
    expect(page).toContain(`<td class="error">parse error: ${NONE_ERROR.replace(/"/g, '&quot;')}</td>`);
    expect(page).toContain(`<td class="note">${NOT_ATTEMPTED_ERROR}</td>`);
  });

  it('shows model text only as text', () => {
    expect(page).not.toContain(INVALID_QUERY);
    expect(page).not.toContain('<script>alert');
    expect(page.split('<script').length - 1).toBe(EMBED_SCRIPTS.length + 2);
  });

  it('gives the trends an error rate by item status, and a median latency without the items not attempted', () => {
    const [sleepy] = rowsWith(trends, SLEEPY_GENERATOR).map(cells);
    const [format] = rowsWith(trends, FORMAT_GENERATOR).map(cells);
    // generator, latest run, started, items, nDCG@10, Δ, recall, MAP, Δ MAP, median ms, error rate, previous run
    expect(sleepy?.[3]).toBe('2');
    expect(sleepy?.slice(9, 11)).toEqual(['120', '0.0%']);
    expect(format?.slice(9, 11)).toEqual(['120', '25.0%']);
  });

  it('leaves the items not attempted out of the latency quartiles', () => {
    // Columns: generator, what its time measures, items timed, p50.
    expect(cells(tableRow(page, 'Latency per item in ms (cache hits excluded)', SLEEPY_GENERATOR)).slice(0, 4)).toEqual([SLEEPY_GENERATOR, 'generate the queries', '1', '120']);
  });
});
