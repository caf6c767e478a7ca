/**
 * `benchlab compare RUN_A RUN_B`: per metric the better direction, n, means, the estimate of
 * B − A of the test used (mean difference or Hodges-Lehmann) with its interval, the mean
 * difference, relative lift, the test (paired when the items are), p and Holm-adjusted p,
 * questions won, tied and lost, effect size, verdict and the items needed for 80% power; each
 * side's cold starts (left out of latency); then each side's answer format (strict %, usable %,
 * syntax-valid %, descriptive, not tested); `--json` for scripts (the figures under
 * `answerFormat.a`/`.b`); `--report [DIR]` also writes the HTML A/B report (forest plots,
 * per-question differences, verdict) into DIR (default: as `benchlab report`), refreshes that folder's index
 * page, and prints the report's path.
 *
 * `benchlab compare RUN --all-generators`: every pair of the run's generators, paired by
 * question and repeat, Holm-adjusted across all pairs and metrics: the table of means with the
 * letters of the generators each one significantly beats, and per pair the estimate, p,
 * adjusted p, questions won, tied and lost, and the verdict; `--json` too.
 */
import path from 'node:path';
import { Command } from 'commander';
import { compareRuns, type AnswerFormatSide, type ColdStartSide, type MetricComparison, type RunComparison } from '../../compare/compare-runs';
import { COMPARE_METRIC_NAMES, DEFAULT_COMPARE_METRICS } from '../../compare/compare-metrics';
import { compareAllGenerators, type GeneratorPairsComparison } from '../../compare/generator-pairs';
import { InputError } from '../../input-error';
import { withStore } from '../../store/store';
import { renderAbReport } from '../../report/ab-report';
import { refreshIndexPage } from '../../publish/index-refresh';
import { REPORTS_ENV_VAR, resolveOutDir } from '../../publish/out-dir';
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
  allGenerators: boolean;
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

/** "n cold starts (m ms of model load)" or "none". */
function coldStartText(s: ColdStartSide): string {
  return s.coldStarts === 0 ? 'none' : `${s.coldStarts} (${Math.round(s.loadMs)} ms of model load)`;
}

function estimateCell(m: MetricComparison): string {
  const name = m.location.name === 'mean difference' ? '' : ' HL';
  return `${formatInterval(m.location.estimate, m.location.interval)}${m.location.clipped ? '*' : ''}${name}`;
}

/** Notes under a table: how the estimates and intervals were made. */
function methodNotes(level: number): string {
  return (
    `estimate = the location estimate of the test used, with its ${level}% interval: the mean difference (t interval) for t-tests; ` +
    'HL = Hodges-Lehmann for rank tests (Wilcoxon: median of the Walsh averages of the paired differences; Mann-Whitney: median of all differences), ' +
    'its interval inverting the rank test (exact up to 50 pairs without ties, else the tie-corrected normal approximation); ' +
    'the verdict takes its direction from the estimate. * = interval cut to [-1, 1], the range a difference of a [0, 1] measure can take. ' +
    'lift = (mean B - mean A) / mean A, interval by the delta method on the log ratio (never below -100%). ' +
    'B/tie/A = questions B is better (higher) on, tied within 1e-9, A better (higher).\n'
  );
}

function printComparison(c: RunComparison): void {
  const pairedNote = c.paired
    ? `paired on the questions both sides scored (dataset ${c.runA.dataset})`
    : 'unpaired (different datasets or no common questions)';
  const level = Math.round((1 - c.alpha) * PERCENT);
  process.stdout.write(
    `A = ${c.runA.runId} ${c.generatorA}\nB = ${c.runB.runId} ${c.generatorB}\n${pairedNote}; differences are B - A; ` +
      `${level}% intervals; p adjusted (Holm) across ${c.comparisons.length} metric(s)\n`,
  );
  process.stdout.write(
    renderTable(
      ['metric', 'better', 'n A/B', 'mean A', 'mean B', 'estimate [CI]', 'mean B - A [CI]', 'lift % [CI]', 'test', 'p', 'adj. p', 'B/tie/A', 'effect size', 'verdict', 'n for 80% power'],
      c.comparisons.map((m) => [
        m.label, m.better, `${m.nA}/${m.nB}`, formatNumber(m.meanA), formatNumber(m.meanB), estimateCell(m),
        `${formatInterval(m.difference, m.differenceInterval)}${m.differenceClipped ? '*' : ''}`,
        formatInterval(m.relativeLift, m.liftInterval, PERCENT), m.test, formatP(m.pValue), formatP(m.adjustedPValue),
        m.record ? `${m.record.wins}/${m.record.ties}/${m.record.losses}` : '-',
        m.effectSize === null ? '-' : `${m.effectSizeName} ${formatNumber(m.effectSize)}`, m.verdict,
        m.itemsFor80Power === null ? '-' : String(m.itemsFor80Power),
      ]),
    ) + '\n',
  );
  process.stdout.write(methodNotes(level));
  for (const m of c.comparisons) process.stdout.write(`${m.label}: ${m.sentence}\n`);
  process.stdout.write(
    `cold starts (model load >= ${c.coldStarts.thresholdMs} ms, left out of latency): A ${coldStartText(c.coldStarts.a)}; B ${coldStartText(c.coldStarts.b)}\n`,
  );
  process.stdout.write(
    '\nAnswer format (descriptive, not tested): strict = answers read by the declared schema; usable = items with a valid query; ' +
      'syntax valid = generated queries that parse\n',
  );
  process.stdout.write(renderTable(['', `A ${c.generatorA}`, `B ${c.generatorB}`], answerFormatRows(c.answerFormat.a, c.answerFormat.b)) + '\n');
}

