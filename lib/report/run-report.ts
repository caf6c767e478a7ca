/**
 * The report of one run as an HTML page. A benchmark run shows quality per generator with
 * confidence intervals, quality against latency, how well each model kept to the answer format
 * (strict compliance, usable answers, syntax-valid queries, how answers were read), the single
 * vs multi-model comparison, latency, tokens/s, errors by kind, items not attempted and cache
 * hits, the questions with their generated queries (invalid and repaired ones marked), and
 * every pair of generators compared with paired tests (means marked with the letters of the
 * generators each one significantly beats, Holm-adjusted across all pairs and measures; the data
 * comes built from compare/generator-pairs.ts through lib/runs/run-report-data.ts).
 * RAG generators get their citations, latency split and answers (rag-section.ts).
 * Model output is only ever interpolated through `html`, which escapes it as text.
 * A retrieval run shows the mean of each stored measure with its interval.
 */
import { headlineMeasures, MAP_MEASURE, PRIMARY_MEASURE } from '../evaluation/measure-registry';
import { COLD_START_MS } from '../llm/types';
import { chartFigure, chartScripts, renderChart, type Chart } from './chart';
import { CONFIDENCE_METHOD, type Interval } from '../stats/confidence-interval';
import {
  formatCiBounds, formatCount, formatDuration, formatMeanCi, formatMetric, formatMs, formatRate, formatSignedPercent, formatTime,
} from './format';
import { html, renderPage, type SafeHtml } from './html-page';
import { standardNav, type ReportContext } from './report-files';
import {
  callLatencySpec, heatmapSpec, latencyBoxSpec, measureHistogramSpec, measureMeansSpec, outcomeSpec, qualitySpec, tokenRateSpec, tradeoffSpec,
  type TradeoffPoint,
} from './run-charts';
import {
  isUnitMeasure, MAP, MAX_HEATMAP_QUESTIONS, MAX_QUERY_CHARS, MAX_QUERIES_PER_ITEM, measureLabel, NDCG10,
  type BenchRunData, type ErrorCounts, type ErrorMessage, type ItemQuery, type ItemRow, type MeasureInterval, type RetrieveReportData,
  type LatencyKind, type RunInfo,
} from '../runs/run-report-data';
import { MISSING, renderTable } from './table';
import { MULTI_MODEL_GENERATOR, type GeneratorSummary } from '../runs/bench-summary';
import type { GeneratorPair, GeneratorPairsComparison, GeneratorRow, PairMetric } from '../compare/generator-pairs';
import { directionPhrase } from '../compare/orientation';
import { formatNumber } from '../stats/format-sentence';
import { ANSWER_READINGS } from '../llm/answer-extraction';
import { ragSection } from './rag-section';


function statusBadge(status: string): SafeHtml {
  return html`<span class="status-${status}">${status}</span>`;
}

