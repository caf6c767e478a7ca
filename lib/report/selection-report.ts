/**
 * The selection report (reports/selection.html): for a live `selectModel` result (the
 * `benchlab select --report` path), the pick and the runner-up, the reason sentence, the
 * constraints, every benchmark of the category with each side's published score, setting and
 * source, the coverage and settings flags, and every candidate with why it was set aside; then,
 * from the store, the selection log: models chosen per category (models_per_category), scores
 * per category (performance_by_category), primary against secondary categories
 * (multi_category_effectiveness) and the newest logged selections with their reasons. Model
 * names, settings and reasons are data and are escaped like everything else.
 */
import type { BenchmarkContribution } from '../scoring/category-score';
import type { CandidateBreakdown, Selection } from '../scoring/select-model';
import { formatGb } from '../scoring/sizes';
import { chartFigure, chartScripts, renderChart, type Chart, type ChartSpec } from './chart';
import { formatCount, formatMetric, formatMs, formatRate, formatTime } from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import { standardNav, type ReportContext, SELECTION_REPORT_FILE } from './report-files';
import {
  benchmarkBreakdownSpec, candidatePoints, candidateScoresSpec, candidateStatus, categoryPerformanceSpec, primaryVsSecondarySpec, selectionsPerCategorySpec,
} from './selection-charts';
import { MAX_RECENT_SELECTIONS, type SelectionLogData } from '../scoring/selection-data';
import { MISSING, renderTable } from './table';

export { SELECTION_REPORT_FILE };

const SCORE_DECIMALS = 1;
const CONFIDENCE_DECIMALS = 2;
const WEIGHT_DECIMALS = 2;

const score = (x: number | null | undefined) => formatMetric(x, SCORE_DECIMALS);
const confidence = (x: number | null | undefined) => formatMetric(x, CONFIDENCE_DECIMALS);