/** A generator's mean with the letters of the generators it significantly beats, e.g. "0.4512 ^ac". */
export function markedMean(mean: number | null, beats: readonly string[]): string {
  return `${formatNumber(mean)}${beats.length > 0 ? ` ^${beats.join('')}` : ''}`;
}

function printPairs(c: GeneratorPairsComparison): void {
  const level = Math.round((1 - c.alpha) * PERCENT);
  process.stdout.write(
    `run ${c.run.runId}: every pair of its ${c.generators.length} generators, paired by question and repeat; differences are B - A (A first by name); ` +
      `${level}% intervals; p adjusted (Holm) across ${c.tests} tests (${c.pairs.length} pair(s) x ${c.metrics.length} metric(s))\n`,
  );
  process.stdout.write(
    renderTable(
      ['generator', ...c.metrics.map((m) => `${m.label} (${m.better})`)],
      c.generators.map((g) => [`(${g.marker}) ${g.generator}`, ...g.cells.map((cell) => markedMean(cell.mean, cell.beats))]),
    ) + '\n',
  );
  process.stdout.write(
    `^x: significantly better than generator (x) on that metric (significantly higher for a metric with no better direction): ` +
      `${c.metrics.map((m) => `${m.label} by the ${m.test}`).join(', ')}; Holm-adjusted p < ${c.alpha}. Means are over each generator's items.\n`,
  );
  process.stdout.write(
    renderTable(
      ['A vs B', 'metric', 'pairs', 'mean A', 'mean B', 'estimate [CI]', 'B/tie/A (questions)', 'p', 'adj. p', 'verdict'],
      c.pairs.flatMap((p) =>
        p.metrics.map((m) => [
          `(${p.markerA}) ${p.a} vs (${p.markerB}) ${p.b}`, m.label, String(m.pairs), formatNumber(m.meanA), formatNumber(m.meanB),
          `${formatInterval(m.location.estimate, m.location.interval)}${m.location.clipped ? '*' : ''}${m.location.name === 'mean difference' ? '' : ' HL'}`,
          `${m.record.wins}/${m.record.ties}/${m.record.losses}`, formatP(m.pValue), formatP(m.adjustedPValue), m.verdict,
        ]),
      ),
    ) + '\n',
  );
  process.stdout.write(methodNotes(level));
  const cold = c.coldStarts.generators.filter((g) => g.coldStarts > 0);
  if (cold.length > 0) {
    process.stdout.write(`cold starts (model load >= ${c.coldStarts.thresholdMs} ms, left out of latency): ${cold.map((g) => `${g.generator} ${coldStartText(g)}`).join('; ')}\n`);
  }
}

export function compareCommand(globals: () => GlobalOptions): Command {
  return new Command('compare')
    .description('compare two runs metric by metric with paired tests when the items are paired, or every pair of one run\'s generators')
    .argument('<runA>', 'the baseline run (A); with --all-generators, the run whose generators are compared')
    .argument('[runB]', 'the run compared with it (B)')
    .option('--metric <list>', `comma-separated metrics: ${COMPARE_METRIC_NAMES} (default ${DEFAULT_COMPARE_METRICS.join(',')})`, commaList, [...DEFAULT_COMPARE_METRICS])
    .option('--generator <names>', 'generator in both runs, or A_GENERATOR,B_GENERATOR', commaList)
    .option('--all-generators', 'compare every pair of generators within RUN_A (paired by question and repeat, Holm across all pairs and metrics)', false)
    .option('--alpha <alpha>', 'significance level', finiteNumber('--alpha'), 0.05)
    .option('--json', 'print the comparison as JSON', false)
    .option('--report [dir]', `also write the HTML A/B report into DIR (default: $${REPORTS_ENV_VAR}, else reports/ beside the database; the project's reports/ for the default database) and print its path`)
    .action(async (runA: string, runB: string | undefined, options: CompareCommandOptions) => {
      if (options.allGenerators) {
        if (runB !== undefined) throw new InputError('--all-generators compares the generators of one run: give one run, not two');
        if (options.generator !== undefined) throw new InputError('--all-generators compares every generator: leave out --generator');
        if (options.report !== undefined && options.report !== false) throw new InputError('--all-generators has no A/B report: the run report (benchlab report --run RUN) has the all-pairs table');
        const pairs = await withStore({ dbPath: globals().db, readOnly: true }, (store) =>
          compareAllGenerators(store, runA, { metrics: options.metric, alpha: options.alpha }));
        if (options.json) printJson(pairs);
        else printPairs(pairs);
        return;
      }
      if (runB === undefined) throw new InputError('compare needs two runs (RUN_A RUN_B), or one run with --all-generators');
      const generators = options.generator;
      const pair: [string, string] | undefined =
        generators && generators.length > 0 ? [generators[0] as string, (generators[1] ?? generators[0]) as string] : undefined;
      const outDir =
        options.report === undefined || options.report === false
          ? undefined
          : resolveOutDir(typeof options.report === 'string' ? options.report : undefined, globals().db, '--report');
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