function runFacts(run: RunInfo, extra: [string, string | SafeHtml][]): SafeHtml {
  const duration = run.endedAt ? run.endedAt.getTime() - run.startedAt.getTime() : null;
  const versions = Object.entries(run.versions).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const facts: [string, string | SafeHtml | null][] = [
    ['run', run.runId],
    ['kind', run.kind],
    ['status', statusBadge(run.status)],
    ['suite', run.suite],
    ['dataset', run.dataset],
    ['started', formatTime(run.startedAt)],
    ['ended', run.endedAt ? `${formatTime(run.endedAt)} (${formatDuration(duration)})` : null],
    ['host', run.host],
    ...extra,
    ['versions', versions || null],
    ['run error', run.error],
  ];
  return html`<dl class="facts">${facts.filter(([, v]) => v !== null && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function subtitle(run: RunInfo): string {
  const parts = [run.suite ? `suite ${run.suite}` : undefined, run.dataset ? `dataset ${run.dataset}` : undefined, run.status, `started ${formatTime(run.startedAt)}`];
  return parts.filter((p) => p !== undefined).join(' · ');
}

function intervalOf(quality: MeasureInterval[], generator: string, measure: string): Interval {
  return quality.find((q) => q.generator === generator && q.measure === measure) ?? { mean: null, low: null, high: null, halfWidth: null, n: 0 };
}

function overlaps(a: Interval, b: Interval): boolean {
  if (a.low === null || a.high === null || b.low === null || b.high === null) return true;
  return a.low <= b.high && b.low <= a.high;
}

/** Plain statements a reader looks for first; each follows from the tables below. */
function findings(data: BenchReportData): SafeHtml {
  const lines: (string | SafeHtml)[] = [];
  const ranked = data.summary.generators
    .map((g) => ({ generator: g.generator, ci: intervalOf(data.quality, g.generator, NDCG10) }))
    .filter((g) => g.ci.mean !== null)
    .sort((a, b) => (b.ci.mean ?? 0) - (a.ci.mean ?? 0));
  const [best, second] = ranked;
  if (best) {
    lines.push(html`Highest nDCG@10: <strong>${best.generator}</strong> with ${formatMeanCi(best.ci)} (95% CI ${formatCiBounds(best.ci)}, n = ${best.ci.n}).`);
    if (second) {
      lines.push(
        overlaps(best.ci, second.ci)
          ? `Its interval overlaps the runner-up ${second.generator} (${formatMeanCi(second.ci)}): the difference may be noise at this sample size.`
          : `Its interval does not overlap the runner-up ${second.generator} (${formatMeanCi(second.ci)}).`,
      );
    }
  }
  const llm = data.latency.filter((l) => l.generator.startsWith('llm:')).sort((a, b) => a.median - b.median);
  const fastest = llm[0];
  if (fastest) lines.push(`Fastest LLM generator by median latency: ${fastest.generator}, ${formatMs(fastest.median)} ms per item (non-cached, n = ${fastest.n}).`);
  const strategies = data.latency.filter((l) => l.kind === 'strategy').sort((a, b) => a.median - b.median);
  if (strategies.length > 0) {
    lines.push(`Retrieval strategies by median retrieval time per question: ${strategies.map((l) => `${l.generator} ${formatMs(l.median)} ms (p95 ${formatMs(l.p95)} ms)`).join(', ')}.`);
  }
  for (const l of data.latency.filter((x) => x.kind === 'rag')) {
    lines.push(`${l.generator}: median ${formatMs(l.median)} ms per answer, retrieval included (p95 ${formatMs(l.p95)} ms, non-cached, n = ${l.n}).`);
  }
  const speed = [...data.tokenRates].sort((a, b) => (b.median ?? 0) - (a.median ?? 0))[0];
  if (speed) lines.push(`Fastest generation: ${speed.model} at a median ${formatMetric(speed.median, 1)} tokens/s.`);
  const worst = [...data.errors].sort((a, b) => b.errors / b.items - a.errors / a.items)[0];
  if (worst && worst.errors > 0) lines.push(`Most errors: ${worst.generator}, ${formatCount(worst.errors)} of ${formatCount(worst.items)} items (${formatRate(worst.errors / worst.items)}).`);
  for (const e of data.errors.filter((e) => e.notAttempted > 0)) {
    lines.push(`${e.generator}: ${formatCount(e.notAttempted)} of ${formatCount(e.items)} items not attempted (the model's circuit stayed open); they are not counted as errors and have no score.`);
  }
  for (const m of data.summary.multiModel) {
    lines.push(`Multi-model vs ${m.single}: nDCG@10 ${formatMetric(m.multiNdcg10)} vs ${formatMetric(m.singleNdcg10)}, time ${formatSignedPercent(m.overheadPercent)}.`);
  }
  for (const s of data.skippedModels) lines.push(`Skipped ${s.model}: ${s.reason}`);
  if (lines.length === 0) return html``;
  return html`<div class="findings"><strong>Findings</strong><ul>${lines.map((l) => html`<li>${l}</li>`)}</ul></div>`;
}

function overviewTable(data: BenchReportData): SafeHtml {
  const recall = `recall_${data.recallCutoff}`;
  const ci = (generator: string, measure: string) => formatMeanCi(intervalOf(data.quality, generator, measure));
  return renderTable({
    caption: `Summary per generator (quality: mean ± 95% CI half-width over items)`,
    rows: data.summary.generators,
    columns: [
      { header: 'generator', cell: (g) => g.generator, className: () => 'nowrap' },
      { header: 'items', numeric: true, cell: (g) => formatCount(g.items) },
      { header: PRIMARY_MEASURE.label, numeric: true, cell: (g) => ci(g.generator, NDCG10) },
      { header: `recall@${data.recallCutoff}`, numeric: true, cell: (g) => ci(g.generator, recall) },
      { header: MAP_MEASURE.label, numeric: true, cell: (g) => ci(g.generator, MAP) },
      { header: 'docs found', numeric: true, title: 'mean distinct documents retrieved per item', cell: (g) => formatMetric(g.docsFound, 1) },
      { header: 'p50 ms', numeric: true, title: 'median latency per item, cache hits excluded', cell: (g) => formatMs(g.latencyP50Ms) },
      { header: 'p95 ms', numeric: true, title: '95th percentile latency per item, cache hits excluded', cell: (g) => formatMs(g.latencyP95Ms) },
      { header: 'eval tokens', numeric: true, cell: (g) => formatCount(g.evalTokens) },
      { header: 'errors', numeric: true, cell: (g) => formatCount(g.errors) },
      { header: 'cache hits', numeric: true, cell: (g) => formatCount(g.cacheHits) },
    ],
  });
}

