/**
 * The A/B report of a RunComparison (`benchlab compare A B --report`): what is compared (runs,
 * generators, paired or not, alpha, Holm adjustment, cold starts left out of latency), the
 * verdict sentences, a forest plot of each metric's estimate of B − A (the location estimate of
 * the test used) and of its relative lift with their intervals, the table of n, means, estimate,
 * mean difference, lift, test, p, adjusted p, questions won, tied and lost, effect size, verdict
 * and the items needed for 80% power, each side's answer format (strict %, usable %,
 * syntax-valid %, descriptive), and, for paired comparisons, every question's difference per
 * metric. Which direction is better comes from compare/orientation.ts. It is
 * written as reports/ab-<runA>-vs-<runB>.html with the report building blocks (page shell,
 * static SVG charts made interactive by assets/, escaped tables); the index page lists it the
 * next time it is rendered (`refreshIndexPage`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AnswerFormatSide, MetricComparison, RunComparison, Verdict } from '../compare/compare-runs';
import { directionPhrase, favouredWords } from '../compare/orientation';
import type { RunInfo } from '../runs/run-items';
import { formatNumber } from '../stats/format-sentence';
import { differenceForestSpec, directedLabel, itemDifferenceSpec, liftForestSpec, sortedItemDifferences, VERDICT_COLORS, type ItemDifference } from './ab-charts';
import { copyAssets } from './assets';
import { chartFigure, chartScripts, renderChart, type Chart, type ChartSpec } from './chart';
import { formatCount, formatRate, formatTime } from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import { reportContext, runReportFileName, standardNav, writePage, type ReportContext } from './report-files';
import { safeFilePart } from './safe-file-name';
import { MISSING, renderTable } from './table';

const FILE_PREFIX = 'ab-';
const HTML_EXTENSION = '.html';
const PERCENT = 100;
const LIFT_DECIMALS = 1;
const LEVEL_DECIMALS = 1;
/** Below this a p-value prints as "< 0.0001". */
const P_FLOOR = 1e-4;
const P_DIGITS = 2;
/** Per-question rows shown per metric; every pair is in the chart's data and in the database. */
export const MAX_ITEM_ROWS = 500;

/** The report's file name, e.g. ab-r20261121-101512-3fa9c2-vs-r20261122-090000-1b2c3d.html. */
export function abReportFileName(runIdA: string, runIdB: string): string {
  return `${FILE_PREFIX}${safeFilePart(runIdA)}-vs-${safeFilePart(runIdB)}${HTML_EXTENSION}`;
}

const num = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? MISSING : formatNumber(x));
const signed = (x: number | null): string => (x === null ? MISSING : `${x > 0 ? '+' : ''}${formatNumber(x)}`);

function formatP(p: number | null): string {
  if (p === null) return MISSING;
  return p < P_FLOOR ? `< ${P_FLOOR}` : formatNumber(p, P_DIGITS);
}

/** "p = 0.019", "p < 0.0001", for sentences. */
function pPhrase(name: string, p: number | null): string {
  if (p === null) return `${name} ${MISSING}`;
  return p < P_FLOOR ? `${name} < ${P_FLOOR}` : `${name} = ${formatNumber(p, P_DIGITS)}`;
}

function formatInterval(interval: [number, number] | null, scale = 1, suffix = ''): string {
  if (!interval) return '';
  return `[${formatNumber(interval[0] * scale)}${suffix}, ${formatNumber(interval[1] * scale)}${suffix}]`;
}

function formatLiftValue(c: MetricComparison): string {
  if (c.relativeLift === null) return MISSING;
  const lift = c.relativeLift * PERCENT;
  return `${lift > 0 ? '+' : ''}${lift.toFixed(LIFT_DECIMALS)}%`;
}

function formatLift(c: MetricComparison): string {
  return c.relativeLift !== null && c.liftInterval ? `${formatLiftValue(c)} ${formatInterval(c.liftInterval, PERCENT, '%')}` : formatLiftValue(c);
}

/** A table cell: the value, with its interval on a second, smaller line. */
function withInterval(value: string, interval: string): SafeHtml {
  return interval ? html`${value}<br><small>${interval}</small>` : html`${value}`;
}

