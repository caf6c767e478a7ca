/**
 * `benchlab compare RUN_A RUN_B`: per metric n, means, difference with CI, relative lift, the
 * test (paired when the items are), p and Holm-adjusted p, effect size, verdict and the items
 * needed for 80% power; then each side's answer format (strict %, usable %, syntax-valid %,
 * descriptive, not tested); `--json` for scripts (the figures under `answerFormat.a`/`.b`); `--report [DIR]` also writes the HTML A/B report
 * (forest plots, per-question differences, verdict) into DIR (default reports/), refreshes that
 * folder's index page, and prints the report's path.
 */
import path from 'node:path';
import { Command } from 'commander';
import { compareRuns, type AnswerFormatSide, type RunComparison } from '../../compare/compare-runs';
import { DEFAULT_COMPARE_METRICS } from '../../compare/compare-metrics';
import { withStore } from '../../store/store';
import { renderAbReport } from '../../report/ab-report';
import { refreshIndexPage } from '../../report/index-refresh';
import { defaultOutDir } from '../../report/report-files';
import { commaList, finiteNumber } from '../parse-options';
import { formatNumber, printJson, renderTable } from '../output';
import type { GlobalOptions } from '../global-options';

const P_DECIMALS = 4;
const PERCENT = 100;

interface CompareCommandOptions {
  metric: string[];
  generator?: string[];
  alpha: number;
  json: boolean;
  /** true for `--report` alone (the default folder), a folder for `--report DIR`. */
  report?: string | boolean;
}

function formatP(p: number | null): string {
  if (p === null) return '-';
  return p < 10 ** -P_DECIMALS ? p.toExponential(2) : p.toFixed(P_DECIMALS);
}

function formatInterval(value: number | null, interval: [number, number] | null, scale = 1, suffix = ''): string {
  if (value === null) return '-';
  const v = `${formatNumber(value * scale)}${suffix}`;
  return interval ? `${v} [${formatNumber(interval[0] * scale)}, ${formatNumber(interval[1] * scale)}]` : v;
}

const RATE_DECIMALS = 1;

function formatRate(rate: number | null): string {
  return rate === null ? '-' : `${(rate * PERCENT).toFixed(RATE_DECIMALS)}%`;
}

/** Rows of the answer-format table: one per figure, A and B side by side. */
export function answerFormatRows(a: AnswerFormatSide, b: AnswerFormatSide): string[][] {
  const row = (label: string, value: (s: AnswerFormatSide) => string): string[] => [label, value(a), value(b)];
  return [
    row('strict format', (s) => formatRate(s.strictRate)),
    row('usable answers', (s) => formatRate(s.usableRate)),
    row('syntax valid', (s) => formatRate(s.syntaxValidRate)),
    row('items', (s) => String(s.items)),
    row('errors', (s) => String(s.errors)),
    row('not attempted', (s) => String(s.notAttempted)),
  ];
}

function printComparison(c: RunComparison): void {
  const pairedNote = c.paired
    ? `paired on the questions both sides scored (dataset ${c.runA.dataset})`
    : 'unpaired (different datasets or no common questions)';
  process.stdout.write(
    `A = ${c.runA.runId} ${c.generatorA}\nB = ${c.runB.runId} ${c.generatorB}\n${pairedNote}; differences are B - A; ` +
      `${Math.round((1 - c.alpha) * PERCENT)}% intervals; p adjusted (Holm) across ${c.comparisons.length} metric(s)\n`,
  );
  process.stdout.write(
    renderTable(
      ['metric', 'n A/B', 'mean A', 'mean B', 'B - A [CI]', 'lift % [CI]', 'test', 'p', 'adj. p', 'effect size', 'verdict', 'n for 80% power'],
      c.comparisons.map((m) => [
        m.label, `${m.nA}/${m.nB}`, formatNumber(m.meanA), formatNumber(m.meanB), formatInterval(m.difference, m.differenceInterval),
        formatInterval(m.relativeLift, m.liftInterval, PERCENT), m.test, formatP(m.pValue), formatP(m.adjustedPValue),
        m.effectSize === null ? '-' : `${m.effectSizeName} ${formatNumber(m.effectSize)}`, m.verdict,
        m.itemsFor80Power === null ? '-' : String(m.itemsFor80Power),
      ]),
    ) + '\n',
  );
  for (const m of c.comparisons) process.stdout.write(`${m.label}: ${m.sentence}\n`);
  process.stdout.write(
    '\nAnswer format (descriptive, not tested): strict = answers read by the declared schema; usable = items with a valid query; ' +
      'syntax valid = generated queries that parse\n',
  );
  process.stdout.write(renderTable(['', `A ${c.generatorA}`, `B ${c.generatorB}`], answerFormatRows(c.answerFormat.a, c.answerFormat.b)) + '\n');
}

export function compareCommand(globals: () => GlobalOptions): Command {
  return new Command('compare')
    .description('compare two runs metric by metric with paired tests when the items are paired')
    .argument('<runA>', 'the baseline run (A)')
    .argument('<runB>', 'the run compared with it (B)')
    .option('--metric <list>', `comma-separated metrics: ndcg@K, recall@K, p@K, map, mrr, latency, docs (default ${DEFAULT_COMPARE_METRICS.join(',')})`, commaList, [...DEFAULT_COMPARE_METRICS])
    .option('--generator <names>', 'generator in both runs, or A_GENERATOR,B_GENERATOR', commaList)
    .option('--alpha <alpha>', 'significance level', finiteNumber('--alpha'), 0.05)
    .option('--json', 'print the comparison as JSON', false)
    .option('--report [dir]', 'also write the HTML A/B report into DIR (default: reports/ in the project folder) and print its path')
    .action(async (runA: string, runB: string, options: CompareCommandOptions) => {
      const generators = options.generator;
      const pair: [string, string] | undefined =
        generators && generators.length > 0 ? [generators[0] as string, (generators[1] ?? generators[0]) as string] : undefined;
      const outDir = options.report === undefined || options.report === false ? undefined : typeof options.report === 'string' ? options.report : defaultOutDir();
      const { comparison, report } = await withStore({ dbPath: globals().db, readOnly: true }, async (store) => {
        const result = await compareRuns(store, runA, runB, { metrics: options.metric, alpha: options.alpha, ...(pair ? { generators: pair } : {}) });
        if (outDir === undefined) return { comparison: result, report: undefined };
        const file = await renderAbReport(result, outDir);
        await refreshIndexPage(store, path.dirname(file));
        return { comparison: result, report: file };
      });
      if (options.json) printJson(report === undefined ? comparison : { ...comparison, report });
      else {
        printComparison(comparison);
        if (report !== undefined) process.stdout.write(`report: ${report}\n`);
      }
    });
}