/** Known readings in the reader's order (strict first), anything else after them by name. */
function readingOrder(reading: string): number {
  const index = (ANSWER_READINGS as readonly string[]).indexOf(reading);
  return index >= 0 ? index : ANSWER_READINGS.length;
}

/** "strict 3 · variant:key-case 1 · lines 1", or null when no answer was read (baselines, fused items). */
export function formatAnswerReads(reads: Record<string, number>): string | null {
  const entries = Object.entries(reads)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => readingOrder(a) - readingOrder(b) || a.localeCompare(b));
  return entries.length === 0 ? null : entries.map(([reading, n]) => `${reading} ${formatCount(n)}`).join(' · ');
}

/** "parse 2 · timeout 1", or null when there are none. */
export function formatErrorKinds(kinds: Partial<Record<string, number>>): string | null {
  const entries = Object.entries(kinds).filter((e): e is [string, number] => (e[1] ?? 0) > 0);
  return entries.length === 0 ? null : entries.map(([kind, n]) => `${kind} ${formatCount(n)}`).join(' · ');
}

function answerFormatTable(data: BenchReportData): SafeHtml {
  return renderTable({
    caption: 'Answer format per generator',
    rows: data.summary.generators,
    columns: [
      { header: 'generator', cell: (g: GeneratorSummary) => g.generator, className: () => 'nowrap' },
      { header: 'items', numeric: true, cell: (g) => formatCount(g.items) },
      {
        header: 'strict format', numeric: true,
        title: 'share of the answers received that followed the declared JSON schema exactly (none for baselines and multi-model)',
        cell: (g) => formatRate(g.strictRate),
      },
      { header: 'usable answers', numeric: true, title: 'share of all items with at least one valid query (items not attempted included)', cell: (g) => formatRate(g.usableRate) },
      { header: 'syntax valid', numeric: true, title: 'share of the generated queries that parse (after repairs, where on)', cell: (g) => formatRate(g.syntaxValidRate) },
      { header: 'answers read as', title: 'how many answers were read each way: strict, variant:<name> (a known deviation from the schema), fenced, lines, none', cell: (g) => formatAnswerReads(g.answerReads) },
      { header: 'errors', numeric: true, title: 'items attempted that gave no usable query', cell: (g) => formatCount(g.errors) },
      { header: 'not attempted', numeric: true, title: 'items never sent because the model\'s circuit stayed open', cell: (g) => formatCount(g.notAttempted) },
    ],
  });
}

/** Set measures: each item scored on the union of its queries' matches, as a reviewer screens them. */
function setMeasuresTable(data: BenchReportData): SafeHtml {
  const names = Object.keys(data.summary.generators[0]?.setMeasures ?? {});
  const headers: Record<string, { header: string; title: string }> = {
    set_P: { header: 'set precision', title: 'trec_eval set_P: relevant retrieved / retrieved' },
    set_recall: { header: 'set recall', title: 'trec_eval set_recall: relevant retrieved / relevant' },
    set_F: { header: 'F1', title: 'trec_eval set_F: the F-measure with beta = 1' },
    set_F_9: { header: 'F3', title: 'trec_eval set_F_9: the F-measure with beta = 3 (trec_eval\'s parameter is beta squared), the systematic-review convention' },
    num_ret: { header: 'documents screened', title: 'mean size of the union of the documents the item\'s queries match' },
  };
  return renderTable({
    caption: 'Set measures per generator (means over items)',
    rows: data.summary.generators,
    columns: [
      { header: 'generator', cell: (g: GeneratorSummary) => g.generator, className: () => 'nowrap' },
      ...names.map((name) => ({
        header: headers[name]?.header ?? name,
        numeric: true,
        title: headers[name]?.title ?? name,
        cell: (g: GeneratorSummary) => {
          const v = g.setMeasures[name] ?? null;
          return v === null ? '-' : name === 'num_ret' ? v.toFixed(1) : v.toFixed(4);
        },
      })),
    ],
  });
}