function verdictBadge(verdict: Verdict): SafeHtml {
  return html`<strong style="color: ${VERDICT_COLORS[verdict]}">${verdict}</strong>`;
}

/** The confidence level in percent, e.g. 95 for α = 0.05 (99.9 for α = 0.001). */
function levelPercent(comparison: RunComparison): number {
  return Number(((1 - comparison.alpha) * PERCENT).toFixed(LEVEL_DECIMALS));
}

function sideLabel(run: RunInfo, generator: string): string {
  return `${generator} in run ${run.runId}`;
}

/** Names joined as "a", "a and b", "a, b and c". */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** The overall verdict in one sentence: where B is better, worse, higher, lower, indistinguishable, identical, or untestable. */
export function headlineVerdict(comparison: RunComparison): string {
  const by = (verdict: Verdict) => comparison.comparisons.filter((c) => c.verdict === verdict).map((c) => c.label);
  const same = by('no significant difference');
  const identical = by('no difference');
  const untestable = by('not testable');
  const alpha = `α = ${comparison.alpha}, Holm-adjusted across ${comparison.comparisons.length} metric(s)`;
  const parts: string[] = [];
  for (const [verdict, words] of [['B better', 'better than'], ['B worse', 'worse than'], ['B higher', 'higher than'], ['B lower', 'lower than']] as const) {
    const labels = by(verdict);
    if (labels.length > 0) parts.push(`${words} A on ${joinNames(labels)}`);
  }
  const head = parts.length > 0
    ? `B is ${parts.join(' and ')} (${alpha})`
    : identical.length > 0 && same.length === 0
      ? `B and A are identical on ${joinNames(identical)} (${alpha})`
      : `B and A show no significant difference on any metric (${alpha})`;
  const rest = [
    parts.length > 0 && same.length > 0 ? `no significant difference on ${joinNames(same)}` : null,
    (parts.length > 0 || same.length > 0) && identical.length > 0 ? `no difference (identical values) on ${joinNames(identical)}` : null,
    untestable.length > 0 ? `not testable on ${joinNames(untestable)}` : null,
  ].filter((p): p is string => p !== null);
  return `${head}${rest.length > 0 ? `; ${rest.join('; ')}` : ''}.`;
}

/** The estimate's name in a verdict sentence: "B − A", or "B − A (Hodges-Lehmann)". */
function estimateName(c: MetricComparison): string {
  return c.location.name === 'mean difference' ? 'B − A' : 'B − A (Hodges-Lehmann)';
}

/** One metric's verdict with the numbers behind it: the test's location estimate, its interval, the lift, the test and the adjusted p. */
export function metricVerdictSentence(c: MetricComparison, alpha: number): string {
  if (c.verdict === 'not testable') return `${c.label}: not testable. ${c.sentence}`;
  if (c.verdict === 'no difference') return `${c.label} (${directionPhrase(c.better)}): B and A have the same value on every ${c.paired ? 'question' : 'item'}, so no difference.`;
  const direction = directionPhrase(c.better);
  const interval = c.location.interval ? ` ${formatInterval(c.location.interval)}` : '';
  const clipped = c.location.clipped ? ' (interval cut to the range a difference can take)' : '';
  const lift = c.relativeLift === null ? '' : ` (${formatLift(c)})`;
  const mean = c.location.name === 'mean difference' || c.difference === null ? '' : `; mean B − A = ${signed(c.difference)}`;
  let conclusion: string;
  if (c.verdict === 'no significant difference') {
    conclusion = c.adjustedPValue !== null && c.adjustedPValue < alpha ? `< α = ${alpha}, but the estimate is 0, so no difference` : `≥ α = ${alpha}, so no significant difference`;
  } else {
    conclusion = `< α = ${alpha}, so B is ${c.verdict.replace(/^B /, '')}`;
  }
  let power = '';
  if (c.verdict === 'no significant difference' && c.itemsFor80Power !== null) {
    const have = Math.min(c.nA, c.nB);
    power = c.itemsFor80Power > have
      ? ` Detecting a difference this size with 80% power would take about ${formatCount(c.itemsFor80Power)} ${c.paired ? 'questions' : 'questions per side'} (there are ${formatCount(have)}).`
      : '';
  }
  const estimate = c.location.estimate === null ? MISSING : signed(c.location.estimate);
  return `${c.label} (${direction}): ${estimateName(c)} = ${estimate}${interval}${clipped}${mean}${lift}; ${c.test} ${pPhrase('p', c.pValue)}, ` +
    `${pPhrase('Holm-adjusted p', c.adjustedPValue)} ${conclusion}.${power}`;
}