/** The constraints as the command line writes them, e.g. "--max-vram 8.00 GB, --license apache-2.0". */
export function describeConstraints(constraints: Readonly<Record<string, unknown>>): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(',') : String(v));
  const parts: string[] = [];
  for (const [key, value] of Object.entries(constraints)) {
    if (value === undefined || value === null) continue;
    if (key === 'maxVramBytes' && typeof value === 'number') parts.push(`--max-vram ${formatGb(value)}`);
    else if (key === 'minContext') parts.push(`--min-context ${String(value)}`);
    else if (key === 'licenses') parts.push(`--license ${list(value)}`);
    else if (key === 'include') parts.push(`--include ${list(value)}`);
    else if (key === 'exclude') parts.push(`--exclude ${list(value)}`);
    else if (key === 'gpuAware') {
      if (value === true) parts.push('--gpu-aware');
    } else parts.push(`${key} ${list(value)}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function settingText(u: BenchmarkContribution | undefined): string {
  if (!u) return MISSING;
  return `${u.variant}, ${u.prompting ?? 'setting not stated'} (${u.setting})`;
}

function coverageText(c: CandidateBreakdown): string {
  return `${formatRate(c.benchmark.coverage)} of the category's weight${c.benchmark.missing.length > 0 ? `; no score for ${c.benchmark.missing.join(', ')}` : ''}`;
}

type Figure = (id: string, spec: ChartSpec, caption: string) => Promise<SafeHtml>;

function pickFindings(s: Selection): SafeHtml {
  const c = s.breakdown;
  const runner = s.runnerUp;
  const lines: (string | SafeHtml)[] = [
    html`Pick: <strong>${s.model}</strong> for ${s.category}, final score ${score(s.finalScore)} = confidence ${confidence(c.confidence)} (${c.role}) × ${c.local && c.local.weight > 0 ? 'blended' : 'benchmark'} score ${score(c.blendedScore)}; coverage ${formatRate(c.benchmark.coverage)}.`,
    runner
      ? `Runner-up: ${runner.model}, final score ${score(runner.finalScore)} (${runner.role}, confidence ${confidence(runner.confidence)}); the pick leads by ${score(s.finalScore - (runner.finalScore ?? 0))} points${s.preferredLoaded ? ', but the runner-up scores higher and the pick was preferred because it is already loaded' : ''}.`
      : 'No runner-up: no other candidate met every constraint.',
    html`Reason: ${s.reason}`,
  ];
  return html`<div class="findings"><strong>Selection</strong><ul>${lines.map((l) => html`<li>${l}</li>`)}</ul></div>`;
}

function selectionFacts(s: Selection): SafeHtml {
  const weights = Object.entries(s.weights).map(([b, w]) => `${b} ${w.toFixed(WEIGHT_DECIMALS)}`).join(', ');
  const c = s.breakdown;
  const facts: [string, string][] = [
    ['category', s.category],
    ['constraints', describeConstraints({ ...s.constraints, gpuAware: s.gpuAware })],
    ['benchmark weights', weights || MISSING],
    ['GPU memory', `${formatGb(c.memory.bytes)} (${c.memory.basis})${c.contextTokens === null ? '' : `; context ${formatCount(c.contextTokens)} tokens`}; license ${c.license}`],
    ['GPU', s.gpu ? `${s.gpu.name ?? 'GPU'} ${s.gpu.uuid} on ${s.gpu.host}, ${formatGb(s.gpu.freeBytes)} free` : s.gpuAware ? (s.gpuChecked ? 'no GPU chosen' : 'GPU memory not checked') : 'not GPU-aware'],
    ['selected', `${formatTime(s.selectedAt)} in ${formatMs(s.durationMs)} ms`],
  ];
  return html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

interface BreakdownRow {
  benchmark: string;
  weight: number;
  pick: BenchmarkContribution | undefined;
  runnerUp: BenchmarkContribution | undefined;
  differs: string | null;
}

function breakdownTable(s: Selection): SafeHtml {
  const runner = s.runnerUp;
  const rows: BreakdownRow[] = Object.entries(s.weights)
    .filter(([, w]) => w > 0)
    .map(([benchmark, weight]) => {
      const diff = s.comparability.find((d) => d.benchmark === benchmark);
      return {
        benchmark, weight,
        pick: s.breakdown.benchmark.used.find((u) => u.benchmark === benchmark),
        runnerUp: runner?.benchmark.used.find((u) => u.benchmark === benchmark),
        differs: diff ? `${diff.a} vs ${diff.b}` : null,
      };
    });
  const table = renderTable({
    caption: `Score breakdown per benchmark: ${s.model}${runner ? ` against the runner-up ${runner.model}` : ''}`,
    rows,
    columns: [
      { header: 'benchmark', cell: (r) => r.benchmark },
      { header: 'weight', numeric: true, cell: (r) => r.weight.toFixed(WEIGHT_DECIMALS) },
      { header: `${s.model}`, numeric: true, title: 'published score (0–100)', cell: (r) => (r.pick ? score(r.pick.value) : 'no data') },
      { header: 'setting', cell: (r) => settingText(r.pick) },
      { header: 'evaluator / source', cell: (r) => (r.pick ? `${r.pick.evaluator}, ${r.pick.source}` : MISSING) },
      ...(runner
        ? [
            { header: `${runner.model}`, numeric: true, title: 'published score (0–100)', cell: (r: BreakdownRow) => (r.runnerUp ? score(r.runnerUp.value) : 'no data') },
            { header: 'setting', cell: (r: BreakdownRow) => settingText(r.runnerUp) },
            { header: 'evaluator / source', cell: (r: BreakdownRow) => (r.runnerUp ? `${r.runnerUp.evaluator}, ${r.runnerUp.source}` : MISSING) },
          ]
        : []),
      {
        header: 'variant and prompting', title: 'whether both scores come from the same checkpoint variant and stated prompting setting (other details of the setting may still differ)',
        cell: (r) => (r.differs ? `differ: ${r.differs}` : r.pick && r.runnerUp ? 'same' : MISSING), className: (r) => (r.differs ? 'error' : undefined),
      },
    ],
  });
  const coverage = [
    `${s.model}: benchmark score ${score(s.breakdown.benchmark.score)}, coverage ${coverageText(s.breakdown)}.`,
    ...(runner ? [`${runner.model}: benchmark score ${score(runner.benchmark.score)}, coverage ${coverageText(runner)}.`] : []),
  ];
  return html`${table}<p class="note">${coverage.join(' ')} The benchmark score is the weighted mean over the benchmarks a model has, renormalised over those; coverage is the share of the category's weight that had data.</p>`;
}

function flags(s: Selection): SafeHtml {
  const c = s.breakdown;
  const lines: string[] = [];
  for (const side of [c, ...(s.runnerUp ? [s.runnerUp] : [])]) {
    const b = side.benchmark;
    if (b.coverage < 1 && b.score !== null) {
      lines.push(`${side.model}'s benchmark score rests on ${formatRate(b.coverage)} of the category's weight (${b.used.map((u) => u.benchmark).join(', ')}); it has no published score for ${b.missing.join(', ')}.`);
    }
    if (b.settings.summary) lines.push(`${side.model}'s scores ${b.settings.summary}: they are not strictly comparable with each other.`);
    if (b.settings.notStated.length > 0) {
      lines.push(`The source does not state the prompting setting of ${side.model}'s ${b.settings.notStated.join(', ')}, so its comparability cannot be checked there.`);
    }
  }
  for (const d of s.comparability) lines.push(`${d.benchmark}: ${s.model} was measured as ${d.a}, ${s.runnerUp?.model ?? 'the runner-up'} as ${d.b}.`);
  if (c.local) {
    lines.push(`Local evidence: ${c.local.measure} ${formatMetric(c.local.mean)} over ${formatCount(c.local.items)} items in ${formatCount(c.local.runs)} run(s) (score ${score(c.local.score)}), blended at weight ${confidence(c.local.weight)}.`);
  }
  if (s.preferredLoaded) lines.push(`${s.model} is already loaded and was preferred over a better model that would need a load.`);
  for (const note of s.gpuNotes) lines.push(`GPU: ${note}`);
  if (lines.length === 0) lines.push('No flags: full coverage, every score\'s setting is stated and consistent, and the pick and the runner-up were measured in the same settings.');
  return html`<h3>Coverage, settings and comparability flags</h3><ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>`;
}

function candidatesTable(s: Selection): SafeHtml {
  return renderTable({
    caption: `Every candidate for ${s.category} (eligible ones by rank, then those set aside)`,
    rows: s.candidates,
    columns: [
      { header: 'rank', numeric: true, cell: (c) => c.rank },
      { header: 'model', cell: (c) => c.model, className: () => 'nowrap' },
      { header: 'status', cell: (c) => candidateStatus(c, s), className: () => 'nowrap' },
      { header: 'role', cell: (c) => c.role },
      { header: 'confidence', numeric: true, cell: (c) => confidence(c.confidence) },
      { header: 'benchmark score', numeric: true, cell: (c) => (c.benchmark.score === null ? 'unknown' : score(c.benchmark.score)) },
      { header: 'coverage', numeric: true, cell: (c) => formatRate(c.benchmark.coverage) },
      { header: 'local (items)', numeric: true, cell: (c) => (c.local ? `${score(c.local.score)} (${formatCount(c.local.items)})` : MISSING) },
      { header: 'final score', numeric: true, cell: (c) => score(c.finalScore) },
      { header: 'GPU memory', numeric: true, cell: (c) => `${formatGb(c.memory.bytes)}${c.memory.basis === 'estimated from parameters' ? ' (est.)' : ''}` },
      { header: 'context', numeric: true, cell: (c) => formatCount(c.contextTokens) },
      { header: 'license', cell: (c) => c.license },
      {
        header: 'mixed settings', title: 'whether the model\'s scores in this category mix checkpoints or prompting settings (hover for which)',
        cell: (c) => (c.benchmark.settings.summary ? html`<span title="${c.benchmark.settings.summary}">yes</span>` : 'no'),
      },
      { header: 'set aside by', wide: true, cell: (c) => c.eliminatedBy.map((e) => `${e.label}: ${e.detail}`).join('; '), className: (c) => (c.eliminatedBy.length > 0 ? 'error' : undefined) },
    ],
  });
}

async function liveSection(s: Selection, figure: Figure): Promise<SafeHtml> {
  const points = candidatePoints(s);
  const scatter = points.length > 0
    ? await figure('candidates', candidateScoresSpec(s), `Each point is a candidate with a score; candidates with no score in ${s.category} are only in the table. Shape: the category's role for the model (confidence: single > primary > secondary).`)
    : html``;
  const breakdown = s.breakdown.benchmark.used.length > 0 || (s.runnerUp?.benchmark.used.length ?? 0) > 0
    ? await figure('breakdown', benchmarkBreakdownSpec(s), 'Published scores as the registry records them, before weighting and before the role confidence.')
    : html``;
  return html`<section id="selection"><h2>Selection for ${s.category}</h2>
${pickFindings(s)}
${selectionFacts(s)}
${breakdown}
${breakdownTable(s)}
${flags(s)}
${scatter}
${candidatesTable(s)}
</section>`;
}

function recentTable(data: SelectionLogData): SafeHtml {
  return renderTable({
    caption: `Logged selections (newest first${data.total > data.recent.length ? `; ${formatCount(data.recent.length)} of ${formatCount(data.total)}` : ''})`,
    rows: data.recent,
    empty: 'No selections logged yet: run benchlab select --category NAME.',
    columns: [
      { header: 'selected', cell: (r) => formatTime(r.selectedAt), className: () => 'nowrap' },
      { header: 'category', cell: (r) => r.category },
      { header: 'model', cell: (r) => r.model, className: () => 'nowrap' },
      { header: 'primary?', cell: (r) => (r.isPrimaryCategory ? 'yes' : 'no') },
      { header: 'confidence', numeric: true, cell: (r) => confidence(r.confidence) },
      { header: 'final score', numeric: true, cell: (r) => score(r.finalScore) },
      { header: 'coverage', numeric: true, cell: (r) => formatRate(r.coverage) },
      { header: 'runner-up', cell: (r) => (r.runnerUp ? `${r.runnerUp.model} (${score(r.runnerUp.finalScore)})` : MISSING) },
      { header: 'constraints', wide: true, cell: (r) => describeConstraints(r.constraints) },
      { header: 'GPU', cell: (r) => r.gpuUuid },
      { header: 'ms', numeric: true, cell: (r) => formatMs(r.durationMs) },
    ],
  });
}

/** The reasons of the newest selections, in the table's order (too long for a table cell). */
function reasonList(data: SelectionLogData): SafeHtml {
  if (data.recent.length === 0) return html``;
  return html`<h3>Their reasons</h3><ol>${data.recent.map((r) => html`<li><strong>${formatTime(r.selectedAt)}, ${r.category} → ${r.model}</strong>: ${r.reason}</li>`)}</ol>`;
}

function missingViewNote(data: SelectionLogData, view: string): SafeHtml | null {
  return data.missingViews.includes(view)
    ? html`<p class="note">This database has no view <code>${view}</code> (its schema predates it); open it once with a current benchlab to migrate.</p>`
    : null;
}

async function logSection(data: SelectionLogData, figure: Figure): Promise<SafeHtml> {
  if (data.total === 0) {
    return html`<section id="log"><h2>Selection log</h2><p class="note">No selections logged yet. Every <code>benchlab select</code> logs its choice to model_selections; this section then shows the models chosen per category, their scores and the reasons.</p></section>`;
  }
  const perCategory = missingViewNote(data, 'models_per_category') ?? html`${data.perCategory.length > 0 ? await figure('per-category', selectionsPerCategorySpec(data.perCategory), 'From the view models_per_category: how often each model was chosen for each category.') : ''}
${renderTable({
    caption: 'Models chosen per category (models_per_category)',
    rows: data.perCategory,
    columns: [
      { header: 'category', cell: (r) => r.category },
      { header: 'model', cell: (r) => r.model, className: () => 'nowrap' },
      { header: 'selections', numeric: true, cell: (r) => formatCount(r.selections) },
      { header: 'primary?', cell: (r) => (r.isPrimaryCategory ? 'yes' : 'no') },
      { header: 'mean confidence', numeric: true, cell: (r) => confidence(r.meanConfidence) },
      { header: 'mean final score', numeric: true, cell: (r) => score(r.meanFinalScore) },
      { header: 'first', cell: (r) => formatTime(r.firstSelectedAt), className: () => 'nowrap' },
      { header: 'last', cell: (r) => formatTime(r.lastSelectedAt), className: () => 'nowrap' },
    ],
  })}`;
  const performance = missingViewNote(data, 'performance_by_category') ?? html`${data.performance.length > 0 ? await figure('performance', categoryPerformanceSpec(data.performance), 'From the view performance_by_category. The gap between the tick and the point is the role confidence: a model chosen outside its primary category is discounted.') : ''}
${renderTable({
    caption: 'Performance by category (performance_by_category)',
    rows: data.performance,
    columns: [
      { header: 'category', cell: (r) => r.category },
      { header: 'selections', numeric: true, cell: (r) => formatCount(r.selections) },
      { header: 'models', numeric: true, cell: (r) => formatCount(r.models) },
      { header: 'mean final', numeric: true, cell: (r) => score(r.meanFinalScore) },
      { header: 'min – max', numeric: true, cell: (r) => `${score(r.minFinalScore)} – ${score(r.maxFinalScore)}` },
      { header: 'mean confidence', numeric: true, cell: (r) => confidence(r.meanConfidence) },
      { header: 'mean benchmark', numeric: true, cell: (r) => score(r.meanBenchmarkScore) },
      { header: 'mean coverage', numeric: true, cell: (r) => formatRate(r.meanCoverage) },
      { header: 'mean local', numeric: true, cell: (r) => score(r.meanLocalScore) },
      { header: 'local items', numeric: true, cell: (r) => formatCount(r.localItems) },
      { header: 'GPU placed', numeric: true, cell: (r) => formatRate(r.gpuPlacedShare) },
      { header: 'already loaded', numeric: true, cell: (r) => formatRate(r.alreadyLoadedShare) },
      { header: 'mean ms', numeric: true, cell: (r) => formatMs(r.meanDurationMs) },
      { header: 'max ms', numeric: true, cell: (r) => formatMs(r.maxDurationMs) },
    ],
  })}`;
  const withBoth = data.multiCategory.some((r) => r.meanFinalScorePrimary !== null || r.meanFinalScoreSecondary !== null);
  const multi = missingViewNote(data, 'multi_category_effectiveness') ?? html`${withBoth ? await figure('primary-secondary', primaryVsSecondarySpec(data.multiCategory), 'From the view multi_category_effectiveness: a model chosen for several categories, scored where it is a specialist against where it is a generalist.') : ''}
${renderTable({
    caption: 'Multi-category effectiveness (multi_category_effectiveness)',
    rows: data.multiCategory,
    columns: [
      { header: 'model', cell: (r) => r.model, className: () => 'nowrap' },
      { header: 'categories', numeric: true, cell: (r) => formatCount(r.categoriesServed) },
      { header: 'served', cell: (r) => r.categories.join(', ') },
      { header: 'selections', numeric: true, cell: (r) => formatCount(r.selections) },
      { header: 'primary / secondary', numeric: true, cell: (r) => `${formatCount(r.primarySelections)} / ${formatCount(r.secondarySelections)}` },
      { header: 'mean confidence', numeric: true, cell: (r) => confidence(r.meanConfidence) },
      { header: 'mean final', numeric: true, cell: (r) => score(r.meanFinalScore) },
      { header: 'mean final, primary', numeric: true, cell: (r) => score(r.meanFinalScorePrimary) },
      { header: 'mean final, secondary', numeric: true, cell: (r) => score(r.meanFinalScoreSecondary) },
    ],
  })}`;
  return html`<section id="log"><h2>Selection log</h2>
<p class="note">${formatCount(data.total)} selection(s) logged in model_selections. The views below aggregate all of them; the table at the end lists the newest ${formatCount(MAX_RECENT_SELECTIONS)}.</p>
<h3>Models used per category</h3>
${perCategory}
<h3>Performance by category</h3>
${performance}
<h3>Multi-category effectiveness</h3>
${multi}
<h3>Newest selections</h3>
${recentTable(data)}
${reasonList(data)}
</section>`;
}

/** The whole page from the log data and, optionally, a live selection. */
export async function renderSelectionReportPage(data: SelectionLogData, selection: Selection | undefined, context: ReportContext): Promise<string> {
  const charts: Chart[] = [];
  const figure: Figure = async (id, spec, caption) => {
    const chart = await renderChart(id, spec);
    charts.push(chart);
    return chartFigure(chart, caption);
  };
  const live = selection ? await liveSection(selection, figure) : html``;
  const log = await logSection(data, figure);
  return renderPage({
    title: selection ? `Model selection: ${selection.model} for ${selection.category}` : 'Model selections',
    subtitle: `${formatCount(data.total)} selection(s) logged${selection ? ` · this selection made ${formatTime(selection.selectedAt)}` : ''}`,
    nav: standardNav(),
    body: html`${live}${log}`,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