function multiModelTable(data: BenchReportData): SafeHtml {
  return renderTable({
    caption: 'Single model vs multi-model fusion (per question, means)',
    rows: data.summary.multiModel,
    empty: 'No multi-model items in this run (it needs at least two available LLM models and multi_model: true).',
    columns: [
      { header: 'single model', cell: (m) => m.single },
      { header: 'nDCG@10 single', numeric: true, cell: (m) => formatMetric(m.singleNdcg10) },
      { header: 'nDCG@10 multi', numeric: true, cell: (m) => formatMetric(m.multiNdcg10) },
      { header: 'docs found single', numeric: true, cell: (m) => formatMetric(m.singleDocsFound, 1) },
      { header: 'docs found multi', numeric: true, cell: (m) => formatMetric(m.multiDocsFound, 1) },
      { header: 'time single (ms)', numeric: true, cell: (m) => formatMs(m.singleLatencyMs) },
      { header: 'time multi (ms)', numeric: true, cell: (m) => formatMs(m.multiLatencyMs) },
      { header: 'time overhead', numeric: true, title: '(multi − single) ÷ single', cell: (m) => formatSignedPercent(m.overheadPercent) },
    ],
  });
}

/** What an item's latency measures, per kind of generator (the view model says which). */
const LATENCY_MEANS: Record<LatencyKind, string> = { query: 'generate the queries', strategy: 'retrieve', rag: 'retrieve and answer' };

function latencyTable(data: BenchReportData): SafeHtml {
  return renderTable({
    // A cold start's model load is left out of the figures and counted under "cold starts".
    caption: 'Latency per item in ms (cache hits excluded)',
    rows: data.latency,
    empty: 'No non-cached items with a latency.',
    columns: [
      { header: 'generator', cell: (l) => l.generator },
      { header: 'time to', title: 'what the latency of an item of this generator measures', cell: (l) => LATENCY_MEANS[l.kind] },
      { header: 'items', numeric: true, cell: (l) => formatCount(l.n) },
      { header: 'min', numeric: true, cell: (l) => formatMs(l.min) },
      { header: 'p5', numeric: true, cell: (l) => formatMs(l.p5) },
      { header: 'p25', numeric: true, cell: (l) => formatMs(l.q1) },
      { header: 'median', numeric: true, cell: (l) => formatMs(l.median) },
      { header: 'p75', numeric: true, cell: (l) => formatMs(l.q3) },
      { header: 'p95', numeric: true, cell: (l) => formatMs(l.p95) },
      { header: 'max', numeric: true, cell: (l) => formatMs(l.max) },
      { header: 'mean', numeric: true, cell: (l) => formatMs(l.mean) },
      {
        header: 'cold starts', numeric: true, title: `items whose model load took at least ${COLD_START_MS} ms, and that load in all`,
        cell: (l) => {
          const g = data.summary.generators.find((x) => x.generator === l.generator);
          return !g || g.coldStarts === 0 ? '0' : `${formatCount(g.coldStarts)} (${formatMs(g.coldLoadMs)} load)`;
        },
      },
    ],
  });
}

function tokenTable(data: BenchReportData): SafeHtml {
  return renderTable({
    caption: 'Tokens per second per model (successful, non-cached calls)',
    rows: data.tokenRates,
    empty: 'No LLM calls with server timings in this run (only baselines ran, or every call came from the cache).',
    columns: [
      { header: 'model', cell: (r) => r.model },
      { header: 'calls', numeric: true, cell: (r) => formatCount(r.n) },
      { header: 'mean ± 95% CI', numeric: true, cell: (r) => formatMeanCi(r, 1) },
      { header: 'median', numeric: true, cell: (r) => formatMetric(r.median, 1) },
      { header: 'p5', numeric: true, cell: (r) => formatMetric(r.p5, 1) },
      { header: 'p95', numeric: true, cell: (r) => formatMetric(r.p95, 1) },
    ],
  });
}

function errorTables(data: BenchReportData): SafeHtml {
  const counts = renderTable({
    caption: 'Errors, items not attempted and cache hits per generator',
    rows: data.errors,
    columns: [
      { header: 'generator', cell: (e: ErrorCounts) => e.generator },
      { header: 'items', numeric: true, cell: (e) => formatCount(e.items) },
      { header: 'item errors', numeric: true, title: 'items attempted that gave no usable query', cell: (e) => formatCount(e.errors) },
      { header: 'error rate', numeric: true, cell: (e) => formatRate(e.items > 0 ? e.errors / e.items : null) },
      { header: 'errors by kind', title: 'timeout, server, stream, reset, connection, parse (no valid query), circuit, request, other', cell: (e) => formatErrorKinds(e.errorsByKind) },
      { header: 'not attempted', numeric: true, title: 'items never sent because the model\'s circuit stayed open; not model errors, not scored', cell: (e) => formatCount(e.notAttempted) },
      { header: 'cache hits', numeric: true, title: 'items whose every LLM call came from the response cache', cell: (e) => (e.llmItems > 0 ? formatCount(e.cacheHits) : null) },
      { header: 'cache-hit rate', numeric: true, cell: (e) => (e.llmItems > 0 ? formatRate(e.cacheHits / e.llmItems) : null) },
      { header: 'LLM calls', numeric: true, cell: (e) => formatCount(e.calls) },
      { header: 'failed calls', numeric: true, cell: (e) => formatCount(e.failedCalls) },
      { header: 'retries', numeric: true, title: 'extra attempts after transient failures', cell: (e) => formatCount(e.retries) },
    ],
  });
  const messageTable = (rows: ErrorMessage[], caption: string, empty: string, className: string): SafeHtml => renderTable({
    caption,
    rows,
    empty,
    columns: [
      { header: 'generator', cell: (e: ErrorMessage) => e.generator },
      { header: 'kind', cell: (e) => e.kind },
      { header: 'items', numeric: true, cell: (e) => formatCount(e.count) },
      { header: 'message', cell: (e) => e.message, className: () => className },
    ],
  });
  const errors = messageTable(data.errorMessages.filter((m) => m.status === 'error'), 'Most frequent item errors', 'No item errors.', 'error');
  const skipped = data.errorMessages.filter((m) => m.status === 'not-attempted');
  const notAttempted = skipped.length > 0 ? messageTable(skipped, 'Items not attempted (not model errors)', '', 'note') : html``;
  return html`${counts}${errors}${notAttempted}`;
}