/** Each side's cold starts, in words. */
export function coldStartSentence(comparison: RunComparison): string {
  const { thresholdMs, a, b } = comparison.coldStarts;
  const side = (name: string, s: RunComparison['coldStarts']['a']): string =>
    s.coldStarts === 0 ? `${name} none` : `${name} ${formatCount(s.coldStarts)} (${formatCount(Math.round(s.loadMs))} ms of model load)`;
  return `Cold starts (a model load of ${thresholdMs} ms or more, left out of latency): ${side('A', a)}, ${side('B', b)}.`;
}

function facts(comparison: RunComparison, reportFiles: ReadonlySet<string>): SafeHtml {
  const run = (info: RunInfo, generator: string): SafeHtml => {
    const file = runReportFileName(info.runId);
    const id = reportFiles.has(file) ? html`<a href="${file}">${info.runId}</a>` : html`${info.runId}`;
    const where = [info.suite ? `suite ${info.suite}` : null, info.dataset ? `dataset ${info.dataset}` : null, info.status, `started ${formatTime(info.startedAt)}`]
      .filter((p): p is string => p !== null)
      .join(' · ');
    return html`generator <code>${generator}</code> of run ${id} (${where})`;
  };
  const tested = comparison.comparisons.filter((c) => c.adjustedPValue !== null).length;
  const pairs = Math.max(0, ...comparison.comparisons.filter((c) => c.paired).map((c) => c.nA));
  const pairing = comparison.paired
    ? `paired: both sides scored the same questions of dataset ${comparison.runA.dataset ?? MISSING} (up to ${formatCount(pairs)} pairs); repeats of a question are averaged first`
    : 'unpaired: different datasets, or fewer than two questions in common; each question is one observation per side';
  const rows: [string, string | SafeHtml][] = [
    ['A (baseline)', run(comparison.runA, comparison.generatorA)],
    ['B (compared)', run(comparison.runB, comparison.generatorB)],
    ['pairing', pairing],
    ['differences', 'B − A, in each metric\'s own unit; relative lift = (mean B − mean A) ÷ mean A'],
    ['intervals', `${levelPercent(comparison)}% (1 − α)`],
    ['significance', `α = ${comparison.alpha}; p-values Holm-adjusted across the ${tested} metric(s) that could be tested`],
    ['tests', comparison.paired
      ? 'paired t-test for quality measures (estimate: the mean difference with its t interval); Wilcoxon signed-rank for latency and counts (estimate: Hodges-Lehmann, the median of the Walsh averages of the paired differences, with its distribution-free interval); effect size Cohen\'s dz'
      : 'Welch t-test for quality measures (estimate: the mean difference with its t interval); Mann-Whitney U for latency and counts (estimate: the Hodges-Lehmann shift, the median of all differences, with its distribution-free interval); effect size Cohen\'s d'],
    ['verdict', 'the direction of the test\'s estimate, when its Holm-adjusted p < α; which direction is better is named per metric'],
    ['latency', coldStartSentence(comparison)],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function verdictBox(comparison: RunComparison): SafeHtml {
  return html`<div class="findings"><strong>Verdict</strong>
<p>${headlineVerdict(comparison)}</p>
<ul>${comparison.comparisons.map((c) => html`<li>${verdictBadge(c.verdict)} ${metricVerdictSentence(c, comparison.alpha)}</li>`)}</ul>
</div>`;
}

const tTestName = (comparison: RunComparison): string => (comparison.paired ? 'paired t-test' : 'two-sample t-test');

function effectsTable(comparison: RunComparison): SafeHtml {
  const level = `${levelPercent(comparison)}% CI`;
  return renderTable({
    caption: `Per metric (differences are B − A; ${level} in brackets; * an interval cut to the range a difference can take)`,
    rows: comparison.comparisons,
    columns: [
      { header: 'metric', cell: (c) => html`${c.label}<br><small>${directionPhrase(c.better)}</small>`, className: () => 'nowrap' },
      { header: 'n A / B', numeric: true, title: 'pairs when paired, else questions per side', cell: (c) => `${formatCount(c.nA)} / ${formatCount(c.nB)}` },
      { header: 'mean A', numeric: true, cell: (c) => num(c.meanA) },
      { header: 'mean B', numeric: true, cell: (c) => num(c.meanB) },
      {
        header: 'estimate of B − A', numeric: true, title: `the location estimate of the test used (mean difference for t-tests, Hodges-Lehmann for rank tests) with its ${level}; this decides the verdict's direction`,
        cell: (c) => withInterval(`${signed(c.location.estimate)}${c.location.name === 'mean difference' ? '' : ' (HL)'}`, `${formatInterval(c.location.interval)}${c.location.clipped ? '*' : ''}`),
      },
      { header: 'mean B − A', numeric: true, title: `mean difference with its ${level} (t-interval), descriptive`, cell: (c) => withInterval(signed(c.difference), `${formatInterval(c.differenceInterval)}${c.differenceClipped ? '*' : ''}`) },
      { header: 'lift', numeric: true, title: `relative lift of the means (B − A) ÷ A with its ${level} (delta method on the log ratio, never below −100%)`, cell: (c) => withInterval(formatLiftValue(c), formatInterval(c.liftInterval, PERCENT, '%')) },
      { header: 'test', cell: (c) => c.test },
      { header: 'statistic', numeric: true, cell: (c) => num(c.statistic) },
      { header: 'p', numeric: true, cell: (c) => formatP(c.pValue) },
      { header: 'adjusted p', numeric: true, title: 'Holm-adjusted across the metrics tested', cell: (c) => formatP(c.adjustedPValue) },
      { header: 'questions B / tie / A', numeric: true, title: 'questions on which B is better (higher), tied within 1e-9, A better (higher); paired only', cell: (c) => (c.record ? `${c.record.wins} / ${c.record.ties} / ${c.record.losses}` : MISSING) },
      { header: 'effect size', numeric: true, title: `standardized effect with its ${level}`, cell: (c) => (c.effectSize === null ? MISSING : withInterval(`${c.effectSizeName} ${formatNumber(c.effectSize)}`, formatInterval(c.effectSizeInterval))) },
      { header: 'verdict', cell: (c) => verdictBadge(c.verdict), className: () => 'nowrap' },
      {
        header: 'n for 80% power', numeric: true,
        title: `items (pairs, or per side) a ${tTestName(comparison)} needs to detect the observed standardized effect with 80% power at α = ${comparison.alpha}`,
        cell: (c) => (c.itemsFor80Power === null ? MISSING : formatCount(c.itemsFor80Power)),
      },
    ],
  });
}

interface FormatFigure {
  label: string;
  title: string;
  value: (s: AnswerFormatSide) => number | null;
}

const FORMAT_FIGURES: FormatFigure[] = [
  { label: 'strict format', title: 'share of the answers received that followed the declared JSON schema exactly (none for baselines and multi-model)', value: (s) => s.strictRate },
  { label: 'usable answers', title: 'share of all items with at least one valid query', value: (s) => s.usableRate },
  { label: 'syntax valid', title: 'share of the generated queries that parse', value: (s) => s.syntaxValidRate },
];

/** B − A of two rates in percentage points, e.g. "+12.5 pts". */
function pointsDifference(a: number | null, b: number | null): string {
  if (a === null || b === null) return MISSING;
  const points = (b - a) * PERCENT;
  return `${points > 0 ? '+' : ''}${points.toFixed(LIFT_DECIMALS)} pts`;
}

/** Each side's answer format, side by side: descriptive figures from the run summaries. */
function answerFormatTable(comparison: RunComparison): SafeHtml {
  const { a, b } = comparison.answerFormat;
  const table = renderTable({
    caption: `Answer format: A = ${a.generator} (${formatCount(a.items)} items), B = ${b.generator} (${formatCount(b.items)} items)`,
    rows: FORMAT_FIGURES,
    columns: [
      { header: 'figure', cell: (f: FormatFigure) => html`<span title="${f.title}">${f.label}</span>`, className: () => 'nowrap' },
      { header: 'A', numeric: true, cell: (f) => formatRate(f.value(a)) },
      { header: 'B', numeric: true, cell: (f) => formatRate(f.value(b)) },
      { header: 'B − A', numeric: true, title: 'difference in percentage points (descriptive, not tested)', cell: (f) => pointsDifference(f.value(a), f.value(b)) },
    ],
  });
  const counts = `Items attempted that gave no usable query: A ${formatCount(a.errors)}, B ${formatCount(b.errors)}; items not attempted (circuit open, not model errors): A ${formatCount(a.notAttempted)}, B ${formatCount(b.notAttempted)}.`;
  return html`${table}<p class="note">${counts} These figures describe each run; no test is run on them.</p>`;
}

function itemTable(c: MetricComparison, items: readonly ItemDifference[]): SafeHtml {
  const shown = items.slice(0, MAX_ITEM_ROWS);
  const table = renderTable({
    caption: `${c.label} per question (sorted as in the chart)`,
    rows: shown,
    columns: [
      { header: 'question', cell: (i) => i.questionId },
      { header: 'A', numeric: true, cell: (i) => num(i.a) },
      { header: 'B', numeric: true, cell: (i) => num(i.b) },
      { header: 'B − A', numeric: true, cell: (i) => signed(i.difference) },
      { header: 'on this question', cell: (i) => i.outcome },
    ],
  });
  const more = items.length > shown.length ? html`<p class="note">The first ${formatCount(shown.length)} of ${formatCount(items.length)} questions are listed; the chart shows all.</p>` : '';
  const win = favouredWords('B', c.better);
  const loss = favouredWords('A', c.better);
  const wins = items.filter((i) => i.outcome === win).length;
  const losses = items.filter((i) => i.outcome === loss).length;
  const ties = items.length - wins - losses;
  return html`<details><summary>${c.label}: ${win} on ${wins}, ${loss.replace(/^B /, '')} on ${losses}, tied on ${ties} of ${items.length} questions (table)</summary>${more}${table}</details>`;
}

async function perItemSection(comparison: RunComparison, figure: (id: string, spec: ChartSpec, caption: string) => Promise<SafeHtml>): Promise<SafeHtml> {
  if (!comparison.paired) {
    return html`<p class="note">The comparison is unpaired (the runs did not score the same questions), so there are no per-question differences. Each side's questions are summarized in the table above.</p>`;
  }
  const parts: SafeHtml[] = [];
  for (const [index, c] of comparison.comparisons.entries()) {
    if (!c.paired || c.perItem.length === 0) continue;
    const items = sortedItemDifferences(c);
    const colours = c.better === 'neither' ? 'blue: B higher on the question, brown: B lower' : 'green: B better on the question, red: B worse';
    const chart = await figure(
      `items-${index + 1}`,
      itemDifferenceSpec(c.label, items),
      `Each bar is one question's ${c.label} for B minus A (repeats averaged). ${directionPhrase(c.better).replace(/^./, (ch) => ch.toUpperCase())}; ${colours}, grey: tied (within 1e-9). ` +
        'Many small gains and a few large losses can cancel in the mean: the spread shows whether one question drives the result.',
    );
    parts.push(html`<h3>${directedLabel(c)}</h3>${chart}${itemTable(c, items)}`);
  }
  return parts.length > 0 ? html`${parts}` : html`<p class="note">No metric had per-question values on both sides.</p>`;
}

/** The whole page. `reportFiles` are the HTML files already in the output folder (to link run reports). */
export async function renderAbReportPage(comparison: RunComparison, context: ReportContext, reportFiles: ReadonlySet<string> = new Set()): Promise<string> {
  const charts: Chart[] = [];
  const figure = async (id: string, spec: ChartSpec, caption: string): Promise<SafeHtml> => {
    const chart = await renderChart(id, spec);
    charts.push(chart);
    return chartFigure(chart, caption);
  };
  const level = levelPercent(comparison);
  const withDifference = comparison.comparisons.filter((c) => c.location.estimate !== null);
  const forest = withDifference.length > 0
    ? await figure('forest', differenceForestSpec(withDifference, level), `Each row is one metric, on its own scale, labelled with the direction that is better: the point is the estimate of B − A of the test used (the mean difference for t-tested metrics, the Hodges-Lehmann estimate for rank-tested ones), the line its ${level}% interval, the dashed line zero. An interval that crosses zero is compatible with no difference; colour is the Holm-adjusted verdict. Metrics whose difference has no variance show a point without an interval.`)
    : html`<p class="note">No metric had values on both sides.</p>`;
  const withLift = comparison.comparisons.filter((c) => c.relativeLift !== null);
  const lift = withLift.length > 0
    ? await figure('lift', liftForestSpec(withLift, level), 'The same differences relative to A\'s mean, so metrics of different units share one axis. A lift has no value when A\'s mean is 0.')
    : html``;
  const perItem = await perItemSection(comparison, figure);
  const body = html`
${facts(comparison, reportFiles)}
${verdictBox(comparison)}
<section id="effects"><h2>Effects</h2>
${forest}
${lift}
${effectsTable(comparison)}
<p class="note">Each verdict follows its test: its direction is the sign of the test's location estimate and its significance the Holm-adjusted p. For t-tested metrics the estimate is the mean difference with its t interval; for rank-tested ones (latency, counts) it is the Hodges-Lehmann estimate: with the Wilcoxon signed-rank test the median of the Walsh averages (d<sub>i</sub> + d<sub>j</sub>)/2 of the paired differences, with the Mann-Whitney test the median of all differences; its interval inverts the rank test (exact signed-rank or U distribution up to 50 pairs or values per side without ties, otherwise the tie-corrected normal approximation), so one slow outlier cannot flip the direction. Measures bounded by [0, 1] (nDCG, recall, P, MAP, MRR, set_P, set_recall, set_F, F3) have t intervals cut to [−1, 1], the range a difference can take, marked *; Hodges-Lehmann intervals never leave it. The relative lift compares the means; its interval is the delta method on the log ratio, so it never goes below −100%. Latency leaves a cold start's model load out (${comparison.coldStarts.thresholdMs} ms or more; counted in the facts above). Cohen's dz is the mean difference over the standard deviation of the differences (paired); Cohen's d uses the pooled standard deviation (unpaired). "n for 80% power" is how many ${comparison.paired ? 'pairs' : 'questions per side'} a t-test needs to detect the observed standardized effect with 80% power at α = ${comparison.alpha}: far more than the current n means a non-significant result says little.</p>
</section>
<section id="answer-format"><h2>Answer format</h2>
${answerFormatTable(comparison)}
</section>
<section id="per-question"><h2>Per question</h2>
${perItem}
</section>
<section id="sentences"><h2>Test sentences</h2>
<ul>${comparison.comparisons.map((c) => html`<li><strong>${c.label}</strong>: ${c.sentence}</li>`)}</ul>
</section>`;
  return renderPage({
    title: comparison.generatorA === comparison.generatorB
      ? `A/B of ${comparison.generatorA}: run ${comparison.runB.runId} vs ${comparison.runA.runId}`
      : `A/B: ${sideLabel(comparison.runB, comparison.generatorB)} vs ${sideLabel(comparison.runA, comparison.generatorA)}`,
    subtitle: `B = ${comparison.runB.runId} (${comparison.generatorB}) against A = ${comparison.runA.runId} (${comparison.generatorA}) · ${comparison.paired ? 'paired' : 'unpaired'} · α = ${comparison.alpha}, Holm`,
    nav: standardNav(),
    body,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}

/**
 * Writes the A/B report into outDir (the caller resolves it: resolveOutDir, which follows --db and
 * BENCHLAB_REPORTS), with the chart scripts in outDir/assets/, and returns the file's absolute path.
 */
export async function renderAbReport(comparison: RunComparison, outDir: string): Promise<string> {
  const dir = path.resolve(outDir);
  copyAssets(dir);
  const existing = new Set(fs.readdirSync(dir));
  const page = await renderAbReportPage(comparison, await reportContext(), existing);
  return writePage(dir, abReportFileName(comparison.runA.runId, comparison.runB.runId), page);
}