/** The query text with the character at the parser's error position marked. */
function markedQuery(q: ItemQuery): SafeHtml {
  const at = q.position;
  // Past the shown text (a query cut at MAX_QUERY_CHARS, or the end of input): nothing to mark.
  if (at === null || at < 0 || at >= Math.min(q.query.length, MAX_QUERY_CHARS)) return html`${q.query}`;
  return html`${q.query.slice(0, at)}<mark class="at">${q.query.slice(at, at + 1)}</mark>${q.query.slice(at + 1)}`;
}

function queryItem(q: ItemQuery): SafeHtml {
  const repaired = q.repairs.length > 0
    ? html`<span class="tag repaired" title="repairs applied before parsing">repaired: ${q.repairs.join(', ')}</span> `
    : '';
  const original = q.original !== null ? html`<br><small class="original">model wrote: ${q.original}</small>` : '';
  if (q.valid === false) {
    const where = q.position !== null ? `at ${q.position}: ` : '';
    return html`<li class="query-invalid"><span class="tag invalid" title="this query did not parse and was not run">invalid</span> ${repaired}${markedQuery(q)}<br><small class="parse-error">${where}${q.message ?? 'does not parse'}</small>${original}</li>`;
  }
  if (q.repairs.length > 0) return html`<li class="query-repaired">${repaired}${q.query}${original}</li>`;
  return html`<li>${q.query}</li>`;
}

function queriesCell(item: ItemRow): SafeHtml {
  if (item.queries.length === 0) return html`<span class="note">(no queries)</span>`;
  return html`<ul class="queries">${item.queries.map(queryItem)}${item.moreQueries > 0 ? html`<li>… ${item.moreQueries} more</li>` : ''}</ul>`;
}

/** The item's outcome when it has no usable query: its error (with kind), or why it was not attempted. */
function outcomeCell(item: ItemRow): string {
  if (item.status === 'not-attempted') return item.error ?? 'not attempted';
  if (item.status === 'error' || (item.status === null && item.error !== null)) {
    return `${item.errorKind ? `${item.errorKind} error: ` : ''}${item.error ?? 'no usable query'}`;
  }
  return '';
}

function itemTable(data: BenchReportData): SafeHtml {
  const firstOfQuestion = (index: number) => index === 0 || data.items[index - 1]?.queryId !== data.items[index]?.queryId;
  const firstRows = new Set(data.items.filter((_item, index) => firstOfQuestion(index)));
  const repeated = data.items.some((i) => i.repeat > 0);
  const read = data.items.some((i) => i.answerRead !== null);
  const table = renderTable({
    caption: 'Generated queries per question',
    rows: data.items,
    empty: 'No items were stored for this run.',
    rowClass: (_item, index) => (firstOfQuestion(index) ? 'group-start' : undefined),
    columns: [
      { header: 'question', cell: (i) => (firstRows.has(i) ? i.queryId : '') },
      { header: 'text', cell: (i) => (firstRows.has(i) ? i.question : ''), className: () => 'question' },
      { header: 'generator', cell: (i) => i.generator },
      ...(repeated ? [{ header: 'repeat', numeric: true, cell: (i: ItemRow) => i.repeat + 1 }] : []),
      ...(read ? [{ header: 'answer read as', cell: (i: ItemRow) => i.answerRead ?? '', className: () => 'nowrap' }] : []),
      { header: 'generated queries', cell: queriesCell },
      { header: PRIMARY_MEASURE.label, numeric: true, cell: (i) => formatMetric(i.ndcg10) },
      { header: 'docs found', numeric: true, cell: (i) => formatCount(i.docsFound) },
      { header: 'error', cell: outcomeCell, className: (i) => (i.status === 'not-attempted' ? 'note' : outcomeCell(i) ? 'error' : undefined) },
    ],
  });
  const shown = data.items.length < data.itemCount
    ? html`<p class="note">Showing the first ${formatCount(data.items.length)} of ${formatCount(data.itemCount)} items (by question, repeat and generator). Every item is in the database, in the run_items table under run_id <code>${data.run.runId}</code>.</p>`
    : '';
  return html`${shown}<p class="note">Up to ${MAX_QUERIES_PER_ITEM} queries per item and ${MAX_QUERY_CHARS} characters per query are shown. Queries are model output, shown as text. <em>invalid</em>: the query did not parse and was not run (the parser's position is marked, its message below); <em>repaired</em>: the repairs named were applied before parsing, and what the model wrote is shown below. An item with one valid query is usable, whatever its other queries.</p>${table}`;
}

const P_FLOOR = 1e-4;

function formatP(p: number | null): string {
  if (p === null) return MISSING;
  return p < P_FLOOR ? `< ${P_FLOOR}` : formatNumber(p, 2);
}

/** A mean with the letters of the generators it significantly beats as a superscript. */
function markedMean(mean: number | null, beats: readonly string[]): SafeHtml {
  return beats.length > 0 ? html`${formatMetric(mean)}<sup class="beats">${beats.join('')}</sup>` : html`${formatMetric(mean)}`;
}

/** Every pair of generators: the table of means marked as IR papers mark them, its legend, and per pair the tests. */
/** A benchmark run's report: its run data (lib/runs) and every pair of its generators (lib/compare). */
export interface BenchReportData extends BenchRunData {
  /** Every pair of generators on nDCG@10, recall@k and MAP (compare/generator-pairs.ts); null with fewer than two generators. */
  pairs?: GeneratorPairsComparison | null;
}

/** The run report's view model, as lib/publish/run-report-data.ts gathers it. */
export type RunReportData = BenchReportData | RetrieveReportData;

export function pairsSection(pairs: GeneratorPairsComparison | null | undefined): SafeHtml {
  if (!pairs) return html`<p class="note">The run has fewer than two generators with scores, so there are no pairs to compare.</p>`;
  const level = Number(((1 - pairs.alpha) * 100).toFixed(1));
  const means = renderTable({
    caption: `Means per generator; a letter marks a generator this one is significantly better than (paired test, Holm-adjusted across ${formatCount(pairs.tests)} tests, α = ${pairs.alpha})`,
    rows: pairs.generators,
    columns: [
      { header: 'generator', cell: (g: GeneratorRow) => html`(${g.marker}) ${g.generator}`, className: () => 'nowrap' },
      ...pairs.metrics.map((m, k) => ({
        header: m.label, numeric: true, title: `${directionPhrase(m.better)}; ${m.test}`,
        cell: (g: GeneratorRow) => markedMean(g.cells[k]?.mean ?? null, g.cells[k]?.beats ?? []),
      })),
    ],
  });
  const legend = pairs.generators.map((g) => `${g.marker} = ${g.generator}`).join(', ');
  const rows = pairs.pairs.flatMap((p) => p.metrics.map((m) => ({ pair: p, metric: m })));
  const detail = renderTable({
    caption: `Each pair, B − A with A first by name (${level}% intervals)`,
    rows,
    columns: [
      { header: 'A vs B', cell: (r: { pair: GeneratorPair; metric: PairMetric }) => `(${r.pair.markerA}) ${r.pair.a} vs (${r.pair.markerB}) ${r.pair.b}`, className: () => 'nowrap' },
      { header: 'measure', cell: (r) => r.metric.label },
      { header: 'pairs', numeric: true, title: 'items (question × repeat) both scored', cell: (r) => formatCount(r.metric.pairs) },
      { header: 'mean A', numeric: true, cell: (r) => formatMetric(r.metric.meanA) },
      { header: 'mean B', numeric: true, cell: (r) => formatMetric(r.metric.meanB) },
      {
        header: 'estimate of B − A', numeric: true, title: 'mean difference with its t interval (cut to [−1, 1] where marked *), or Hodges-Lehmann for rank-tested measures',
        cell: (r) => {
          const l = r.metric.location;
          const interval = l.interval ? `[${formatNumber(l.interval[0])}, ${formatNumber(l.interval[1])}]${l.clipped ? '*' : ''}` : '';
          return html`${l.estimate === null ? MISSING : `${l.estimate > 0 ? '+' : ''}${formatNumber(l.estimate)}`}<br><small>${interval}</small>`;
        },
      },
      { header: 'B / tie / A', numeric: true, title: 'questions (repeats averaged) on which B is better, tied within 1e-9, A better', cell: (r) => `${r.metric.record.wins} / ${r.metric.record.ties} / ${r.metric.record.losses}` },
      { header: 'p', numeric: true, cell: (r) => formatP(r.metric.pValue) },
      { header: 'adjusted p', numeric: true, title: 'Holm-adjusted across every pair and measure', cell: (r) => formatP(r.metric.adjustedPValue) },
      { header: 'verdict', cell: (r) => r.metric.verdict, className: () => 'nowrap' },
    ],
  });
  return html`${means}
<p class="note">${legend}. Items pair by question and repeat; ${pairs.metrics.map((m) => `${m.label}: ${m.test}`).join('; ')}; p-values of all ${formatCount(pairs.pairs.length)} pair(s) × ${formatCount(pairs.metrics.length)} measure(s) are Holm-adjusted together, and a letter marks a pair whose adjusted p is below α, in the direction of the test's estimate. Means are over each generator's items. Intervals of measures bounded by [0, 1] are t intervals cut to [−1, 1], the range a difference can take (marked *).</p>
<details><summary>Every pair, measure by measure (table)</summary>${detail}</details>`;
}

function tradeoffPoints(data: BenchReportData): TradeoffPoint[] {
  return data.latency.flatMap((l) => {
    const ci = intervalOf(data.quality, l.generator, NDCG10);
    return ci.mean === null || !(l.median > 0) ? [] : [{ generator: l.generator, latencyMs: l.median, ndcg10: ci.mean, low: ci.low, high: ci.high }];
  });
}

async function benchBody(data: BenchReportData): Promise<{ body: SafeHtml; charts: Chart[] }> {
  const generators = data.summary.generators.map((g) => g.generator);
  const charts: Chart[] = [];
  const figure = async (id: string, spec: Parameters<typeof renderChart>[1], caption: string | SafeHtml): Promise<SafeHtml> => {
    const chart = await renderChart(id, spec);
    charts.push(chart);
    return chartFigure(chart, caption);
  };
  const measureOrder = headlineMeasures(data.recallCutoff).map((m) => m.label);
  const quality = data.quality.length > 0
    ? await figure('quality', qualitySpec(data.quality, generators, measureOrder, 'Retrieval quality per generator'), `Each point is a generator's mean over its items (${formatCount(data.itemCount)} items in all); the line is its 95% confidence interval (method below the table).`)
    : html`<p class="note">No metric values were stored for this run.</p>`;
  const points = tradeoffPoints(data);
  const tradeoff = points.length > 1
    ? await figure('tradeoff', tradeoffSpec(points, generators), `Up and to the left is better. ${generators.includes(MULTI_MODEL_GENERATOR) ? 'multi-model fuses every model\'s queries for a question; its time is the sum of the models\' times (they run one after another on a local host). ' : ''}Generators whose items all came from the cache have no latency and are not shown.`)
    : html``;
  const latency = data.latency.length > 0 ? await figure('latency', latencyBoxSpec(data.latency, generators), 'Per item: LLM generators and baselines, the time to generate the queries (LLM calls, retries included; baselines compute locally); retrieval strategies (bm25, dense, hybrid), the time to retrieve for the question (its share of the question embedding, the vector search and the BM25 search, and its fusion); RAG generators, retrieval and the answer. Quantiles are computed in DuckDB.') : html``;
  const callHistogram = data.callLatency.length > 0 ? await figure('call-latency', callLatencySpec(data.callLatency), 'Counts per bin computed in DuckDB over every non-cached LLM call of the run.') : html``;
  const tokens = data.tokenRates.length > 0 ? await figure('tokens', tokenRateSpec(data.tokenRates), 'From llm_calls.tokens_per_second: the server\'s eval token count divided by its eval duration.') : html``;
  const outcomes = data.errors.length > 0 ? await figure('outcomes', outcomeSpec(data.errors, generators), 'An item is an error when it was attempted and no usable query came back (a query that does not parse is recorded, not an error, when another one does); not attempted when the model\'s circuit stayed open, so it was never sent (not a model error, not scored); cached when every LLM call of the item came from the response cache.') : html``;
  const heat = data.heatmap.length > 0
    ? await figure('per-question', heatmapSpec(data.heatmap, generators), 'Which questions each generator handles well; empty cells have no score.')
    : data.questionCount > MAX_HEATMAP_QUESTIONS ? html`<p class="note">The per-question heat map is drawn for up to ${MAX_HEATMAP_QUESTIONS} questions; this run has ${formatCount(data.questionCount)}.</p>` : html``;

  const body = html`
${runFacts(data.run, [
    ['items', `${formatCount(data.itemCount)} (${formatCount(data.questionCount)} questions)`],
    ['recall cutoff', `recall@${data.recallCutoff} (the suite's top_k)`],
  ])}
${findings(data)}
<section id="quality"><h2>Retrieval quality</h2>
${quality}
${overviewTable(data)}
<p class="note">${CONFIDENCE_METHOD} Items are question × repeat pairs; nDCG@10 and MAP follow trec_eval semantics over the fused ranking of an item's queries.</p>
${tradeoff}
</section>
<section id="set-measures"><h2>Set measures</h2>
${setMeasuresTable(data)}
<p class="note">Boolean queries judged as a systematic reviewer would: each item's set is the union of every document its queries match, with no rank cut; the measures are trec_eval's set_P, set_recall, set_F (F1) and set_F_9 (F3).</p>
</section>
${data.pairs === undefined ? '' : html`<section id="pairs"><h2>Every pair of generators</h2>
${pairsSection(data.pairs)}
</section>`}
${ragSection(data.rag)}
<section id="answer-format"><h2>Answer format</h2>
${answerFormatTable(data)}
<p class="note">Strict format: share of the answers received that followed the declared JSON schema exactly (baselines and multi-model read no answer). Usable answers: share of all items with at least one valid query. Syntax valid: share of all generated queries that parse. Answers the reader had to take another way are counted by how it read them; <em>none</em> means nothing usable was found in the answer.</p>
</section>
<section id="multi-model"><h2>Single vs multi-model</h2>
${multiModelTable(data)}
</section>
<section id="latency"><h2>Latency</h2>
${latency}
${latencyTable(data)}
${callHistogram}
</section>
<section id="tokens"><h2>Generation speed</h2>
${tokens}
${tokenTable(data)}
</section>
<section id="errors"><h2>Errors, items not attempted and cache hits</h2>
${outcomes}
${errorTables(data)}
</section>
<section id="questions"><h2>Per question</h2>
${heat}
${itemTable(data)}
</section>`;
  return { body, charts };
}

async function retrieveBody(data: RetrieveReportData): Promise<{ body: SafeHtml; charts: Chart[] }> {
  const charts: Chart[] = [];
  const unit = data.measures.filter((m) => isUnitMeasure(m.measure));
  const figures: SafeHtml[] = [];
  if (unit.length > 0) {
    const chart = await renderChart('measures', measureMeansSpec(unit));
    charts.push(chart);
    figures.push(chartFigure(chart, 'Points are means over judged queries; lines are 95% confidence intervals (method above). Measures outside 0–1 (counts) are in the table only.'));
  }
  if (data.ndcgHistogram.length > 0) {
    const chart = await renderChart('ndcg-histogram', measureHistogramSpec(data.ndcgHistogram, measureLabel(NDCG10)));
    charts.push(chart);
    figures.push(chartFigure(chart, 'How the per-query scores spread; bins of 0.1 computed in DuckDB.'));
  }
  const config = data.run.config;
  const params = ['system', 'k1', 'b', 'top'].flatMap((k) => (config[k] === undefined ? [] : [`${k} = ${String(config[k])}`])).join(', ');
  const body = html`
${runFacts(data.run, [['queries ranked', formatCount(data.queryCount)], ['parameters', params]])}
<section id="metrics"><h2>Metrics</h2>
${renderTable({
    caption: 'trec_eval measures (mean over judged queries)',
    rows: data.measures,
    empty: 'This run stored no metric values (its dataset has no judgments).',
    columns: [
      { header: 'measure', cell: (m) => m.measure },
      { header: 'label', cell: (m) => m.label },
      { header: 'queries', numeric: true, cell: (m) => formatCount(m.n) },
      { header: 'mean', numeric: true, cell: (m) => formatMetric(m.mean, isUnitMeasure(m.measure) ? undefined : 1) },
      { header: '95% CI', numeric: true, cell: (m) => formatCiBounds(m, isUnitMeasure(m.measure) ? undefined : 1) },
    ],
  })}
<p class="note">${CONFIDENCE_METHOD}</p>
${figures}
</section>`;
  return { body, charts };
}

/** The whole page for a run's report data. */
export async function renderRunReportPage(data: RunReportData, context: ReportContext): Promise<string> {
  const { body, charts } = data.kind === 'bench' ? await benchBody(data) : await retrieveBody(data);
  return renderPage({
    title: `${data.kind === 'bench' ? 'Benchmark run' : 'Retrieval run'} ${data.run.runId}`,
    subtitle: subtitle(data.run),
    nav: standardNav(),
    body,
    scripts: chartScripts(charts, context.assetsHref),
    generatedAt: context.generatedAt,
    generator: context.generator,
  });
}
